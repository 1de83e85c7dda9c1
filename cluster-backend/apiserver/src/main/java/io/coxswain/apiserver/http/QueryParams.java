package io.coxswain.apiserver.http;

import io.coxswain.api.ApiException;
import io.vertx.core.MultiMap;

/** Typed access to a request's query parameters, with kube-apiserver's 400 for a malformed value. */
final class QueryParams {

    private final MultiMap params;

    QueryParams(MultiMap params) {
        this.params = params;
    }

    String get(String name) {
        return params.get(name);
    }

    boolean flag(String name) {
        String v = params.get(name);
        return "true".equals(v) || "1".equals(v);
    }

    int integer(String name, int otherwise) {
        String v = params.get(name);
        if (v == null || v.isEmpty()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a whole number, not \"" + v + "\"");
        }
    }

    Long optionalLong(String name) {
        String v = params.get(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a whole number, not \"" + v + "\"");
        }
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
