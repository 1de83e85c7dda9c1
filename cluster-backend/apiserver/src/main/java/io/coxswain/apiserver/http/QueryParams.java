package io.coxswain.apiserver.http;

import io.coxswain.api.ApiException;
import io.coxswain.api.QueryValues;
import io.vertx.core.MultiMap;

/** Typed access to a request's query parameters, decoded as apimachinery decodes them, with a 400 for a malformed value. */
final class QueryParams {

    private final MultiMap params;

    QueryParams(MultiMap params) {
        this.params = params;
    }

    String get(String name) {
        return params.get(name);
    }

    /** A boolean as apimachinery decodes it: see {@link QueryValues#bool}. */
    boolean flag(String name) {
        return QueryValues.bool(params.get(name));
    }

    int integer(String name, int otherwise) {
        Long v = optionalLong(name);
        if (v == null) {
            return otherwise;
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw ApiException.badRequest("the query parameter " + name + " is out of range: " + v);
        }
        return v.intValue();
    }

    Long optionalLong(String name) {
        return QueryValues.int64(name, params.get(name));
    }

    boolean dryRun() {
        String v = params.get("dryRun");
        if (v == null || v.isEmpty()) {
            return false;
        }
        if (!v.equals("All")) {
            throw ApiException.badRequest("dryRun must be All, not \"" + v + "\"");
        }
        return true;
    }
}
