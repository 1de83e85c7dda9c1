package io.coxswain.apiserver.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.registry.ObjectService;
import io.coxswain.apiserver.registry.ResourceInfo;
import io.coxswain.apiserver.registry.WriteOptions;

import java.util.concurrent.CompletableFuture;

/**
 * The Endpoints of the {@code kubernetes} Service in {@code default}, kept by the apiserver itself as kube's controlplane
 * endpoints reconciler does (the Service has no selector, so no controller fills them): this server's advertise
 * address and port under the port name {@code https}. Each apiserver adds itself and leaves the others' addresses, and
 * takes itself out when it shuts down gracefully (one that crashed stays listed until an operator edits it: kube's
 * lease-based reconciler, which expires them, is not built).
 *
 * <p>How a pod reaches an apiserver that listens on loopback (all-in-one): the address here is then 127.0.0.1, and
 * kube-proxy DNATs the Service's cluster IP to it; the kernel lets that through from a pod's bridge because kube-proxy
 * sets {@code net.ipv4.conf.all.route_localnet=1} (as kube-proxy does for localhost NodePorts), and its filter rule
 * drops every other packet for 127.0.0.0/8 that does not come from loopback and was not DNATed. So the API stays on
 * loopback for everything but the Service. An apiserver on an underlay address (--listen, or --advertise-address)
 * names that address instead, which pods on other hosts reach through the overlay.
 */
public final class KubernetesEndpoints {

    private static final String SKIP_MIRROR = io.coxswain.api.EndpointSliceLabels.SKIP_MIRROR;

    private static final String NAMESPACE = "default";
    private static final String NAME = "kubernetes";
    private final ObjectService service;
    private final WriteOptions write;
    private final String address;
    private final int port;

    public KubernetesEndpoints(ObjectService service, WriteOptions write, String address, int port) {
        this.service = service;
        this.write = write;
        this.address = address;
        this.port = port;
    }

    /** Puts this server's address and port into the Endpoints (made when missing). */
    public CompletableFuture<Void> ensure() {
        ResourceInfo endpoints = service.registry().find("v1", "endpoints").orElseThrow();
        return service.replace(endpoints, NAMESPACE, NAME, write, current -> {
            withSelf((ObjectNode) current, true);
            // kube-proxy reads these Endpoints by this label: put back if someone took it off
            ((ObjectNode) current.with("metadata")).with("labels").put(SKIP_MIRROR, "true");
            return current;
        }).handle((done, error) -> {
            if (error == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            if (!notFound(error)) {
                return CompletableFuture.<Void>failedFuture(error);
            }
            ObjectNode fresh = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "Endpoints");
            // kube's label: the mirroring controller leaves these alone (a loopback address is no valid EndpointSlice address)
            fresh.putObject("metadata").put("name", NAME).put("namespace", NAMESPACE).putObject("labels")
                    .put(SKIP_MIRROR, "true");
            withSelf(fresh, true);
            // another apiserver may make it first: then add ourselves to theirs
            return service.create(endpoints, NAMESPACE, fresh, write).<Void>thenApply(w -> null)
                    .exceptionallyCompose(e -> alreadyExists(e) ? ensure() : CompletableFuture.failedFuture(e));
        }).thenCompose(f -> f);
    }

    /** Takes this server out, on a graceful shutdown; the others stay. */
    public CompletableFuture<Void> remove() {
        ResourceInfo endpoints = service.registry().find("v1", "endpoints").orElseThrow();
        return service.replace(endpoints, NAMESPACE, NAME, write, current -> {
            withSelf((ObjectNode) current, false);
            return current;
        }).<Void>thenApply(w -> null).exceptionally(e -> null);
    }

    /** Adds (or removes) {address, port} in the subset of that port, as the Endpoints' repacking keeps one subset per port set. */
    private void withSelf(ObjectNode endpoints, boolean present) {
        ArrayNode subsets = endpoints.withArrayProperty("subsets");
        ObjectNode subset = null;
        for (JsonNode s : subsets) {
            JsonNode ports = s.path("ports");
            if (ports.size() == 1 && ports.get(0).path("port").asInt() == port && "https".equals(ports.get(0).path("name").asText())) {
                subset = (ObjectNode) s;
            }
        }
        if (subset == null) {
            if (!present) {
                return;
            }
            subset = subsets.addObject();
            subset.putArray("addresses");
            subset.putArray("ports").addObject().put("name", "https").put("port", port).put("protocol", "TCP");
        }
        ArrayNode addresses = subset.withArrayProperty("addresses");
        for (int i = 0; i < addresses.size(); i++) {
            if (address.equals(addresses.get(i).path("ip").asText())) {
                if (!present) {
                    addresses.remove(i);
                }
                break;
            }
            if (i == addresses.size() - 1 && present) {
                addresses.addObject().put("ip", address);
                break;
            }
        }
        if (addresses.isEmpty() && present) {
            addresses.addObject().put("ip", address);
        }
        if (addresses.isEmpty()) {
            for (int i = 0; i < subsets.size(); i++) {
                if (subsets.get(i) == subset) {
                    subsets.remove(i);
                    break;
                }
            }
        }
    }

    private static boolean notFound(Throwable e) {
        return reason(e, "NotFound");
    }

    private static boolean alreadyExists(Throwable e) {
        return reason(e, "AlreadyExists");
    }

    private static boolean reason(Throwable e, String reason) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiException api && reason.equals(api.reason())) {
                return true;
            }
        }
        return false;
    }
}
