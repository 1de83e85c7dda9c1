package io.coxswain.controllers.endpoints;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * The pure part of the Endpoints controller: which pods count, their addresses and ports, and kube's
 * {@code RepackSubsets} (one subset per distinct set of addresses serving the same ports; an address that is not
 * ready on any copy of a port is not ready for it). Kubernetes sorts ports and subsets by a hash of their Go
 * printout; here they are sorted by their content, which is just as deterministic.
 */
public final class Subsets {

    private Subsets() {
    }

    /** {@code ShouldPodBeInEndpoints}: not terminal, has an IP, and not terminating unless that is tolerated. */
    public static boolean podCounts(Pod pod, boolean includeTerminating) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            return false;
        }
        if (podIps(pod).isEmpty()) {
            return false;
        }
        return includeTerminating || pod.getMetadata().getDeletionTimestamp() == null;
    }

    public static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** The pod's IPs, status.podIP first. */
    public static List<String> podIps(Pod pod) {
        if (pod.getStatus() == null) {
            return List.of();
        }
        List<String> ips = new ArrayList<>();
        if (pod.getStatus().getPodIPs() != null) {
            pod.getStatus().getPodIPs().stream().map(PodIP::getIp).filter(Objects::nonNull).forEach(ips::add);
        }
        String ip = pod.getStatus().getPodIP();
        if (ip != null && !ip.isEmpty() && !ips.contains(ip)) {
            ips.add(0, ip);
        }
        return ips;
    }

    /** The pod's address of the service's (first) IP family, or null when it has none. */
    static EndpointAddress address(Service service, Pod pod) {
        boolean v6 = service.getSpec().getIpFamilies() != null && !service.getSpec().getIpFamilies().isEmpty()
                ? "IPv6".equals(service.getSpec().getIpFamilies().get(0))
                : service.getSpec().getClusterIP() != null && service.getSpec().getClusterIP().contains(":");
        String ip = podIps(pod).stream().filter(a -> a.contains(":") == v6).findFirst().orElse(null);
        if (ip == null) {
            return null;
        }
        EndpointAddress address = new EndpointAddress();
        address.setIp(ip);
        address.setNodeName(pod.getSpec().getNodeName());
        address.setTargetRef(new ObjectReferenceBuilder().withKind("Pod").withNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).build());
        String hostname = pod.getSpec().getHostname();
        if (hostname != null && !hostname.isEmpty() && service.getMetadata().getName().equals(pod.getSpec().getSubdomain())
                && Objects.equals(service.getMetadata().getNamespace(), pod.getMetadata().getNamespace())) {
            address.setHostname(hostname);
        }
        return address;
    }

    /**
     * {@code FindPort}: a number is taken as it is; a name is looked up among the ports of the pod's containers
     * (and sidecar init containers) with the service port's protocol.
     */
    public static OptionalInt findPort(Pod pod, ServicePort servicePort) {
        IntOrString target = servicePort.getTargetPort();
        if (target == null || (target.getStrVal() == null && target.getIntVal() == null)) {
            return OptionalInt.of(servicePort.getPort());
        }
        if (target.getIntVal() != null) {
            return OptionalInt.of(target.getIntVal());
        }
        String protocol = servicePort.getProtocol() == null ? "TCP" : servicePort.getProtocol();
        Stream<Container> sidecars = pod.getSpec().getInitContainers() == null ? Stream.empty()
                : pod.getSpec().getInitContainers().stream().filter(c -> "Always".equals(c.getRestartPolicy()));
        Stream<Container> containers = pod.getSpec().getContainers() == null ? Stream.empty() : pod.getSpec().getContainers().stream();
        return Stream.concat(containers, sidecars)
                .flatMap(c -> c.getPorts() == null ? Stream.<ContainerPort>empty() : c.getPorts().stream())
                .filter(p -> target.getStrVal().equals(p.getName()) && protocol.equals(p.getProtocol() == null ? "TCP" : p.getProtocol()))
                .mapToInt(ContainerPort::getContainerPort).findFirst();
    }

    /** The subsets of a service with a selector over the pods it selects, packed. */
    static List<EndpointSubset> of(Service service, List<Pod> pods) {
        boolean publishNotReady = Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses());
        List<ServicePort> servicePorts = service.getSpec().getPorts() == null ? List.of() : service.getSpec().getPorts();
        List<EndpointSubset> subsets = new ArrayList<>();
        for (Pod pod : pods) {
            if (!podCounts(pod, publishNotReady)) {
                continue;
            }
            EndpointAddress address = address(service, pod);
            if (address == null) {
                continue;
            }
            boolean ready = publishNotReady || ready(pod);
            if (servicePorts.isEmpty()) {
                if ("None".equals(service.getSpec().getClusterIP())) { // a headless service may have no ports
                    subsets.add(subset(address, ready, List.of()));
                }
                continue;
            }
            for (ServicePort servicePort : servicePorts) {
                OptionalInt port = findPort(pod, servicePort);
                if (port.isPresent()) {
                    EndpointPort endpointPort = new EndpointPort(servicePort.getAppProtocol(), servicePort.getName(), port.getAsInt(),
                            servicePort.getProtocol() == null ? "TCP" : servicePort.getProtocol());
                    subsets.add(subset(address, ready, List.of(endpointPort)));
                }
            }
        }
        return repack(subsets);
    }

    private static EndpointSubset subset(EndpointAddress address, boolean ready, List<EndpointPort> ports) {
        EndpointSubset subset = new EndpointSubset();
        subset.setAddresses(ready ? List.of(address) : List.of());
        subset.setNotReadyAddresses(ready ? List.of() : List.of(address));
        subset.setPorts(ports);
        return subset;
    }

    private record AddressKey(String ip, String uid) {
        static AddressKey of(EndpointAddress a) {
            return new AddressKey(a.getIp(), a.getTargetRef() == null ? null : a.getTargetRef().getUid());
        }
    }

    private record PortKey(String name, int port, String protocol, String appProtocol) {
        static final PortKey NONE = new PortKey(null, -1, null, null);

        static PortKey of(EndpointPort p) {
            return new PortKey(p.getName(), p.getPort(), p.getProtocol(), p.getAppProtocol());
        }

        EndpointPort toPort() {
            return new EndpointPort(appProtocol, name, port, protocol);
        }
    }

    private static final Comparator<AddressKey> ADDRESS_ORDER = Comparator.comparing(AddressKey::ip)
            .thenComparing(AddressKey::uid, Comparator.nullsFirst(Comparator.naturalOrder()));
    private static final Comparator<PortKey> PORT_ORDER = Comparator.comparingInt(PortKey::port)
            .thenComparing(PortKey::name, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(PortKey::protocol, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(PortKey::appProtocol, Comparator.nullsFirst(Comparator.naturalOrder()));

    /** {@code RepackSubsets}: addresses grouped by the exact set of ports they serve, not-ready winning over ready. */
    static List<EndpointSubset> repack(List<EndpointSubset> subsets) {
        Map<AddressKey, EndpointAddress> addresses = new HashMap<>();
        Map<PortKey, Map<AddressKey, Boolean>> readyByPort = new LinkedHashMap<>();
        for (EndpointSubset subset : subsets) {
            List<PortKey> ports = subset.getPorts() == null || subset.getPorts().isEmpty() ? List.of(PortKey.NONE)
                    : subset.getPorts().stream().map(PortKey::of).toList();
            for (PortKey port : ports) {
                Map<AddressKey, Boolean> ready = readyByPort.computeIfAbsent(port, p -> new HashMap<>());
                mapAddresses(subset.getAddresses(), true, addresses, ready);
                mapAddresses(subset.getNotReadyAddresses(), false, addresses, ready);
            }
        }
        Map<Map<AddressKey, Boolean>, List<PortKey>> portsByAddressSet = new LinkedHashMap<>();
        readyByPort.forEach((port, set) -> {
            List<PortKey> ports = portsByAddressSet.computeIfAbsent(set, s -> new ArrayList<>());
            if (port != PortKey.NONE) {
                ports.add(port);
            }
        });
        List<EndpointSubset> packed = new ArrayList<>();
        portsByAddressSet.forEach((set, ports) -> {
            EndpointSubset subset = new EndpointSubset();
            subset.setAddresses(sortedAddresses(set, true, addresses));
            subset.setNotReadyAddresses(sortedAddresses(set, false, addresses));
            subset.setPorts(ports.stream().sorted(PORT_ORDER).map(PortKey::toPort).toList());
            packed.add(subset);
        });
        packed.sort(Comparator.comparing(Subsets::sortKey));
        return packed;
    }

    private static void mapAddresses(List<EndpointAddress> list, boolean ready, Map<AddressKey, EndpointAddress> addresses,
                                     Map<AddressKey, Boolean> readyByAddress) {
        if (list == null) {
            return;
        }
        for (EndpointAddress address : list) {
            AddressKey key = AddressKey.of(address);
            addresses.putIfAbsent(key, address);
            Boolean was = readyByAddress.get(key);
            if (was == null || was) {
                readyByAddress.put(key, ready);
            }
        }
    }

    private static List<EndpointAddress> sortedAddresses(Map<AddressKey, Boolean> set, boolean ready, Map<AddressKey, EndpointAddress> addresses) {
        return set.entrySet().stream().filter(e -> e.getValue() == ready).map(Map.Entry::getKey).sorted(ADDRESS_ORDER)
                .map(addresses::get).toList();
    }

    private static String sortKey(EndpointSubset subset) {
        StringBuilder key = new StringBuilder();
        subset.getAddresses().forEach(a -> key.append(a.getIp()).append(','));
        key.append('|');
        subset.getNotReadyAddresses().forEach(a -> key.append(a.getIp()).append(','));
        key.append('|');
        subset.getPorts().forEach(p -> key.append(p.getPort()).append('/').append(p.getName()).append(','));
        return key.toString();
    }
}
