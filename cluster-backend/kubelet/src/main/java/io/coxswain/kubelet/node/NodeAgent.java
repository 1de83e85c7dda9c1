package io.coxswain.kubelet.node;

import io.coxswain.client.MergePatch;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A node's presence in the API, as the kubelet keeps it: the Node object with its capacity, addresses and
 * conditions, and a Lease in kube-node-lease renewed every quarter of its duration. Both the Docker kubelet and
 * hollow nodes use it; each call is one blocking API request.
 */
public final class NodeAgent {

    /** What a node reports of itself. */
    public record NodeInfo(String name, String ip, long cpuMillis, long memoryBytes, int maxPods, int kubeletPort,
                           Map<String, String> labels, String runtimeVersion, Duration leaseDuration, String podCidr) {

        public NodeInfo(String name, String ip, long cpuMillis, long memoryBytes, int maxPods, int kubeletPort,
                        Map<String, String> labels, String runtimeVersion, Duration leaseDuration) {
            this(name, ip, cpuMillis, memoryBytes, maxPods, kubeletPort, labels, runtimeVersion, leaseDuration, null);
        }
    }

    private static final DateTimeFormatter MICRO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final Duration REPORT_UNCHANGED = Duration.ofMinutes(5);
    private static final String RUNTIME_NOT_READY = "container runtime is not ready";

    private final KubernetesClient client;
    private final NodeInfo info;
    private Instant lastReport = Instant.MIN;
    private String lastReady;
    private String uid;
    private boolean leaseExists;

    public NodeAgent(KubernetesClient client, NodeInfo info) {
        this.client = client;
        this.info = info;
    }

    public NodeInfo info() {
        return info;
    }

    public void register() {
        register(null);
    }

    /**
     * Creates the Node with its status, as the kubelet registers, or takes over the one with this name and reports
     * its status. A pod CIDR of the kubelet's own (--pod-cidr) goes into the spec, as the kubelet's initialNode puts
     * it. {@code notReady} is why the node is not ready, or null. Returns the Node's pod CIDR, or null when it has none yet.
     */
    public String register(String notReady) {
        Instant now = Instant.now();
        NodeBuilder builder = new NodeBuilder().withNewMetadata().withName(info.name()).withLabels(labels()).endMetadata()
                .withNewSpec().endSpec().withStatus(status(notReady, now));
        if (info.podCidr() != null) {
            builder.editSpec().withPodCIDR(info.podCidr()).withPodCIDRs(info.podCidr()).endSpec();
        }
        Node registered;
        try {
            registered = client.nodes().resource(builder.build()).create();
            lastReady = notReady == null ? "True" : "False";
            lastReport = now;
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            registered = client.nodes().withName(info.name()).patch(PatchContext.of(PatchType.JSON_MERGE),
                    Serialization.asJson(Map.of("metadata", Map.of("labels", labels()))));
            reportStatus(notReady);
        }
        uid = registered.getMetadata().getUid();
        return registered.getSpec() == null ? null : registered.getSpec().getPodCIDR();
    }

    /**
     * Sends the node status when the Ready condition changes, or at least every five minutes (the kubelet's
     * nodeStatusReportFrequency); the Lease carries liveness in between.
     */
    public void reportStatus(boolean ready) {
        reportStatus(ready ? null : RUNTIME_NOT_READY);
    }

    /** As {@link #reportStatus(boolean)}, with why the node is not ready (null when it is). */
    public void reportStatus(String notReady) {
        Instant now = Instant.now();
        String readyNow = notReady == null ? "True" : "False";
        if (Objects.equals(readyNow, lastReady) && Duration.between(lastReport, now).compareTo(REPORT_UNCHANGED) < 0) {
            return;
        }
        MergePatch.send(client, "/api/v1/nodes/" + info.name() + "/status", Map.of("status", status(notReady, now)));
        lastReady = readyNow;
        lastReport = now;
    }

    /**
     * As the real kubelet compares with the Node the apiserver holds: when someone else changed its Ready condition
     * (the node lifecycle controller marks a silent node Unknown), the status is posted again at once.
     */
    public void reportStatusComparingWithApi(boolean ready) {
        reportStatusComparingWithApi(ready ? null : RUNTIME_NOT_READY);
    }

