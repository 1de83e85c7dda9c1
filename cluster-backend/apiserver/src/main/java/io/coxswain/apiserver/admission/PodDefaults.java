package io.coxswain.apiserver.admission;

import static io.coxswain.apiserver.admission.Nodes.isNull;
import static io.coxswain.apiserver.admission.Nodes.isTrue;
import static io.coxswain.apiserver.admission.Nodes.isZero;
import static io.coxswain.apiserver.admission.Nodes.object;
import static io.coxswain.apiserver.admission.Nodes.objectOrNull;
import static io.coxswain.apiserver.admission.Nodes.objects;
import static io.coxswain.apiserver.admission.Nodes.setIfNull;
import static io.coxswain.apiserver.admission.Nodes.setIfZero;
import static io.coxswain.apiserver.admission.Nodes.text;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * Pod and PodSpec defaults: {@code SetDefaults_Pod}, {@code SetDefaults_PodSpec}, the container, probe, volume and
 * field-selector defaulters of core/v1, and the pod strategy's {@code PrepareForCreate} status.
 */
final class PodDefaults {

    private static final List<String> CONTAINER_LISTS = List.of("containers", "initContainers", "ephemeralContainers");
    private static final List<String> PROBES = List.of("livenessProbe", "readinessProbe", "startupProbe");
    private static final int DEFAULT_MODE = 0644; // 420
    private static final long DEFAULT_TOLERATION_SECONDS = 300; // --default-{not-ready,unreachable}-toleration-seconds

    private PodDefaults() {
    }

    /** A Pod: PodSpec defaults plus those only a Pod gets (not a template), and the create-time status. */
    static void pod(ObjectNode pod, boolean create) {
        ObjectNode spec = object(pod, "spec");
        podSpec(spec);
        for (String list : List.of("containers", "initContainers")) {
            objects(spec, list).forEach(PodDefaults::requestsFromLimits);
        }
        setIfNull(spec, "enableServiceLinks", true);
        if (isTrue(spec, "hostNetwork")) {
            for (String list : List.of("containers", "initContainers")) {
                objects(spec, list).forEach(c -> objects(c, "ports").forEach(p -> {
                    if (isZero(p, "hostPort") && p.has("containerPort")) {
                        p.set("hostPort", p.get("containerPort"));
                    }
                }));
            }
        }
        if (create) {
            defaultTolerationSeconds(spec);
            ObjectNode status = pod.putObject("status");
            status.put("phase", "Pending");
            status.put("qosClass", PodQos.of(spec));
            if (!Nodes.isEmpty(spec, "schedulingGates")) {
                ObjectNode condition = status.putArray("conditions").addObject();
                condition.put("type", "PodScheduled").put("status", "False").put("reason", "SchedulingGated")
                        .put("message", "Scheduling is blocked due to non-empty scheduling gates");
                condition.putNull("lastProbeTime");
                condition.putNull("lastTransitionTime");
            }
        }
    }

    /**
     * kube-apiserver's DefaultTolerationSeconds admission plugin: a pod that does not tolerate the
     * not-ready/unreachable NoExecute taints (a toleration with that key or no key, and NoExecute or no effect)
     * gets {@code Exists} tolerations of them for 300 s, so the node lifecycle controller evicts it five minutes
     * after its node is lost.
     */
    static void defaultTolerationSeconds(ObjectNode spec) {
        for (String key : List.of("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")) {
            boolean tolerated = objects(spec, "tolerations").stream().anyMatch(t ->
                    (text(t, "key").isEmpty() || text(t, "key").equals(key))
                            && (text(t, "effect").isEmpty() || text(t, "effect").equals("NoExecute")));
            if (!tolerated) {
                ArrayNode tolerations = spec.has("tolerations") && spec.get("tolerations").isArray()
                        ? (ArrayNode) spec.get("tolerations") : spec.putArray("tolerations");
                tolerations.addObject().put("key", key).put("operator", "Exists").put("effect", "NoExecute")
                        .put("tolerationSeconds", DEFAULT_TOLERATION_SECONDS);
            }
        }
    }

