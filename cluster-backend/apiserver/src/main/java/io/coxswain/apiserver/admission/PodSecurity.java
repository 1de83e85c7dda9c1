package io.coxswain.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.api.ApiException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Pod Security admission: the Pod Security Standards checked against a pod's spec, at the level a namespace's
 * {@code pod-security.kubernetes.io/enforce} label names ({@code privileged}, {@code baseline}, {@code restricted}),
 * {@code baseline} when it names none (kube-apiserver's default is privileged; ours is baseline, as team mode wants).
 *
 * <ul>
 *   <li>Pods are refused with kube's message: {@code pods "x" is forbidden: violates PodSecurity "baseline:latest":
 *   host namespaces (hostNetwork=true), hostPath volumes (volume "h")}. The {@code warn} label adds Warning headers.</li>
 *   <li>Pod templates (Deployment, ReplicaSet, ReplicationController, Job, CronJob) only warn, as kube does: {@code would violate PodSecurity
 *   ...}.</li>
 *   <li>baseline: kube's checks in kube's order (AppArmor, host namespaces, hostPort, privileged, /proc mount, SELinux,
 *   sysctls, Windows host process, capabilities beyond the default set, hostPath volumes, seccomp Unconfined). No
 *   hostPort is allowed, as in kube.</li>
 *   <li>restricted: baseline plus allowPrivilegeEscalation=false, capabilities drop ALL (only NET_BIND_SERVICE added),
 *   volume types, runAsNonRoot, runAsUser 0, seccomp RuntimeDefault/Localhost. Not checked: the Windows and user
 *   namespace relaxations.</li>
 *   <li>The Docker socket ({@code /var/run/docker.sock}, {@code /run/docker.sock}, containerd's socket, or any folder
 *   holding one) is never mountable, at any level, in pods and in templates: the kubelet runs pods on that engine.</li>
 * </ul>
 */
public final class PodSecurity {

    public static final String ENFORCE = "pod-security.kubernetes.io/enforce";
    public static final String ENFORCE_VERSION = "pod-security.kubernetes.io/enforce-version";
    public static final String WARN = "pod-security.kubernetes.io/warn";
    public static final String WARN_VERSION = "pod-security.kubernetes.io/warn-version";

    public enum Level {
        PRIVILEGED, BASELINE, RESTRICTED;

        public String label() {
            return name().toLowerCase();
        }

        public static Level parse(String value) {
            for (Level l : values()) {
                if (l.label().equals(value)) {
                    return l;
                }
            }
            return null;
        }
    }

