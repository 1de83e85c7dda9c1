package io.coxswain.kubelet.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A container's environment as the kubelet builds it: service links first, then envFrom, then env, with
 * valueFrom resolved and {@code $(VAR)} references expanded against what came before.
 */
final class EnvResolver {

    /** A configMap or key the container needs and that does not exist: CreateContainerConfigError. */
    static final class ConfigError extends RuntimeException {
        ConfigError(String message) {
            super(message);
        }
    }

    private final KeyedData.Lookup objects;

    EnvResolver(KeyedData.Lookup objects) {
        this.objects = objects;
    }

    Map<String, String> resolve(Pod pod, Container container, List<Service> services, String podIp, String hostIp,
                                long nodeCpuMillis, long nodeMemoryBytes) {
        Map<String, String> env = new LinkedHashMap<>();
        if (!Boolean.FALSE.equals(pod.getSpec().getEnableServiceLinks())) {
            env.putAll(serviceEnv(services, pod.getMetadata().getNamespace()));
        } else {
            env.putAll(serviceEnv(services.stream().filter(s -> "default".equals(s.getMetadata().getNamespace())
                    && "kubernetes".equals(s.getMetadata().getName())).toList(), pod.getMetadata().getNamespace()));
        }
        String ns = pod.getMetadata().getNamespace();
        for (EnvFromSource from : list(container.getEnvFrom())) {
            KeyedData data;
            if (from.getConfigMapRef() != null) {
                data = required(KeyedData.Kind.CONFIG_MAP, ns, from.getConfigMapRef().getName(), from.getConfigMapRef().getOptional());
            } else if (from.getSecretRef() != null) {
                data = required(KeyedData.Kind.SECRET, ns, from.getSecretRef().getName(), from.getSecretRef().getOptional());
            } else {
                continue;
            }
            if (data != null) {
                String prefix = from.getPrefix() == null ? "" : from.getPrefix();
                data.values().keySet().forEach(k -> env.put(prefix + k, data.value(k)));
            }
        }
        for (EnvVar var : list(container.getEnv())) {
            String value;
            if (var.getValueFrom() != null) {
                value = valueFrom(var.getValueFrom(), pod, container, ns, podIp, hostIp, nodeCpuMillis, nodeMemoryBytes);
                if (value == null) {
                    continue;
                }
            } else {
                value = expand(var.getValue() == null ? "" : var.getValue(), env);
            }
            env.put(var.getName(), value);
        }
        return env;
    }