    /** A PodTemplateSpec inside a controller: the template's metadata as Go serializes it, and PodSpec defaults. */
    static void template(ObjectNode template) {
        ObjectNode metadata = object(template, "metadata");
        if (!metadata.has("creationTimestamp")) {
            metadata.putNull("creationTimestamp");
        }
        podSpec(object(template, "spec"));
    }

    static void podSpec(ObjectNode spec) {
        setIfZero(spec, "dnsPolicy", "ClusterFirst");
        setIfZero(spec, "restartPolicy", "Always");
        if (isNull(spec, "securityContext")) {
            spec.putObject("securityContext");
        }
        setIfNull(spec, "terminationGracePeriodSeconds", 30);
        setIfZero(spec, "schedulerName", "default-scheduler");
        // v1 <-> internal conversion keeps the deprecated serviceAccount in step with serviceAccountName.
        String account = text(spec, "serviceAccountName").isEmpty() ? text(spec, "serviceAccount")
                : text(spec, "serviceAccountName");
        if (!account.isEmpty()) {
            spec.put("serviceAccountName", account);
            spec.put("serviceAccount", account);
        }
        CONTAINER_LISTS.forEach(list -> objects(spec, list).forEach(PodDefaults::container));
        objects(spec, "volumes").forEach(PodDefaults::volume);
    }

    static void container(ObjectNode container) {
        setIfZero(container, "imagePullPolicy", pullPolicy(text(container, "image")));
        setIfZero(container, "terminationMessagePath", "/dev/termination-log");
        setIfZero(container, "terminationMessagePolicy", "File");
        object(container, "resources");
        objects(container, "ports").forEach(p -> setIfZero(p, "protocol", "TCP"));
        objects(container, "env").forEach(env -> {
            ObjectNode from = objectOrNull(env, "valueFrom");
            fieldRef(objectOrNull(from, "fieldRef"));
            resourceFieldRef(objectOrNull(from, "resourceFieldRef"));
        });
        for (String name : PROBES) {
            ObjectNode probe = objectOrNull(container, name);
            if (probe != null) {
                probe(probe);
            }
        }
        ObjectNode lifecycle = objectOrNull(container, "lifecycle");
        for (String name : List.of("postStart", "preStop")) {
            httpGet(objectOrNull(objectOrNull(lifecycle, name), "httpGet"));
        }
    }

    private static void probe(ObjectNode probe) {
        setIfZero(probe, "timeoutSeconds", 1);
        setIfZero(probe, "periodSeconds", 10);
        setIfZero(probe, "successThreshold", 1);
        setIfZero(probe, "failureThreshold", 3);
        httpGet(objectOrNull(probe, "httpGet"));
        ObjectNode grpc = objectOrNull(probe, "grpc");
        if (grpc != null) {
            setIfNull(grpc, "service", "");
        }
    }

    private static void httpGet(ObjectNode action) {
        if (action != null) {
            setIfZero(action, "path", "/");
            setIfZero(action, "scheme", "HTTP");
        }
    }

    private static void fieldRef(ObjectNode ref) {
        if (ref != null) {
            setIfZero(ref, "apiVersion", "v1");
        }
    }

    /** Divisor is a non-pointer Quantity, which Go serializes as "0" when unset. */
    private static void resourceFieldRef(ObjectNode ref) {
        if (ref != null) {
            setIfNull(ref, "divisor", "0");
        }
    }

    private static void downwardApiItems(ObjectNode source) {
        objects(source, "items").forEach(item -> {
            fieldRef(objectOrNull(item, "fieldRef"));
            resourceFieldRef(objectOrNull(item, "resourceFieldRef"));
        });
    }