    private static final Set<String> DEFAULT_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID",
            "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");
    private static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
            "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes");
    private static final Set<String> SELINUX_TYPES = Set.of("", "container_t", "container_init_t", "container_kvm_t",
            "container_engine_t");
    private static final Set<String> RESTRICTED_VOLUMES = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
            "persistentVolumeClaim", "projected", "secret");
    private static final List<String> CONTAINER_LISTS = List.of("initContainers", "containers", "ephemeralContainers");
    /** Host paths no pod may mount: the container engines' sockets. A folder holding one is as bad. */
    private static final List<Path> ENGINE_SOCKETS = List.of(Path.of("/var/run/docker.sock"), Path.of("/run/docker.sock"),
            Path.of("/var/run/containerd/containerd.sock"), Path.of("/run/containerd/containerd.sock"));

    /** The group/kind of every object that holds a pod spec: the pod itself, then the kinds with a pod template. */
    private static final Set<String> HOLDS_PODS = Set.of("/Pod", "/ReplicationController", "apps/Deployment", "apps/ReplicaSet",
            "batch/Job", "batch/CronJob");

    private final Level defaultLevel;

    public PodSecurity(Level defaultLevel) {
        this.defaultLevel = defaultLevel;
    }

    /** Whether objects of this group and kind hold a pod spec that these checks read. */
    public static boolean holdsPods(String group, String kind) {
        return HOLDS_PODS.contains(group + "/" + kind);
    }

    /**
     * Admits a create or update of an object that holds pods. Refuses a pod that violates the namespace's enforced
     * level and any object that mounts the Docker socket; returns warnings for the rest.
     *
     * @param namespaceLabels the namespace's labels (missing node when it has none)
     * @param before          the current object on an update, null on a create
     */
    public List<String> admit(String group, String kind, JsonNode before, JsonNode object, JsonNode namespaceLabels) {
        if (!holdsPods(group, kind)) {
            return List.of();
        }
        boolean pod = kind.equals("Pod");
        JsonNode spec = podSpec(kind, object);
        if (spec == null || (before != null && !significant(spec, podSpec(kind, before)))) {
            return List.of(); // metadata, status, scale, binding or image changes: nothing the standards look at
        }
        JsonNode meta = pod ? object.path("metadata") : podTemplateMeta(kind, object);
        String name = object.path("metadata").path("name").asText("");
        String resource = kind.toLowerCase() + "s";
        List<String> socket = engineSocketVolumes(spec);
        if (!socket.isEmpty()) {
            throw ApiException.forbidden(group, resource, name, "hostPath " + plural("volume", "volumes", socket.size()) + " "
                    + joinQuote(socket) + " would mount the container engine's socket, which no pod may mount at any Pod Security level");
        }
        Level enforce = level(namespaceLabels, ENFORCE);
        String enforceVersion = version(namespaceLabels, ENFORCE_VERSION);
        List<String> warnings = new ArrayList<>();
        List<String> enforced = violations(enforce, meta, spec);
        if (!enforced.isEmpty()) {
            String policy = "PodSecurity \"" + enforce.label() + ":" + enforceVersion + "\": " + String.join(", ", enforced);
            if (pod) {
                throw ApiException.forbidden("", "pods", name, "violates " + policy);
            }
            warnings.add("would violate " + policy);
        }
        String warnLabel = namespaceLabels == null ? null : namespaceLabels.path(WARN).asText(null);
        Level warn = Level.parse(warnLabel);
        if (warn != null && warn.ordinal() > enforce.ordinal()) {
            List<String> warned = violations(warn, meta, spec);
            if (!warned.isEmpty()) {
                warnings.add("would violate PodSecurity \"" + warn.label() + ":" + version(namespaceLabels, WARN_VERSION) + "\": "
                        + String.join(", ", warned));
            }
        }
        return warnings;
    }

    /** Whether a spec changed in more than what a binding (nodeName) or a new image changes, as kube ignores those. */
    private static boolean significant(JsonNode spec, JsonNode before) {
        if (before == null) {
            return true;
        }
        return !comparable(spec).equals(comparable(before));
    }

    private static JsonNode comparable(JsonNode spec) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = (com.fasterxml.jackson.databind.node.ObjectNode) spec.deepCopy();
        copy.remove("nodeName");
        for (String list : CONTAINER_LISTS) {
            copy.path(list).forEach(c -> {
                if (c instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                    o.remove("image");
                }
            });
        }
        return copy;
    }

    /** Refuses a namespace whose pod-security labels name no level. */
    public static void validateNamespace(JsonNode namespace) {
        JsonNode labels = namespace.path("metadata").path("labels");
        for (String key : List.of(ENFORCE, WARN, "pod-security.kubernetes.io/audit")) {
            if (labels.has(key) && Level.parse(labels.get(key).asText()) == null) {
                throw ApiException.invalid("", "Namespace", namespace.path("metadata").path("name").asText(""), List.of(
                        new ApiException.Cause("FieldValueNotSupported", "Unsupported value: \"" + labels.get(key).asText()
                                + "\": supported values: \"privileged\", \"baseline\", \"restricted\"", "metadata.labels[" + key + "]")));
            }
        }
    }

    private Level level(JsonNode labels, String key) {
        Level l = labels == null ? null : Level.parse(labels.path(key).asText(""));
        return l == null ? defaultLevel : l;
    }

    private static String version(JsonNode labels, String key) {
        String v = labels == null ? "" : labels.path(key).asText("");
        return v.isEmpty() ? "latest" : v;
    }

    static JsonNode podSpec(String kind, JsonNode object) {
        JsonNode spec = switch (kind) {
            case "Pod" -> object.path("spec");
            case "CronJob" -> object.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
            default -> object.path("spec").path("template").path("spec");
        };
        return spec.isObject() ? spec : null;
    }

    private static JsonNode podTemplateMeta(String kind, JsonNode object) {
        return kind.equals("CronJob") ? object.path("spec").path("jobTemplate").path("spec").path("template").path("metadata")
                : object.path("spec").path("template").path("metadata");
    }

    /** Volumes whose hostPath is an engine socket or a folder above one, after normalising the path. */
    public static List<String> engineSocketVolumes(JsonNode spec) {
        List<String> out = new ArrayList<>();
        for (JsonNode v : spec.path("volumes")) {
            JsonNode hostPath = v.path("hostPath");
            if (!hostPath.isObject()) {
                continue;
            }
            String raw = hostPath.path("path").asText("");
            Path p = Path.of(raw.startsWith("/") ? raw : "/" + raw).normalize();
            for (Path socket : ENGINE_SOCKETS) {
                if (socket.startsWith(p)) {
                    out.add(v.path("name").asText());
                    break;
                }
            }
        }
        return out;
    }

    /** "reason (detail)" for each failed check, in kube's order; empty when the spec meets the level. */
    public static List<String> violations(Level level, JsonNode podMeta, JsonNode spec) {
        List<String> out = new ArrayList<>();
        if (level == Level.PRIVILEGED) {
            return out;
        }
        appArmor(podMeta, spec, out);
        hostNamespaces(spec, out);
        hostPorts(spec, out);
        privileged(spec, out);
        procMount(spec, out);
        seLinux(spec, out);
        sysctls(spec, out);
        windowsHostProcess(spec, out);
        if (level == Level.BASELINE) {
            // the checks restricted replaces with stricter ones
            capabilitiesBaseline(spec, out);
            hostPathVolumes(spec, out);
            seccompBaseline(spec, out);
            return out;
        }
        allowPrivilegeEscalation(spec, out);
        capabilitiesRestricted(spec, out);
        restrictedVolumes(spec, out);
        runAsNonRoot(spec, out);
        runAsUser(spec, out);
        seccompRestricted(spec, out);
        return out;
    }

    // ---- baseline ----

    private static void hostNamespaces(JsonNode spec, List<String> out) {
        List<String> found = new ArrayList<>();
        for (String f : List.of("hostIPC", "hostNetwork", "hostPID")) {
            if (spec.path(f).asBoolean(false)) {
                found.add(f + "=true");
            }
        }
        if (!found.isEmpty()) {
            out.add("host namespaces (" + String.join(", ", found) + ")");
        }
    }

    private static void hostPorts(JsonNode spec, List<String> out) {
        List<String> bad = new ArrayList<>();
        Set<Integer> ports = new TreeSet<>();
        forContainers(spec, c -> {
            boolean any = false;
            for (JsonNode p : c.path("ports")) {
                int port = p.path("hostPort").asInt(0);
                if (port != 0) {
                    ports.add(port);
                    any = true;
                }
            }
            return any;
        }, bad);
        if (!bad.isEmpty()) {
            List<String> sorted = ports.stream().map(String::valueOf).sorted().toList();
            out.add("hostPort (" + plural("container", "containers", bad.size()) + " " + joinQuote(bad) + " "
                    + plural("uses", "use", bad.size()) + " " + plural("hostPort", "hostPorts", sorted.size()) + " "
                    + String.join(", ", sorted) + ")");
        }
    }

    private static void privileged(JsonNode spec, List<String> out) {
        List<String> bad = new ArrayList<>();
        forContainers(spec, c -> c.path("securityContext").path("privileged").asBoolean(false), bad);
        if (!bad.isEmpty()) {
            out.add("privileged (" + plural("container", "containers", bad.size()) + " " + joinQuote(bad)
                    + " must not set securityContext.privileged=true)");
        }
    }

    private static void appArmor(JsonNode meta, JsonNode spec, List<String> out) {
        Set<String> bad = new TreeSet<>();
        String podType = spec.path("securityContext").path("appArmorProfile").path("type").asText("");
        if (podType.equals("Unconfined")) {
            bad.add("pod \"Unconfined\"");
        }
        forContainers(spec, c -> {
            if (c.path("securityContext").path("appArmorProfile").path("type").asText("").equals("Unconfined")) {
                bad.add("container \"" + c.path("name").asText() + "\" \"Unconfined\"");
            }
            return false;
        }, new ArrayList<>());
        meta.path("annotations").fields().forEachRemaining(e -> {
            if (e.getKey().startsWith("container.apparmor.security.beta.kubernetes.io/")) {
                String v = e.getValue().asText("");
                if (!v.isEmpty() && !v.equals("runtime/default") && !v.startsWith("localhost/")) {
                    bad.add(e.getKey() + "=\"" + v + "\"");
                }
            }
        });
        if (!bad.isEmpty()) {
            out.add("forbidden AppArmor profile (" + String.join(", ", bad) + ")");
        }
    }

    private static void seLinux(JsonNode spec, List<String> out) {
        Set<String> problems = new LinkedHashSet<>();
        List<String> setters = new ArrayList<>();
        if (badSeLinux(spec.path("securityContext").path("seLinuxOptions"), problems)) {
            setters.add("pod");
        }
        List<String> bad = new ArrayList<>();
        forContainers(spec, c -> badSeLinux(c.path("securityContext").path("seLinuxOptions"), problems), bad);
        if (!bad.isEmpty()) {
            setters.add(plural("container", "containers", bad.size()) + " " + joinQuote(bad));
        }
        if (!setters.isEmpty()) {
            out.add("seLinuxOptions (" + String.join(" and ", setters) + " set forbidden securityContext.seLinuxOptions: "
                    + String.join("; ", problems) + ")");
        }
    }

    private static boolean badSeLinux(JsonNode options, Set<String> problems) {
        boolean bad = false;
        String type = options.path("type").asText("");
        if (!SELINUX_TYPES.contains(type)) {
            problems.add("type \"" + type + "\"");
            bad = true;
        }
        for (String f : List.of("user", "role")) {
            if (!options.path(f).asText("").isEmpty()) {
                problems.add(f + " \"" + options.path(f).asText() + "\"");
                bad = true;
            }
        }
        return bad;
    }

    private static void procMount(JsonNode spec, List<String> out) {
        List<String> bad = new ArrayList<>();
        forContainers(spec, c -> {
            String m = c.path("securityContext").path("procMount").asText("");
            return !m.isEmpty() && !m.equals("Default");
        }, bad);
        if (!bad.isEmpty()) {
            out.add("procMount (" + plural("container", "containers", bad.size()) + " " + joinQuote(bad)
                    + " must not set securityContext.procMount to \"Unmasked\")");
        }
    }

    private static void seccompBaseline(JsonNode spec, List<String> out) {
        List<String> setters = podAndContainers(spec, sc -> sc.path("seccompProfile").path("type").asText("").equals("Unconfined"));
        if (!setters.isEmpty()) {
            out.add("seccompProfile (" + String.join(" and ", setters) + " must not set securityContext.seccompProfile.type to \"Unconfined\")");
        }
    }

    private static void sysctls(JsonNode spec, List<String> out) {
        List<String> bad = new ArrayList<>();
        for (JsonNode s : spec.path("securityContext").path("sysctls")) {
            String name = s.path("name").asText("");
            if (!SAFE_SYSCTLS.contains(name)) {
                bad.add(name);
            }
        }
        if (!bad.isEmpty()) {
            out.add("forbidden sysctls (" + String.join(", ", bad) + ")");
        }
    }

    private static void windowsHostProcess(JsonNode spec, List<String> out) {
        List<String> setters = podAndContainers(spec, sc -> sc.path("windowsOptions").path("hostProcess").asBoolean(false));
        if (!setters.isEmpty()) {
            out.add("hostProcess (" + String.join(" and ", setters) + " must not set securityContext.windowsOptions.hostProcess=true)");
        }
    }

    private static void capabilitiesBaseline(JsonNode spec, List<String> out) {
        List<String> bad = new ArrayList<>();
        Set<String> caps = new TreeSet<>();
        forContainers(spec, c -> {
            boolean any = false;
            for (JsonNode cap : c.path("securityContext").path("capabilities").path("add")) {
                if (!DEFAULT_CAPABILITIES.contains(cap.asText())) {
                    caps.add(cap.asText());
                    any = true;
                }
            }
            return any;
        }, bad);
        if (!bad.isEmpty()) {
            out.add("non-default capabilities (" + plural("container", "containers", bad.size()) + " " + joinQuote(bad)
                    + " must not include " + joinQuote(List.copyOf(caps)) + " in securityContext.capabilities.add)");
        }
    }

    private static void hostPathVolumes(JsonNode spec, List<String> out) {
        List<String> names = new ArrayList<>();
        for (JsonNode v : spec.path("volumes")) {
            if (v.has("hostPath")) {
                names.add(v.path("name").asText());
            }
        }
        if (!names.isEmpty()) {
            out.add("hostPath volumes (" + plural("volume", "volumes", names.size()) + " " + joinQuote(names) + ")");
        }
    }

    // ---- restricted ----

    private static void allowPrivilegeEscalation(JsonNode spec, List<String> out) {
        List<String> bad = new ArrayList<>();
        forContainers(spec, c -> !c.path("securityContext").path("allowPrivilegeEscalation").isBoolean()
                || c.path("securityContext").path("allowPrivilegeEscalation").asBoolean(), bad);
        if (!bad.isEmpty()) {
            out.add("allowPrivilegeEscalation != false (" + plural("container", "containers", bad.size()) + " " + joinQuote(bad)
                    + " must set securityContext.allowPrivilegeEscalation=false)");
        }
    }

    private static void capabilitiesRestricted(JsonNode spec, List<String> out) {
        List<String> noDrop = new ArrayList<>();
        List<String> badAdd = new ArrayList<>();
        Set<String> added = new TreeSet<>();
        forContainers(spec, c -> {
            JsonNode caps = c.path("securityContext").path("capabilities");
            boolean dropsAll = false;
            for (JsonNode d : caps.path("drop")) {
                dropsAll |= d.asText().equals("ALL");
            }
            if (!dropsAll) {
                noDrop.add(c.path("name").asText());
            }
            boolean any = false;
            for (JsonNode a : caps.path("add")) {
                if (!a.asText().equals("NET_BIND_SERVICE")) {
                    added.add(a.asText());
                    any = true;
                }
            }
            if (any) {
                badAdd.add(c.path("name").asText());
            }
            return false;
        }, new ArrayList<>());
        List<String> details = new ArrayList<>();
        if (!noDrop.isEmpty()) {
            details.add(plural("container", "containers", noDrop.size()) + " " + joinQuote(noDrop)
                    + " must set securityContext.capabilities.drop=[\"ALL\"]");
        }
        if (!badAdd.isEmpty()) {
            details.add(plural("container", "containers", badAdd.size()) + " " + joinQuote(badAdd) + " must not include "
                    + joinQuote(List.copyOf(added)) + " in securityContext.capabilities.add");
        }
        if (!details.isEmpty()) {
            out.add("unrestricted capabilities (" + String.join("; ", details) + ")");
        }
    }

    private static void restrictedVolumes(JsonNode spec, List<String> out) {
        List<String> names = new ArrayList<>();
        Set<String> types = new TreeSet<>();
        for (JsonNode v : spec.path("volumes")) {
            List<String> own = new ArrayList<>();
            v.fieldNames().forEachRemaining(f -> {
                if (!f.equals("name") && !RESTRICTED_VOLUMES.contains(f)) {
                    own.add(f);
                }
            });
            if (!own.isEmpty()) {
                names.add(v.path("name").asText());
                types.addAll(own);
            }
        }
        if (!names.isEmpty()) {
            out.add("restricted volume types (" + plural("volume", "volumes", names.size()) + " " + joinQuote(names) + " "
                    + plural("uses", "use", names.size()) + " " + plural("restricted volume type", "restricted volume types", types.size())
                    + " " + joinQuote(List.copyOf(types)) + ")");
        }
    }

    private static void runAsNonRoot(JsonNode spec, List<String> out) {
        JsonNode pod = spec.path("securityContext").path("runAsNonRoot");
        List<String> setters = new ArrayList<>();
        if (pod.isBoolean() && !pod.asBoolean()) {
            setters.add("pod");
        }
        boolean podTrue = pod.isBoolean() && pod.asBoolean();
        List<String> explicit = new ArrayList<>();
        List<String> implicit = new ArrayList<>();
        forContainers(spec, c -> {
            JsonNode v = c.path("securityContext").path("runAsNonRoot");
            if (v.isBoolean()) {
                if (!v.asBoolean()) {
                    explicit.add(c.path("name").asText());
                }
            } else if (!podTrue) {
                implicit.add(c.path("name").asText());
            }
            return false;
        }, new ArrayList<>());
        if (!explicit.isEmpty()) {
            setters.add(plural("container", "containers", explicit.size()) + " " + joinQuote(explicit));
        }
        if (!setters.isEmpty()) {
            out.add("runAsNonRoot != true (" + String.join(" and ", setters) + " must not set securityContext.runAsNonRoot=false)");
        } else if (!implicit.isEmpty()) {
            out.add("runAsNonRoot != true (pod or " + plural("container", "containers", implicit.size()) + " " + joinQuote(implicit)
                    + " must set securityContext.runAsNonRoot=true)");
        }
    }

    private static void runAsUser(JsonNode spec, List<String> out) {
        List<String> setters = podAndContainers(spec, sc -> sc.path("runAsUser").isNumber() && sc.path("runAsUser").asLong() == 0);
        if (!setters.isEmpty()) {
            out.add("runAsUser=0 (" + String.join(" and ", setters) + " must not set runAsUser=0)");
        }
    }

    private static void seccompRestricted(JsonNode spec, List<String> out) {
        String podType = spec.path("securityContext").path("seccompProfile").path("type").asText("");
        boolean podOk = podType.equals("RuntimeDefault") || podType.equals("Localhost");
        List<String> explicit = new ArrayList<>();
        List<String> implicit = new ArrayList<>();
        forContainers(spec, c -> {
            String t = c.path("securityContext").path("seccompProfile").path("type").asText("");
            if (!t.isEmpty()) {
                if (!t.equals("RuntimeDefault") && !t.equals("Localhost")) {
                    explicit.add(c.path("name").asText());
                }
            } else if (!podOk) {
                implicit.add(c.path("name").asText());
            }
            return false;
        }, new ArrayList<>());
        List<String> setters = new ArrayList<>();
        if (!podType.isEmpty() && !podOk) {
            setters.add("pod");
        }
        if (!explicit.isEmpty()) {
            setters.add(plural("container", "containers", explicit.size()) + " " + joinQuote(explicit));
        }
        if (!setters.isEmpty()) {
            out.add("seccompProfile (" + String.join(" and ", setters)
                    + " must not set securityContext.seccompProfile.type to anything but \"RuntimeDefault\" or \"Localhost\")");
        } else if (!implicit.isEmpty()) {
            out.add("seccompProfile (pod or " + plural("container", "containers", implicit.size()) + " " + joinQuote(implicit)
                    + " must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")");
        }
    }

    // ---- helpers ----

    /** "pod" when the pod's securityContext fails the test, then the containers whose own securityContext does. */
    private static List<String> podAndContainers(JsonNode spec, Function<JsonNode, Boolean> failing) {
        List<String> setters = new ArrayList<>();
        if (failing.apply(spec.path("securityContext"))) {
            setters.add("pod");
        }
        List<String> bad = new ArrayList<>();
        forContainers(spec, c -> failing.apply(c.path("securityContext")), bad);
        if (!bad.isEmpty()) {
            setters.add(plural("container", "containers", bad.size()) + " " + joinQuote(bad));
        }
        return setters;
    }

    /** Adds to {@code bad} the name of every container (init, app, ephemeral) the test finds at fault. */
    private static void forContainers(JsonNode spec, Function<JsonNode, Boolean> test, List<String> bad) {
        for (String list : CONTAINER_LISTS) {
            for (JsonNode c : spec.path(list)) {
                if (test.apply(c)) {
                    bad.add(c.path("name").asText());
                }
            }
        }
    }

    private static String plural(String one, String many, int n) {
        return n == 1 ? one : many;
    }

    private static String joinQuote(List<String> items) {
        List<String> quoted = new ArrayList<>();
        items.forEach(i -> quoted.add("\"" + i + "\""));
        return String.join(", ", quoted);
    }
}
