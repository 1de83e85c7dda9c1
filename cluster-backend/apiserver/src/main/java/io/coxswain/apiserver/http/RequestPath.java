package io.coxswain.apiserver.http;

import io.coxswain.api.ApiException;
import io.vertx.core.http.HttpMethod;

import java.util.Arrays;
import java.util.List;

/**
 * A resource URL taken apart: {@code /api/v1/namespaces/default/pods/web/status} is apiVersion v1,
 * namespace default, resource pods, name web, subresource status.
 */
public record RequestPath(String apiVersion, String namespace, String resource, String name, String subresource) {

    /** Null when the path is not a resource path (discovery, for instance). */
    public static RequestPath parse(String path) {
        List<String> s = Arrays.stream(path.split("/")).filter(p -> !p.isEmpty()).toList();
        int rest;
        String apiVersion;
        if (s.size() >= 3 && s.get(0).equals("api")) {
            apiVersion = s.get(1);
            rest = 2;
        } else if (s.size() >= 4 && s.get(0).equals("apis")) {
            apiVersion = s.get(1) + "/" + s.get(2);
            rest = 3;
        } else {
            return null;
        }
        List<String> r = s.subList(rest, s.size());
        boolean namespaceSub = r.size() == 3 && r.get(0).equals("namespaces") && (r.get(2).equals("status") || r.get(2).equals("finalize"));
        if (r.size() >= 3 && r.get(0).equals("namespaces") && !namespaceSub) {
            return new RequestPath(apiVersion, r.get(1), r.get(2), at(r, 3), at(r, 4)).checked(r.size() <= 5);
        }
        return new RequestPath(apiVersion, null, r.get(0), at(r, 1), at(r, 2)).checked(r.size() <= 3);
    }

    private static String at(List<String> parts, int i) {
        return i < parts.size() ? parts.get(i) : null;
    }

    private RequestPath checked(boolean ok) {
        return ok ? this : null;
    }

    public boolean isCollection() {
        return name == null;
    }

    /** The API group: "" for the core group ({@code v1}), {@code apps} for {@code apps/v1}. */
    public String apiGroup() {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    /**
     * The verb as Kubernetes names it for authorization and metrics: get, list, watch, create, update, patch,
     * delete or deletecollection.
     *
     * @param watch whether the query asks for a watch ({@code ?watch=true})
     */
    public String verb(HttpMethod method, boolean watch) {
        if (method == HttpMethod.GET) {
            if (isCollection()) {
                return watch ? "watch" : "list";
            }
            return "get";
        }
        if (method == HttpMethod.POST) {
            return "create";
        }
        if (method == HttpMethod.PUT) {
            return "update";
        }
        if (method == HttpMethod.PATCH) {
            return "patch";
        }
        if (method == HttpMethod.DELETE) {
            return isCollection() ? "deletecollection" : "delete";
        }
        throw ApiException.methodNotAllowed();
    }
}