    static void volume(ObjectNode volume) {
        boolean hasSource = false;
        for (Map.Entry<String, ?> field : volume.properties()) {
            hasSource |= !field.getKey().equals("name") && !volume.get(field.getKey()).isNull();
        }
        if (!hasSource) {
            volume.putObject("emptyDir");
            return;
        }
        for (String source : List.of("secret", "configMap", "downwardAPI", "projected")) {
            ObjectNode node = objectOrNull(volume, source);
            if (node != null) {
                setIfNull(node, "defaultMode", DEFAULT_MODE);
            }
        }
        downwardApiItems(objectOrNull(volume, "downwardAPI"));
        objects(objectOrNull(volume, "projected"), "sources").forEach(projection -> {
            downwardApiItems(objectOrNull(projection, "downwardAPI"));
            ObjectNode token = objectOrNull(projection, "serviceAccountToken");
            if (token != null) {
                setIfNull(token, "expirationSeconds", 3600);
            }
        });
        ObjectNode hostPath = objectOrNull(volume, "hostPath");
        if (hostPath != null) {
            setIfNull(hostPath, "type", "");
        }
        ObjectNode iscsi = objectOrNull(volume, "iscsi");
        if (iscsi != null) {
            setIfZero(iscsi, "iscsiInterface", "default");
        }
        ObjectNode rbd = objectOrNull(volume, "rbd");
        if (rbd != null) {
            setIfZero(rbd, "pool", "rbd");
            setIfZero(rbd, "user", "admin");
            setIfZero(rbd, "keyring", "/etc/ceph/keyring");
        }
        ObjectNode azureDisk = objectOrNull(volume, "azureDisk");
        if (azureDisk != null) {
            setIfNull(azureDisk, "cachingMode", "ReadWrite");
            setIfNull(azureDisk, "kind", "Shared");
            setIfNull(azureDisk, "fsType", "ext4");
            setIfNull(azureDisk, "readOnly", false);
        }
        ObjectNode scaleIO = objectOrNull(volume, "scaleIO");
        if (scaleIO != null) {
            setIfZero(scaleIO, "storageMode", "ThinProvisioned");
            setIfZero(scaleIO, "fsType", "xfs");
        }
        ObjectNode claimSpec = objectOrNull(objectOrNull(objectOrNull(volume, "ephemeral"), "volumeClaimTemplate"), "spec");
        if (claimSpec != null) {
            setIfNull(claimSpec, "volumeMode", "Filesystem");
        }
    }

    /** SetDefaults_Pod: a limit without a request becomes the request (Pods only, never templates). */
    private static void requestsFromLimits(ObjectNode container) {
        ObjectNode resources = object(container, "resources");
        ObjectNode limits = objectOrNull(resources, "limits");
        if (limits == null) {
            return;
        }
        ObjectNode requests = object(resources, "requests");
        limits.properties().forEach(e -> {
            if (!requests.has(e.getKey())) {
                requests.set(e.getKey(), e.getValue().deepCopy());
            }
        });
    }

    /**
     * Always when the tag is {@code latest}, or when there is neither tag nor digest; IfNotPresent otherwise,
     * including for references Docker's parser rejects (as kube-apiserver ignores the parse error).
     */
    static String pullPolicy(String image) {
        if (image.isEmpty() || !image.equals(image.strip())) {
            return "IfNotPresent";
        }
        int at = image.indexOf('@');
        String name = at < 0 ? image : image.substring(0, at);
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        String tag = colon > slash ? name.substring(colon + 1) : "";
        String repository = colon > slash ? name.substring(0, colon) : name;
        int firstSlash = repository.indexOf('/');
        String first = firstSlash < 0 ? "" : repository.substring(0, firstSlash);
        boolean hasDomain = first.contains(".") || first.contains(":") || first.equals("localhost");
        String path = hasDomain ? repository.substring(firstSlash + 1) : repository;
        if (!path.equals(path.toLowerCase(java.util.Locale.ROOT))) {
            return "IfNotPresent"; // "repository name must be lowercase"
        }
        if (tag.isEmpty() && at < 0) {
            tag = "latest";
        }
        return tag.equals("latest") ? "Always" : "IfNotPresent";
    }
}
