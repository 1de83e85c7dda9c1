package io.coxswain.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The cluster's zone, answered as CoreDNS's kubernetes plugin answers it (kubernetes/dns docs/specification.md):
 * {@code <svc>.<ns>.svc.<zone>} (the cluster IP, or a headless Service's ready endpoints), {@code <host>.<svc>.<ns>.svc}
 * for endpoints with a hostname (or the dashed IP), {@code _<port>._<proto>.<svc>.<ns>.svc} SRV for named ports,
 * ExternalName as a CNAME, {@code a-b-c-d.<ns>.pod} and PTR for cluster IPs. A name that cannot exist is NXDOMAIN; one
 * that exists without records of the asked type is NODATA (NOERROR, no answer, the SOA).
 */
final class ClusterZone {

    private final Name zone;
    private final ClusterState state;
    private final long ttl;
    private final SOARecord soa;

    ClusterZone(String domain, ClusterState state, long ttlSeconds) {
        try {
            this.zone = Name.fromString(domain + ".");
            this.state = state;
            this.ttl = ttlSeconds;
            this.soa = new SOARecord(zone, DClass.IN, ttlSeconds, Name.fromString("ns.dns", zone),
                    Name.fromString("hostmaster", zone), 1, 7200, 1800, 86400, ttlSeconds);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("cluster domain " + domain + " is not a DNS name");
        }
    }

    /** Whether the name is this zone's, or a PTR of a cluster IP that this zone knows. */
    boolean owns(Name name, int type) {
        if (name.subdomain(zone)) {
            return true;
        }
        return type == Type.PTR && !reverse(name).isEmpty();
    }

    /** The answer to a question that {@link #owns} the name: a response with AA set. */
    Message answer(Message query) {
        Record question = query.getQuestion();
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        response.getHeader().setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        response.addRecord(question, Section.QUESTION);
        Name name = question.getName();
        int type = question.getType();
        if (!name.subdomain(zone)) {
            for (Service s : reverse(name)) {
                response.addRecord(new PTRRecord(name, DClass.IN, ttl, serviceName(s)), Section.ANSWER);
            }
            return response;
        }
        List<String> labels = relativeLabels(name);
        Result result = lookUp(name, type, labels);
        if (result.rcode == Rcode.NXDOMAIN) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        result.answers.forEach(r -> response.addRecord(r, Section.ANSWER));
        result.additional.forEach(r -> response.addRecord(r, Section.ADDITIONAL));
        if (result.answers.isEmpty()) {
            response.addRecord(soa, Section.AUTHORITY);
        }
        return response;
    }

    private record Result(int rcode, List<Record> answers, List<Record> additional) {
        static Result nxdomain() {
            return new Result(Rcode.NXDOMAIN, List.of(), List.of());
        }

        static Result nodata() {
            return new Result(Rcode.NOERROR, List.of(), List.of());
        }
    }

    /** The labels under the zone, lower-cased, leftmost first ({@code web.default.svc}). */
    private List<String> relativeLabels(Name name) {
        int n = name.labels() - zone.labels();
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(name.getLabelString(i).toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private Result lookUp(Name name, int type, List<String> labels) {
        int n = labels.size();
        if (n == 0) {
            return type == Type.SOA ? new Result(Rcode.NOERROR, List.of(soa), List.of()) : Result.nodata();
        }
        String kind = labels.get(n - 1);
        if (kind.equals("svc")) {
            return switch (n) {
                case 1 -> Result.nodata();
                case 2 -> state.hasServicesIn(labels.get(0)) ? Result.nodata() : Result.nxdomain();
                case 3 -> service(name, type, labels.get(1), labels.get(0));
                case 4 -> endpoint(name, type, labels.get(2), labels.get(1), labels.get(0));
                case 5 -> srv(name, type, labels.get(3), labels.get(2), labels.get(0), labels.get(1));
                default -> Result.nxdomain();
            };
        }
        if (kind.equals("pod")) {
            return switch (n) {
                case 1, 2 -> Result.nodata();
                case 3 -> pod(name, type, labels.get(0));
                default -> Result.nxdomain();
            };
        }
        return Result.nxdomain();
    }

    private Result service(Name name, int type, String namespace, String svcName) {
        Service s = state.service(namespace, svcName);
        if (s == null) {
            return Result.nxdomain();
        }
        if ("ExternalName".equals(s.getSpec().getType())) {
            try {
                Name target = Name.fromString(s.getSpec().getExternalName().replaceAll("\\.$", "") + ".");
                return new Result(Rcode.NOERROR, List.of(new CNAMERecord(name, DClass.IN, ttl, target)), List.of());
            } catch (TextParseException | NullPointerException e) {
                return Result.nxdomain();
            }
        }
        if (headless(s)) {
            List<ClusterState.Endpoint> ready = state.endpoints(namespace, svcName).stream().filter(ClusterState.Endpoint::ready).toList();
            if (ready.isEmpty()) {
                return Result.nxdomain();
            }
            if (type == Type.SRV) {
                List<Record> answers = new ArrayList<>();
                List<Record> additional = new ArrayList<>();
                for (ClusterState.Endpoint e : ready) {
                    Name target = endpointName(e, name);
                    for (ClusterState.Port p : e.ports()) {
                        answers.add(new SRVRecord(name, DClass.IN, ttl, 0, 100, p.port(), target));
                    }
                    additional.addAll(addresses(target, List.of(e.ip()), Type.ANY));
                }
                return new Result(Rcode.NOERROR, answers, dedupe(additional));
            }
            return new Result(Rcode.NOERROR, addresses(name, ready.stream().map(ClusterState.Endpoint::ip).distinct().toList(), type), List.of());
        }
        List<String> ips = InformerClusterState.clusterIps(s);
        if (type == Type.SRV) {
            List<Record> answers = new ArrayList<>();
            for (ServicePort p : ports(s)) {
                answers.add(new SRVRecord(name, DClass.IN, ttl, 0, 100, p.getPort(), name));
            }
            return new Result(Rcode.NOERROR, answers, answers.isEmpty() ? List.of() : addresses(name, ips, Type.ANY));
        }
        return new Result(Rcode.NOERROR, addresses(name, ips, type), List.of());
    }

    private Result endpoint(Name name, int type, String namespace, String svcName, String host) {
        Service s = state.service(namespace, svcName);
        if (s == null) {
            return Result.nxdomain();
        }
        List<String> ips = state.endpoints(namespace, svcName).stream()
                .filter(e -> host.equals(e.hostname() == null ? dashed(e.ip()) : e.hostname().toLowerCase(Locale.ROOT)))
                .map(ClusterState.Endpoint::ip).distinct().toList();
        if (ips.isEmpty()) {
            return Result.nxdomain();
        }
        return new Result(Rcode.NOERROR, addresses(name, ips, type), List.of());
    }

    /** {@code _<port>._<proto>.<svc>.<ns>.svc}: SRV for a named port; the port name and protocol without their underscores. */
    private Result srv(Name name, int type, String namespace, String svcName, String portLabel, String protoLabel) {
        if (!portLabel.startsWith("_") || !protoLabel.startsWith("_")) {
            return Result.nxdomain();
        }
        String portName = portLabel.substring(1);
        String proto = protoLabel.substring(1);
        Service s = state.service(namespace, svcName);
        if (s == null) {
            return Result.nxdomain();
        }
        Name serviceName = serviceName(s);
        List<Record> answers = new ArrayList<>();
        List<Record> additional = new ArrayList<>();
        boolean found = false;
        if (headless(s)) {
            for (ClusterState.Endpoint e : state.endpoints(namespace, svcName)) {
                if (!e.ready()) {
                    continue;
                }
                for (ClusterState.Port p : e.ports()) {
                    if (p.name().equalsIgnoreCase(portName) && p.protocol().equalsIgnoreCase(proto)) {
                        found = true;
                        Name target = endpointName(e, serviceName);
                        answers.add(new SRVRecord(name, DClass.IN, ttl, 0, 100, p.port(), target));
                        additional.addAll(addresses(target, List.of(e.ip()), Type.ANY));
                    }
                }
            }
        } else {
            for (ServicePort p : ports(s)) {
                String protocol = p.getProtocol() == null ? "TCP" : p.getProtocol();
                if (portName.equalsIgnoreCase(p.getName()) && protocol.equalsIgnoreCase(proto)) {
                    found = true;
                    answers.add(new SRVRecord(name, DClass.IN, ttl, 0, 100, p.getPort(), serviceName));
                    additional.addAll(addresses(serviceName, InformerClusterState.clusterIps(s), Type.ANY));
                }
            }
        }
        if (!found) {
            return Result.nxdomain();
        }
        return type == Type.SRV || type == Type.ANY ? new Result(Rcode.NOERROR, answers, dedupe(additional)) : Result.nodata();
    }

    /** {@code a-b-c-d.<ns>.pod}: the address written in the name (kube-dns's "pods insecure"). */
    private Result pod(Name name, int type, String label) {
        String ip = label.replace('-', '.');
        if (!ip.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return Result.nxdomain();
        }
        try {
            InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            return Result.nxdomain();
        }
        return new Result(Rcode.NOERROR, addresses(name, List.of(ip), type), List.of());
    }

    /** A records for IPv4 addresses and AAAA for IPv6, of the asked type (both for ANY); none of another type. */
    private List<Record> addresses(Name name, List<String> ips, int type) {
        List<Record> out = new ArrayList<>();
        for (String ip : ips) {
            InetAddress a;
            try {
                a = InetAddress.getByName(ip);
            } catch (UnknownHostException e) {
                continue;
            }
            if (a instanceof Inet4Address && (type == Type.A || type == Type.ANY)) {
                out.add(new ARecord(name, DClass.IN, ttl, a));
            } else if (a instanceof Inet6Address && (type == Type.AAAA || type == Type.ANY)) {
                out.add(new AAAARecord(name, DClass.IN, ttl, a));
            }
        }
        return out;
    }

    private List<Service> reverse(Name name) {
        String text = name.toString(true).toLowerCase(Locale.ROOT);
        if (!text.endsWith(".in-addr.arpa")) {
            return List.of();
        }
        String[] parts = text.substring(0, text.length() - ".in-addr.arpa".length()).split("\\.");
        if (parts.length != 4) {
            return List.of();
        }
        String ip = parts[3] + "." + parts[2] + "." + parts[1] + "." + parts[0];
        return state.servicesWithClusterIp(ip);
    }

    private Name serviceName(Service s) {
        try {
            return Name.fromString(s.getMetadata().getName() + "." + s.getMetadata().getNamespace() + ".svc", zone);
        } catch (TextParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Name endpointName(ClusterState.Endpoint e, Name service) {
        try {
            return Name.fromString(e.hostname() != null ? e.hostname() : dashed(e.ip()), service);
        } catch (TextParseException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String dashed(String ip) {
        return ip.replace('.', '-').replace(':', '-');
    }

    private static boolean headless(Service s) {
        return "None".equals(s.getSpec().getClusterIP());
    }

    private static List<ServicePort> ports(Service s) {
        return s.getSpec().getPorts() == null ? List.of() : s.getSpec().getPorts().stream()
                .filter(p -> p.getName() != null && !p.getName().isEmpty()).toList();
    }

    private static List<Record> dedupe(List<Record> records) {
        Set<Record> seen = new LinkedHashSet<>(records);
        return new ArrayList<>(seen);
    }

    /** The reverse name of an address (for tests and logs). */
    static Name reverseName(String ip) throws UnknownHostException {
        return ReverseMap.fromAddress(ip);
    }
}