    /** Service links for every service of the namespace, and the master service's in every pod. */
    static Map<String, String> serviceEnv(List<Service> services, String namespace) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Service s : services) {
            boolean master = "default".equals(s.getMetadata().getNamespace()) && "kubernetes".equals(s.getMetadata().getName());
            if (!master && !namespace.equals(s.getMetadata().getNamespace())) {
                continue;
            }
            String ip = s.getSpec().getClusterIP();
            if (ip == null || ip.isEmpty() || "None".equals(ip) || list(s.getSpec().getPorts()).isEmpty()) {
                continue;
            }
            String name = s.getMetadata().getName().toUpperCase(Locale.ROOT).replace('-', '_');
            ServicePort first = s.getSpec().getPorts().get(0);
            env.put(name + "_SERVICE_HOST", ip);
            env.put(name + "_SERVICE_PORT", String.valueOf(first.getPort()));
            for (ServicePort p : s.getSpec().getPorts()) {
                if (p.getName() != null && !p.getName().isEmpty()) {
                    env.put(name + "_SERVICE_PORT_" + p.getName().toUpperCase(Locale.ROOT).replace('-', '_'), String.valueOf(p.getPort()));
                }
            }
            String proto = (first.getProtocol() == null ? "TCP" : first.getProtocol()).toLowerCase(Locale.ROOT);
            env.put(name + "_PORT", proto + "://" + ip + ":" + first.getPort());
            for (ServicePort p : s.getSpec().getPorts()) {
                String pr = p.getProtocol() == null ? "TCP" : p.getProtocol().toUpperCase(Locale.ROOT);
                String prefix = name + "_PORT_" + p.getPort() + "_" + pr;
                env.put(prefix, pr.toLowerCase(Locale.ROOT) + "://" + ip + ":" + p.getPort());
                env.put(prefix + "_PROTO", pr.toLowerCase(Locale.ROOT));
                env.put(prefix + "_PORT", String.valueOf(p.getPort()));
                env.put(prefix + "_ADDR", ip);
            }
        }
        return env;
    }

    private String valueFrom(EnvVarSource from, Pod pod, Container container, String ns, String podIp, String hostIp,
                             long nodeCpuMillis, long nodeMemoryBytes) {
        if (from.getFieldRef() != null) {
            return field(from.getFieldRef(), pod, podIp, hostIp);
        }
        if (from.getResourceFieldRef() != null) {
            return resource(from.getResourceFieldRef(), container, nodeCpuMillis, nodeMemoryBytes);
        }
        if (from.getConfigMapKeyRef() != null) {
            var ref = from.getConfigMapKeyRef();
            return key(KeyedData.Kind.CONFIG_MAP, ns, ref.getName(), ref.getKey(), ref.getOptional());
        }
        if (from.getSecretKeyRef() != null) {
            var ref = from.getSecretKeyRef();
            return key(KeyedData.Kind.SECRET, ns, ref.getName(), ref.getKey(), ref.getOptional());
        }
        return null;
    }

    /** The object's keys; null when it is missing and optional; a ConfigError with kube's message when required. */
    private KeyedData required(KeyedData.Kind kind, String ns, String name, Boolean optional) {
        KeyedData data = objects.get(kind, ns, name);
        if (data == null && !Boolean.TRUE.equals(optional)) {
            throw new ConfigError(kind.notFound(name));
        }
        return data;
    }

    /** One key's value for env; null when it is missing and optional (the variable is then left out). */
    private String key(KeyedData.Kind kind, String ns, String name, String key, Boolean optional) {
        KeyedData data = required(kind, ns, name, optional);
        String value = data == null ? null : data.value(key);
        if (value == null && data != null && !Boolean.TRUE.equals(optional)) {
            throw new ConfigError(data.missingKey(key));
        }
        return value;
    }

    static String field(ObjectFieldSelector ref, Pod pod, String podIp, String hostIp) {
        String path = ref.getFieldPath();
        var meta = pod.getMetadata();
        if (path.startsWith("metadata.labels['") && path.endsWith("']")) {
            return mapValue(meta.getLabels(), path.substring(17, path.length() - 2));
        }
        if (path.startsWith("metadata.annotations['") && path.endsWith("']")) {
            return mapValue(meta.getAnnotations(), path.substring(22, path.length() - 2));
        }
        return switch (path) {
            case "metadata.name" -> meta.getName();
            case "metadata.namespace" -> meta.getNamespace();
            case "metadata.uid" -> meta.getUid();
            case "metadata.labels" -> formatMap(meta.getLabels());
            case "metadata.annotations" -> formatMap(meta.getAnnotations());
            case "spec.nodeName" -> pod.getSpec().getNodeName();
            case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName() == null ? "default" : pod.getSpec().getServiceAccountName();
            case "status.podIP", "status.podIPs" -> podIp == null ? "" : podIp;
            case "status.hostIP", "status.hostIPs" -> hostIp;
            default -> throw new ConfigError("unsupported fieldRef fieldPath \"" + path + "\"");
        };
    }

    static String resource(ResourceFieldSelector ref, Container container, long nodeCpuMillis, long nodeMemoryBytes) {
        String name = ref.getResource();
        var res = container.getResources();
        Map<String, Quantity> limits = res == null || res.getLimits() == null ? Map.of() : res.getLimits();
        Map<String, Quantity> requests = res == null || res.getRequests() == null ? Map.of() : res.getRequests();
        BigDecimal amount = switch (name) {
            case "limits.cpu" -> limits.containsKey("cpu") ? amount(limits.get("cpu")) : BigDecimal.valueOf(nodeCpuMillis, 3);
            case "limits.memory" -> limits.containsKey("memory") ? amount(limits.get("memory")) : BigDecimal.valueOf(nodeMemoryBytes);
            case "requests.cpu" -> requests.containsKey("cpu") ? amount(requests.get("cpu")) : BigDecimal.ZERO;
            case "requests.memory" -> requests.containsKey("memory") ? amount(requests.get("memory")) : BigDecimal.ZERO;
            case "limits.ephemeral-storage", "requests.ephemeral-storage" -> BigDecimal.ZERO;
            default -> throw new ConfigError("unsupported resourceFieldRef resource \"" + name + "\"");
        };
        BigDecimal divisor = ref.getDivisor() == null ? BigDecimal.ONE : amount(ref.getDivisor());
        if (divisor.signum() == 0) {
            divisor = BigDecimal.ONE;
        }
        // Kubernetes rounds up: a 250m limit in cores is 1
        return amount.divide(divisor, 0, RoundingMode.CEILING).toPlainString();
    }

    private static BigDecimal amount(Quantity q) {
        return Quantity.getAmountInBytes(q);
    }

    private static String mapValue(Map<String, String> map, String key) {
        return map == null ? "" : map.getOrDefault(key, "");
    }

    private static String formatMap(Map<String, String> map) {
        if (map == null) {
            return "";
        }
        List<String> lines = new ArrayList<>();
        map.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> lines.add(e.getKey() + "=\"" + e.getValue() + "\""));
        return String.join("\n", lines);
    }

    /** Kubernetes's $(VAR) expansion: known names are replaced, $$ is a literal $, unknown ones stay as written. */
    static String expand(String input, Map<String, String> env) {
        StringBuilder out = new StringBuilder(input.length());
        int i = 0;
        while (i < input.length()) {
            char c = input.charAt(i);
            if (c == '$' && i + 1 < input.length()) {
                char n = input.charAt(i + 1);
                if (n == '$') {
                    out.append('$');
                    i += 2;
                    continue;
                }
                if (n == '(') {
                    int close = input.indexOf(')', i + 2);
                    if (close > 0) {
                        String name = input.substring(i + 2, close);
                        String value = env.get(name);
                        out.append(value != null ? value : input, value != null ? 0 : i, value != null ? value.length() : close + 1);
                        i = close + 1;
                        continue;
                    }
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }
}
