package io.coxswain.apiserver.auth;

/**
 * What authorization decides on, as kube-apiserver's authorizer.Attributes: the user, the verb (get, list, watch,
 * create, update, patch, delete, deletecollection; or an HTTP verb in lower case for a non-resource URL), and either
 * the resource (API group, resource, subresource, namespace, name) or the non-resource path (/healthz, /version).
 */
public record RequestAttributes(UserInfo user, String verb, boolean resourceRequest, String apiGroup, String resource,
                                String subresource, String namespace, String name, String path) {
}
