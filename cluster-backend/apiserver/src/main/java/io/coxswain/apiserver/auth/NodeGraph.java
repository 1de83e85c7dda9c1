package io.coxswain.apiserver.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coxswain.store.KeyValue;
import io.coxswain.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What kube's Node authorizer decides with, reduced to what this apiserver serves: for every pod bound to a node, the
 * Secrets, ConfigMaps and service account it references (volumes, projected sources, env, envFrom, imagePullSecrets),
 * kept in memory from the store's pods (a {@link StoreIndex}), so that a node's request is checked without a read.
 * An edge (node, kind, namespace, name) counts the pods of the node that reference the object.
 */
public final class NodeGraph implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeGraph.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String PODS_PREFIX = "/registry/pods/";

    /** A pod bound to a node, and what it references. */
    public record BoundPod(String node, String namespace, String name, String uid, String serviceAccount, Set<Edge> edges) {
    }

    /** An object a node may reach: resource is secrets, configmaps or serviceaccounts. */
    record Edge(String node, String resource, String namespace, String name) {
    }

    private final StoreIndex<BoundPod> pods;
    private final Map<Edge, Integer> edges = new ConcurrentHashMap<>();

    public NodeGraph(Store store) {
        this.pods = new StoreIndex<>(store, PODS_PREFIX, NodeGraph::decode).onChange(this::changed);
    }

    /** Completes once the pods are listed and watched. */
    public CompletableFuture<Void> start() {
        return pods.startRetrying();
    }

    public boolean synced() {
        return pods.synced();
    }

    @Override
    public void close() {
        pods.close();
    }

    /** Whether a pod bound to {@code node} references the object (secrets, configmaps or serviceaccounts). */
    public boolean references(String node, String resource, String namespace, String name) {
        return edges.containsKey(new Edge(node, resource, namespace, name));
    }

    /** The bound pod namespace/name, or null when no bound pod has that name. */
    public BoundPod pod(String namespace, String name) {
        return pods.get(namespace + "/" + name);
    }

    private void changed(BoundPod before, BoundPod after) {
        if (after != null) {
            after.edges().forEach(e -> edges.merge(e, 1, Integer::sum));
        }
        if (before != null) {
            before.edges().forEach(e -> edges.computeIfPresent(e, (k, n) -> n <= 1 ? null : n - 1));
        }
    }

    private static BoundPod decode(KeyValue kv) {
        try {
            return bound(JSON.readTree(kv.value()));
        } catch (IOException e) {
            LOG.warn("pod {} is not JSON: {}", kv.key(), e.getMessage());
            return null;
        }
    }

    /** The pod's references, or null for a pod that is not bound to a node. */
    static BoundPod bound(JsonNode pod) {
        JsonNode spec = pod.path("spec");
        String node = spec.path("nodeName").asText("");
        if (node.isEmpty()) {
            return null;
        }
        String ns = pod.path("metadata").path("namespace").asText("");
        String sa = spec.path("serviceAccountName").asText("");
        if (sa.isEmpty()) {
            sa = "default";
        }
        Set<Edge> found = new HashSet<>();
        found.add(new Edge(node, "serviceaccounts", ns, sa));
        for (JsonNode s : spec.path("imagePullSecrets")) {
            add(found, node, "secrets", ns, s.path("name"));
        }
        for (JsonNode v : spec.path("volumes")) {
            add(found, node, "secrets", ns, v.path("secret").path("secretName"));
            add(found, node, "configmaps", ns, v.path("configMap").path("name"));
            for (JsonNode source : v.path("projected").path("sources")) {
                add(found, node, "secrets", ns, source.path("secret").path("name"));
                add(found, node, "configmaps", ns, source.path("configMap").path("name"));
            }
        }
        for (String list : List.of("containers", "initContainers", "ephemeralContainers")) {
            for (JsonNode c : spec.path(list)) {
                for (JsonNode from : c.path("envFrom")) {
                    add(found, node, "secrets", ns, from.path("secretRef").path("name"));
                    add(found, node, "configmaps", ns, from.path("configMapRef").path("name"));
                }
                for (JsonNode env : c.path("env")) {
                    add(found, node, "secrets", ns, env.path("valueFrom").path("secretKeyRef").path("name"));
                    add(found, node, "configmaps", ns, env.path("valueFrom").path("configMapKeyRef").path("name"));
                }
            }
        }
        return new BoundPod(node, ns, pod.path("metadata").path("name").asText(""), pod.path("metadata").path("uid").asText(""),
                sa, Set.copyOf(found));
    }

    private static void add(Set<Edge> into, String node, String resource, String ns, JsonNode name) {
        if (name.isTextual() && !name.asText().isEmpty()) {
            into.add(new Edge(node, resource, ns, name.asText()));
        }
    }
}
