package io.coxswain.ls;

import org.eclipse.lsp4j.jsonrpc.json.JsonRpcMethod;
import org.eclipse.lsp4j.jsonrpc.services.ServiceEndpoints;

import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The client interface's JSON-RPC methods, from LSP4J's reflection over its annotations, done once and only when a
 * name is first looked up that the server's own table lacks.
 */
final class ClientMethods {

    private final Class<?> client;
    private volatile Map<String, JsonRpcMethod> methods;

    ClientMethods(Class<?> client) {
        this.client = client;
    }

    Map<String, JsonRpcMethod> methods() {
        Map<String, JsonRpcMethod> m = methods;
        if (m == null) {
            synchronized (this) {
                if (methods == null) {
                    methods = ServiceEndpoints.getSupportedMethods(client);
                }
                m = methods;
            }
        }
        return m;
    }

    /** The first table, then these methods: what LSP4J's MessageJsonHandler looks names up in. */
    Map<String, JsonRpcMethod> after(Map<String, JsonRpcMethod> first) {
        return new AbstractMap<>() {
            @Override
            public JsonRpcMethod get(Object name) {
                JsonRpcMethod m = first.get(name);
                return m != null ? m : methods().get(name);
            }

            @Override
            public boolean containsKey(Object name) {
                return get(name) != null;
            }

            @Override
            public Set<Entry<String, JsonRpcMethod>> entrySet() {
                Map<String, JsonRpcMethod> all = new LinkedHashMap<>(methods());
                all.putAll(first);
                return all.entrySet();
            }
        };
    }
}
