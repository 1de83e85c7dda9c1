package io.coxswain.apiserver.admission;

import static io.coxswain.apiserver.admission.Nodes.isEmpty;
import static io.coxswain.apiserver.admission.Nodes.isNull;
import static io.coxswain.apiserver.admission.Nodes.isZero;
import static io.coxswain.apiserver.admission.Nodes.object;
import static io.coxswain.apiserver.admission.Nodes.objectOrNull;
import static io.coxswain.apiserver.admission.Nodes.objects;
import static io.coxswain.apiserver.admission.Nodes.setIfNull;
import static io.coxswain.apiserver.admission.Nodes.setIfZero;
import static io.coxswain.apiserver.admission.Nodes.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Service and Endpoints defaults: {@code SetDefaults_Service}, {@code SetDefaults_EndpointPort}, and on create the
 * service storage's {@code normalizeClusterIPs} and {@code initIPFamilyFields} for a single-stack IPv4 cluster.
 * Cluster IPs and node ports are allocated elsewhere.
 */
final class ServiceDefaults {

    static final String PRIMARY_FAMILY = "IPv4";

    private ServiceDefaults() {
    }

    static void service(ObjectNode service, boolean create) {
        ObjectNode spec = object(service, "spec");
        setIfZero(spec, "sessionAffinity", "None");
        String affinity = text(spec, "sessionAffinity");
        if (affinity.equals("None")) {
            spec.remove("sessionAffinityConfig");
        } else if (affinity.equals("ClientIP")) {
            ObjectNode clientIp = objectOrNull(objectOrNull(spec, "sessionAffinityConfig"), "clientIP");
            if (clientIp == null || isNull(clientIp, "timeoutSeconds")) {
                spec.putObject("sessionAffinityConfig").putObject("clientIP").put("timeoutSeconds", 10800);
            }
        }
        setIfZero(spec, "type", "ClusterIP");
        String type = text(spec, "type");
        for (ObjectNode port : objects(spec, "ports")) {
            setIfZero(port, "protocol", "TCP");
            if (isZero(port, "targetPort") && port.has("port")) {
                port.set("targetPort", port.get("port"));
            }
        }
        boolean externallyAccessible = type.equals("LoadBalancer") || type.equals("NodePort")
                || (type.equals("ClusterIP") && !isEmpty(spec, "externalIPs"));
        if (externallyAccessible) {
            setIfZero(spec, "externalTrafficPolicy", "Cluster");
        }
        if (List.of("ClusterIP", "NodePort", "LoadBalancer").contains(type)) {
            setIfNull(spec, "internalTrafficPolicy", "Cluster");
        }
        if (type.equals("LoadBalancer")) {
            setIfNull(spec, "allocateLoadBalancerNodePorts", true);
        }
        if (create) {
            service.putObject("status");
            normalizeClusterIps(spec);
            initIpFamilies(spec);
        }
        ObjectNode loadBalancer = object(object(service, "status"), "loadBalancer");
        if (type.equals("LoadBalancer")) {
            for (ObjectNode ingress : objects(loadBalancer, "ingress")) {
                if (!text(ingress, "ip").isEmpty()) {
                    setIfNull(ingress, "ipMode", "VIP");
                }
            }
        }
    }

    static void endpoints(ObjectNode endpoints) {
        objects(endpoints, "subsets").forEach(subset ->
                objects(subset, "ports").forEach(port -> setIfZero(port, "protocol", "TCP")));
    }

    /** discovery/v1 SetDefaults_EndpointPort: a port's name defaults to "" and its protocol to TCP. */
    static void endpointSlice(ObjectNode slice) {
        for (ObjectNode port : objects(slice, "ports")) {
            if (isNull(port, "name")) {
                port.put("name", "");
            }
            setIfZero(port, "protocol", "TCP");
        }
    }

    /** An old client sets only clusterIP: the plural field follows it. */
    private static void normalizeClusterIps(ObjectNode spec) {
        String clusterIp = text(spec, "clusterIP");
        if (!clusterIp.isEmpty() && isEmpty(spec, "clusterIPs")) {
            spec.putArray("clusterIPs").add(clusterIp);
        }
    }

    private static void initIpFamilies(ObjectNode spec) {
        if (text(spec, "type").equals("ExternalName")) {
            return;
        }
        boolean headlessSelectorless = text(spec, "clusterIP").equals("None") && isEmpty(spec, "selector");
        setIfNull(spec, "ipFamilyPolicy", headlessSelectorless ? "RequireDualStack" : "SingleStack");
        List<String> families = new ArrayList<>();
        JsonNode given = spec.get("ipFamilies");
        if (given != null && given.isArray()) {
            given.forEach(f -> families.add(f.asText()));
        }
        JsonNode clusterIps = spec.get("clusterIPs");
        if (clusterIps != null && clusterIps.isArray()) {
            for (int i = 0; i < clusterIps.size() && !clusterIps.get(i).asText().equals("None"); i++) {
                if (i >= families.size()) {
                    families.add(clusterIps.get(i).asText().contains(":") ? "IPv6" : "IPv4");
                }
            }
        }
        if (families.isEmpty()) {
            families.add(PRIMARY_FAMILY);
        }
        if (headlessSelectorless && families.size() < 2 && !text(spec, "ipFamilyPolicy").equals("SingleStack")) {
            families.add(families.get(0).equals("IPv4") ? "IPv6" : "IPv4");
        }
        ArrayNode out = spec.putArray("ipFamilies");
        families.forEach(out::add);
    }
}
