package io.coxswain.kubelet.cni;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's pod network through CNI, as a container runtime (containerd, cri-dockerd) drives it for the kubelet:
 * not ready until the node has a pod CIDR, then one ADD per sandbox on its network namespace (loopback on lo, the
 * node's list on eth0), CHECK on demand, DEL when the sandbox stops or is removed, and a collection of the addresses
 * whose container is gone from the engine without its DEL.
 */
public final class CniNetwork {

    private static final Logger LOG = LoggerFactory.getLogger(CniNetwork.class);
    public static final String IFNAME = "eth0";

    private final CniOptions options;
    private final CniPlugins plugins;
    private volatile String podCidr;
    private volatile JsonObject conflist;
    /** Pod IPs of sandboxes, from their ADD or their cached result. */
    private final Map<String, String> ips = new ConcurrentHashMap<>();

    public CniNetwork(CniOptions options) {
        this.options = options;
        this.plugins = new CniPlugins(options);
    }

    /** Refuses to start when a plugin the node needs is missing, naming the package that has it. */
    public void verifyPlugins() {
        List<String> missing = plugins.missing(PodNetworkConfig.conflist("10.0.0.0/24", options));
        missing.addAll(plugins.missing(PodNetworkConfig.loopback()));
        if (!missing.isEmpty()) {
            throw new CniFailure("the CNI plugins " + missing + " are in none of " + options.binDirs()
                    + "; install Debian's containernetworking-plugins (./coxswain does), or point --cni-bin-dir at them");
        }
    }

    /** The node's pod CIDR, as the kubelet learns it from its Node (CRI's UpdateRuntimeConfig). */
    public synchronized void podCidr(String cidr) {
        if (cidr == null || cidr.equals(podCidr)) {
            return;
        }
        JsonObject list = PodNetworkConfig.conflist(cidr, options);
        PodCidrForwarding.ensure(cidr);
        if (podCidr != null) {
            LOG.info("pod CIDR changed from {} to {}: new sandboxes take addresses of the new one", podCidr, cidr);
        }
        conflist = list;
        podCidr = cidr;
    }

    public Optional<String> podCidr() {
        return Optional.ofNullable(podCidr);
    }

    /** Why pods cannot get a network yet, as the kubelet reports NetworkReady=false; empty when ready. */
    public Optional<String> notReady() {
        return conflist == null ? Optional.of("network plugin is not ready: cni config uninitialized (the node has no pod CIDR yet)")
                : Optional.empty();
    }

    /** ADD of loopback and the node's list on the sandbox's namespace; its IP. */
    public String setUp(String containerId, String netns, Map<String, String> podArgs, List<HostPortMapping> hostPorts) {
        JsonObject list = conflist;
        if (list == null) {
            throw new CniFailure(notReady().orElseThrow());
        }
        Map<String, String> args = args(containerId, podArgs);
        plugins.add(PodNetworkConfig.loopback(), new CniPlugins.Attachment(containerId, netns, "lo", args), null);
        JsonArray mappings = new JsonArray();
        for (HostPortMapping p : hostPorts) {
            mappings.add(new JsonObject().put("hostPort", p.hostPort()).put("containerPort", p.containerPort())
                    .put("protocol", p.protocol().toLowerCase()).put("hostIP", p.hostIp()));
        }
        JsonObject result;
        try {
            result = plugins.add(list, new CniPlugins.Attachment(containerId, netns, IFNAME, args),
                    new JsonObject().put("portMappings", mappings));
        } catch (CniFailure e) {
            // the list's own plugins were deleted again by add(); loopback's ADD goes too, so nothing is left cached
            try {
                plugins.delete(PodNetworkConfig.loopback(), new CniPlugins.Attachment(containerId, netns, "lo", args));
            } catch (CniFailure cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        String ip = ipOf(result).orElseThrow(() -> new CniFailure("the CNI result of " + containerId + " has no IPv4 address: " + result.encode()));
        ips.put(containerId, ip);
        return ip;
    }

    /** CHECK of the sandbox's attachment against its cached result: throws when the pod's network is not as set up. */
    public void check(String containerId, String netns) {
        plugins.check(PodNetworkConfig.NETWORK, new CniPlugins.Attachment(containerId, netns, IFNAME, args(containerId, Map.of())));
    }

    /** DEL of the sandbox's attachments ({@code netns} "" once its namespace is gone); nothing when it has none. */
    public void tearDown(String containerId, String netns) {
        ips.remove(containerId);
        boolean attached = plugins.cache(PodNetworkConfig.NETWORK, containerId, IFNAME).isPresent();
        if (!attached && plugins.cache("cni-loopback", containerId, "lo").isEmpty()) {
            return;
        }
        Map<String, String> args = args(containerId, Map.of());
        JsonObject fallback = conflist != null ? conflist : PodNetworkConfig.conflist("10.0.0.0/24", options);
        plugins.delete(fallback, new CniPlugins.Attachment(containerId, netns, IFNAME, args));
        plugins.delete(PodNetworkConfig.loopback(), new CniPlugins.Attachment(containerId, netns, "lo", args));
    }

    /** Whether the sandbox was set up by a CNI ADD (now or before a restart) and not torn down. */
    public boolean attached(String containerId) {
        return ips.containsKey(containerId) || plugins.cache(PodNetworkConfig.NETWORK, containerId, IFNAME).isPresent();
    }

    public Optional<String> ip(String containerId) {
        String known = ips.get(containerId);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<String> cached = plugins.cache(PodNetworkConfig.NETWORK, containerId, IFNAME)
                .flatMap(c -> ipOf(c.getJsonObject("result", new JsonObject())));
        cached.ifPresent(ip -> ips.put(containerId, ip));
        return cached;
    }

    /**
     * Deletes the attachments of containers gone from the engine without a DEL (killed with the kubelet down, removed by
     * hand): host-local would keep their addresses forever. Only this node's CIDR is looked at, so kubelets of one
     * machine in network namespaces of their own never delete each other's.
     */
    public void collectGarbage(Set<String> engineContainers) {
        String cidr = podCidr;
        if (cidr == null) {
            return;
        }
        Set<String> cached = new java.util.LinkedHashSet<>(plugins.cachedContainers(PodNetworkConfig.NETWORK, IFNAME));
        cached.addAll(plugins.cachedContainers("cni-loopback", "lo"));
        for (String id : cached) {
            if (engineContainers.contains(id)) {
                continue;
            }
            Optional<String> ip = ip(id);
            if (ip.isPresent() && !Cidrs.contains(cidr, ip.get())) {
                continue;
            }
            try {
                tearDown(id, "");
                LOG.info("released the pod network of container {} ({}), which is gone from the engine", id, ip.orElse("no address"));
            } catch (CniFailure e) {
                LOG.warn("could not release the pod network of vanished container {}: {}", id, e.getMessage());
            }
        }
        releaseUncached(cidr, engineContainers);
    }

    /** host-local's records, {@code <dataDir>/coxswain/<ip>} holding the container id, without a cached ADD (a crash between the two). */
    private void releaseUncached(String cidr, Set<String> engineContainers) {
        Path dir = options.stateDir().resolve("networks").resolve(PodNetworkConfig.NETWORK);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (!name.matches("\\d+\\.\\d+\\.\\d+\\.\\d+") || !Cidrs.contains(cidr, name)) {
                    continue;
                }
                String id = Files.readString(f).lines().findFirst().orElse("").strip();
                if (!id.isEmpty() && !engineContainers.contains(id) && !attached(id)) {
                    plugins.delete(conflist, new CniPlugins.Attachment(id, "", IFNAME, args(id, Map.of())));
                    LOG.info("released address {} of container {}, which is gone from the engine", name, id);
                }
            }
        } catch (IOException | CniFailure e) {
            LOG.debug("no host-local records to collect in {}: {}", dir, e.toString());
        }
    }

    private static Map<String, String> args(String containerId, Map<String, String> podArgs) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("IgnoreUnknown", "1");
        args.putAll(podArgs);
        args.put("K8S_POD_INFRA_CONTAINER_ID", containerId);
        return args;
    }

    private static Optional<String> ipOf(JsonObject result) {
        JsonArray list = result.getJsonArray("ips");
        if (list == null) {
            return Optional.empty();
        }
        for (Object o : list) {
            String address = ((JsonObject) o).getString("address", "");
            if (address.contains(".")) {
                return Optional.of(address.substring(0, address.indexOf('/') < 0 ? address.length() : address.indexOf('/')));
            }
        }
        return Optional.empty();
    }

    /** A hostPort of the pod, for portmap. */
    public record HostPortMapping(String hostIp, int hostPort, int containerPort, String protocol) {
    }
}
