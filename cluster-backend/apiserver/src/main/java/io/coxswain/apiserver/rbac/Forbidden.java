package io.coxswain.apiserver.rbac;

import io.coxswain.api.ApiException;
import io.coxswain.apiserver.auth.RequestAttributes;

/** The 403 kube-apiserver answers when authorization refuses a request, word for word. */
public final class Forbidden {

    private Forbidden() {
    }

    /**
     * {@code pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"},
     * {@code namespaces "x" is forbidden: User ... at the cluster scope}, {@code forbidden: User "alice" cannot get path
     * "/metrics"}; a non-empty reason follows after ": ".
     */
    public static String message(RequestAttributes a, String reason) {
        String user = a.user() == null ? "" : a.user().name();
        String what;
        if (!a.resourceRequest()) {
            what = "User \"" + user + "\" cannot " + a.verb() + " path \"" + a.path() + "\"";
        } else {
            String resource = a.subresource() == null || a.subresource().isEmpty() ? a.resource() : a.resource() + "/" + a.subresource();
            String group = a.apiGroup() == null ? "" : a.apiGroup();
            what = "User \"" + user + "\" cannot " + a.verb() + " resource \"" + resource + "\" in API group \"" + group + "\""
                    + (a.namespace() == null || a.namespace().isEmpty() ? " at the cluster scope"
                    : " in the namespace \"" + a.namespace() + "\"");
        }
        if (reason != null && !reason.isEmpty()) {
            what = what + ": " + reason;
        }
        String qualified = !a.resourceRequest() || a.resource() == null ? ""
                : a.apiGroup() == null || a.apiGroup().isEmpty() ? a.resource() : a.resource() + "." + a.apiGroup();
        String name = a.name() == null || a.name().isEmpty() ? "" : " \"" + a.name() + "\"";
        return (qualified.isEmpty() ? "forbidden" : qualified + name + " is forbidden") + ": " + what;
    }

    public static ApiException exception(RequestAttributes a, String reason) {
        String resource = a.resourceRequest() ? a.resource() : null;
        return new ApiException(403, "Forbidden", message(a, reason), resource,
                a.name() == null || a.name().isEmpty() ? null : a.name(), java.util.List.of())
                .withGroup(a.resourceRequest() ? (a.apiGroup() == null ? "" : a.apiGroup()) : null);
    }
}