    /** As above, with why the node is not ready (null when it is). */
    public void reportStatusComparingWithApi(String notReady) {
        Node stored = client.nodes().withName(info.name()).get();
        String want = notReady == null ? "True" : "False";
        boolean differs = stored == null || stored.getStatus() == null || stored.getStatus().getConditions() == null
                || stored.getStatus().getConditions().stream().noneMatch(c -> "Ready".equals(c.getType()) && want.equals(c.getStatus()));
        if (differs) {
            lastReady = null;
        }
        reportStatus(notReady);
    }

    /**
     * Renews the node's Lease: one merge patch of its renewTime, in one request. The first call creates the Lease (owned by the
     * Node) and only patches when it exists already, so that a registration costs no failed request.
     */
    public void renewLease() {
        var leases = client.leases().inNamespace("kube-node-lease");
        if (!leaseExists && createLease(leases)) {
            return;
        }
        try {
            MergePatch.send(client, "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + info.name(),
                    Map.of("spec", Map.of("renewTime", MICRO.format(Instant.now()))));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
            createLease(leases);
        }
    }

    /** Creates the Lease; true if it was made now, false if it was there already. */
    private boolean createLease(io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<Lease, ?, io.fabric8.kubernetes.client.dsl.Resource<Lease>> leases) {
        if (uid == null) {
            uid = client.nodes().withName(info.name()).get().getMetadata().getUid();
        }
        Lease lease = new LeaseBuilder().withNewMetadata().withName(info.name()).withNamespace("kube-node-lease")
                .addNewOwnerReference().withApiVersion("v1").withKind("Node").withName(info.name())
                .withUid(uid).endOwnerReference()
                .endMetadata()
                .withNewSpec().withHolderIdentity(info.name()).withLeaseDurationSeconds((int) info.leaseDuration().toSeconds())
                .withRenewTime(java.time.ZonedDateTime.now(ZoneOffset.UTC)).endSpec().build();
        try {
            leases.resource(lease).create();
            leaseExists = true;
            return true;
        } catch (KubernetesClientException conflict) {
            if (conflict.getCode() != 409) {
                throw conflict;
            }
            leaseExists = true;
            return false;
        }
    }

    private Map<String, String> labels() {
        Map<String, String> labels = new HashMap<>(info.labels());
        labels.put("kubernetes.io/hostname", info.name());
        labels.put("kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        labels.put("beta.kubernetes.io/os", "linux");
        labels.put("beta.kubernetes.io/arch", "amd64");
        return labels;
    }

    private NodeStatus status(String notReady, Instant now) {
        String at = now.truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, Quantity> capacity = Map.of(
                "cpu", new Quantity(info.cpuMillis() % 1000 == 0 ? String.valueOf(info.cpuMillis() / 1000) : info.cpuMillis() + "m"),
                "memory", new Quantity((info.memoryBytes() / 1024) + "Ki"),
                "pods", new Quantity(String.valueOf(info.maxPods())),
                "ephemeral-storage", new Quantity("100Gi"));
        NodeStatus status = new NodeStatus();
        status.setCapacity(capacity);
        status.setAllocatable(capacity);
        status.setAddresses(List.of(new NodeAddress(info.ip(), "InternalIP"), new NodeAddress(info.name(), "Hostname")));
        status.setConditions(List.of(
                condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", at),
                condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", at),
                condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", at),
                notReady == null ? condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", at)
                        : condition("Ready", "False", "KubeletNotReady", notReady, at)));
        var daemon = new io.fabric8.kubernetes.api.model.NodeDaemonEndpoints();
        daemon.setKubeletEndpoint(new io.fabric8.kubernetes.api.model.DaemonEndpoint(info.kubeletPort()));
        status.setDaemonEndpoints(daemon);
        var nodeInfo = new io.fabric8.kubernetes.api.model.NodeSystemInfo();
        nodeInfo.setArchitecture("amd64");
        nodeInfo.setOperatingSystem("linux");
        nodeInfo.setOsImage(System.getProperty("os.name") + " " + System.getProperty("os.version"));
        nodeInfo.setKernelVersion(System.getProperty("os.version"));
        nodeInfo.setKubeletVersion("v1.32.0-coxswain");
        nodeInfo.setKubeProxyVersion("v1.32.0-coxswain");
        nodeInfo.setContainerRuntimeVersion(info.runtimeVersion());
        nodeInfo.setMachineID(info.name());
        nodeInfo.setSystemUUID(info.name());
        nodeInfo.setBootID(info.name());
        status.setNodeInfo(nodeInfo);
        return status;
    }

    private static NodeCondition condition(String type, String status, String reason, String message, String at) {
        return new NodeConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastHeartbeatTime(at).withLastTransitionTime(at).build();
    }
}
