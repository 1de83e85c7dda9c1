package io.coxswain.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Hands out Service cluster IPs from a range (default 10.96.0.0/16; the first address is the
 * {@code kubernetes} Service's) and node ports from 30000-32767, and refuses one already taken.
 */
public final class ServiceAllocator {

    private final long base;
    private final long size;
    private final Set<Long> ips = new HashSet<>();
    private final Set<Integer> nodePorts = new HashSet<>();
    private long nextIp = 1;
    private int nextPort = 30000;

    public ServiceAllocator(String cidr) {
        String[] parts = cidr.split("/");
        int bits = Integer.parseInt(parts[1]);
        if (bits < 8 || bits > 30) {
            throw new IllegalArgumentException("service range " + cidr + " must be between /8 and /30");
        }
        base = toLong(parts[0]) & (0xFFFFFFFFL << (32 - bits));
        size = 1L << (32 - bits);
    }

    public String firstAddress() {
        return toIp(base + 1);
    }

    /** Records what an existing Service holds, at start-up. */
    public synchronized void restore(JsonNode service) {
        String ip = service.path("spec").path("clusterIP").asText("");
        if (!ip.isEmpty() && !ip.equals("None") && inRange(ip)) {
            ips.add(toLong(ip) - base);
        }
        service.path("spec").path("ports").forEach(p -> {
            if (p.has("nodePort")) {
                nodePorts.add(p.get("nodePort").asInt());
            }
        });
    }

    /** Fills in and reserves the cluster IP and node ports of a new Service. */
    public synchronized void allocate(ObjectNode service) {
        ObjectNode spec = (ObjectNode) service.path("spec");
        String name = service.path("metadata").path("name").asText();
        String type = spec.path("type").asText("ClusterIP");
        if (!type.equals("ExternalName")) {
            String requested = spec.path("clusterIP").asText("");
            if (requested.isEmpty()) {
                String ip = toIp(base + takeIp());
                spec.put("clusterIP", ip);
                spec.putArray("clusterIPs").add(ip);
            } else if (!requested.equals("None")) {
                if (!inRange(requested)) {
                    throw invalid(name, "spec.clusterIPs[0]", "Invalid value: \"" + requested
                            + "\": provided IP is not in the valid range. The range of valid IPs is " + range());
                }
                if (!ips.add(toLong(requested) - base)) {
                    throw invalid(name, "spec.clusterIPs[0]", "Invalid value: \"" + requested + "\": provided IP is already allocated");
                }
                spec.putArray("clusterIPs").add(requested);
            } else {
                spec.putArray("clusterIPs").add("None");
            }
        }
        if (type.equals("NodePort") || type.equals("LoadBalancer")) {
            for (int i = 0; i < spec.path("ports").size(); i++) {
                ObjectNode port = (ObjectNode) spec.path("ports").get(i);
                if (port.has("nodePort")) {
                    int p = port.get("nodePort").asInt();
                    if (p < 30000 || p > 32767) {
                        throw invalid(name, "spec.ports[" + i + "].nodePort", "Invalid value: " + p
                                + ": provided port is not in the valid range. The range of valid ports is 30000-32767");
                    }
                    if (!nodePorts.add(p)) {
                        throw invalid(name, "spec.ports[" + i + "].nodePort", "Invalid value: " + p + ": provided port is already allocated");
                    }
                } else {
                    port.put("nodePort", takePort());
                }
            }
        }
    }

    public synchronized void release(JsonNode service) {
        String ip = service.path("spec").path("clusterIP").asText("");
        if (!ip.isEmpty() && !ip.equals("None") && inRange(ip)) {
            ips.remove(toLong(ip) - base);
        }
        service.path("spec").path("ports").forEach(p -> nodePorts.remove(p.path("nodePort").asInt()));
    }

    private long takeIp() {
        for (long i = 0; i < size - 2; i++) {
            long candidate = 1 + (nextIp - 1 + i) % (size - 2);
            if (ips.add(candidate)) {
                nextIp = candidate + 1;
                return candidate;
            }
        }
        throw new ApiException(500, "InternalError", "Internal error occurred: failed to allocate a serviceIP: range is full");
    }

    private int takePort() {
        for (int i = 0; i <= 2767; i++) {
            int candidate = 30000 + (nextPort - 30000 + i) % 2768;
            if (nodePorts.add(candidate)) {
                nextPort = candidate + 1;
                return candidate;
            }
        }
        throw new ApiException(500, "InternalError", "Internal error occurred: failed to allocate a nodePort: range is full");
    }

    private boolean inRange(String ip) {
        long offset = toLong(ip) - base;
        return offset > 0 && offset < size - 1;
    }

    private String range() {
        return toIp(base) + "/" + (32 - Long.numberOfTrailingZeros(size));
    }

    private static ApiException invalid(String name, String field, String message) {
        return ApiException.invalid("", "Service", name, List.of(new ApiException.Cause("FieldValueInvalid", message, field)));
    }

    private static long toLong(String ip) {
        String[] p = ip.split("\\.");
        if (p.length != 4) {
            throw ApiException.badRequest("\"" + ip + "\" is not an IPv4 address");
        }
        long v = 0;
        for (String part : p) {
            v = (v << 8) | (Integer.parseInt(part) & 0xFF);
        }
        return v;
    }

    private static String toIp(long v) {
        return ((v >> 24) & 0xFF) + "." + ((v >> 16) & 0xFF) + "." + ((v >> 8) & 0xFF) + "." + (v & 0xFF);
    }
}
