package io.coxswain.apiserver.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.api.ApiException.Cause;
import io.coxswain.apiserver.auth.UserInfo;
import io.coxswain.apiserver.registry.ResourceStrategy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * discovery.k8s.io EndpointSlice, as kube-apiserver's endpointslice strategy and {@code ValidateEndpointSlice}: what the
 * schema cannot say. Each address must be of the slice's addressType (and an IP not a special one: unspecified,
 * loopback, link-local or link-local multicast), port names unique, and addressType cannot change.
 */
public final class EndpointSliceStrategy implements ResourceStrategy {

    private static final Pattern IPV4 = Pattern.compile("^(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}$");
    private static final Pattern IPV6_CHARS = Pattern.compile("^[0-9a-fA-F:.]+$");
    private static final Pattern LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

    /** Generation 1; consumers such as the EndpointSlice controller's tracker compare generations. */
    @Override
    public void prepareForCreate(ObjectNode slice, UserInfo user) {
        ((ObjectNode) slice.path("metadata")).put("generation", 1);
    }

    /** The generic registry counted changes outside metadata; kube's strategy also counts a change of labels. */
    @Override
    public void prepareForUpdate(String subresource, ObjectNode current, ObjectNode next) {
        long was = current.path("metadata").path("generation").asLong(0);
        ObjectNode meta = (ObjectNode) next.path("metadata");
        if (meta.path("generation").asLong(0) == was
                && !current.path("metadata").path("labels").equals(next.path("metadata").path("labels"))) {
            meta.put("generation", was + 1);
        }
    }

    @Override
    public void validate(ObjectNode slice) {
        List<Cause> causes = new ArrayList<>();
        validateSlice(slice, causes);
        failIfAny(slice, causes);
    }

    @Override
    public void validateUpdate(String subresource, ObjectNode current, ObjectNode next) {
        List<Cause> causes = new ArrayList<>();
        String was = current.path("addressType").asText("");
        String now = next.path("addressType").asText("");
        if (!was.equals(now)) {
            causes.add(new Cause("FieldValueInvalid", "Invalid value: \"" + now + "\": field is immutable", "addressType"));
        }
        validateSlice(next, causes);
        failIfAny(next, causes);
    }

    private static void validateSlice(ObjectNode slice, List<Cause> causes) {
        String type = slice.path("addressType").asText("");
        JsonNode endpoints = slice.path("endpoints");
        for (int i = 0; i < endpoints.size(); i++) {
            JsonNode addresses = endpoints.get(i).path("addresses");
            for (int j = 0; j < addresses.size(); j++) {
                String address = addresses.get(j).asText();
                String problem = addressProblem(type, address);
                if (problem != null) {
                    causes.add(new Cause("FieldValueInvalid", "Invalid value: \"" + address + "\": " + problem,
                            "endpoints[" + i + "].addresses[" + j + "]"));
                }
            }
        }
        Set<String> names = new HashSet<>();
        JsonNode ports = slice.path("ports");
        for (int i = 0; i < ports.size(); i++) {
            String name = ports.get(i).path("name").asText("");
            if (!names.add(name)) {
                causes.add(new Cause("FieldValueDuplicate", "Duplicate value: \"" + name + "\"", "ports[" + i + "].name"));
            }
        }
    }

    /** What kube's validation says about one address, or null when it is fine. */
    static String addressProblem(String type, String address) {
        switch (type) {
            case "IPv4" -> {
                if (!IPV4.matcher(address).matches()) {
                    return "must be a valid IPv4 address";
                }
                return specialProblem(parse(address));
            }
            case "IPv6" -> {
                InetAddress ip = IPV6_CHARS.matcher(address).matches() && address.contains(":") ? parse(address) : null;
                if (ip == null || ip.getAddress().length != 16) {
                    return "must be a valid IPv6 address";
                }
                return specialProblem(ip);
            }
            case "FQDN" -> {
                return fqdnProblem(address);
            }
            default -> {
                return null;
            }
        }
    }

    private static InetAddress parse(String literal) {
        try {
            // only ever called with a literal (checked above), so no name is looked up
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** {@code ValidateNonSpecialIP}. */
    private static String specialProblem(InetAddress ip) {
        if (ip.isAnyLocalAddress()) {
            return "may not be unspecified (0.0.0.0, ::)";
        }
        if (ip.isLoopbackAddress()) {
            return "may not be in the loopback range (127.0.0.0/8, ::1/128)";
        }
        if (ip.isLinkLocalAddress()) {
            return "may not be in the link-local range (169.254.0.0/16, fe80::/10)";
        }
        if (ip.isMCLinkLocal()) {
            return "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)";
        }
        return null;
    }

    /** {@code IsFullyQualifiedDomainName}: at least two DNS-1123 labels, at most 253 characters. */
    private static String fqdnProblem(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (n.isEmpty()) {
            return "Required value";
        }
        String[] labels = n.split("\\.", -1);
        if (labels.length < 2) {
            return "should be a domain with at least two segments separated by dots";
        }
        if (n.length() > 253) {
            return "must be no more than 253 characters";
        }
        for (String label : labels) {
            if (label.length() > 63 || !LABEL.matcher(label).matches()) {
                return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                        + "and must start and end with an alphanumeric character";
            }
        }
        return null;
    }

    private static void failIfAny(ObjectNode slice, List<Cause> causes) {
        if (!causes.isEmpty()) {
            throw ApiException.invalid("discovery.k8s.io", "EndpointSlice", slice.path("metadata").path("name").asText(""), causes);
        }
    }
}
