package io.coxswain.proxy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The rule text generator: Services and EndpointSlices in, iptables-restore text out, the same text for the same input. */
class RuleSetTest {

    static final ProxyOptions OPTIONS = ProxyOptions.defaults("node-1").withChainPrefix("T")
            .withServiceCidr("10.96.0.0/16").withNodeIps(List.of("192.0.2.2"));

    static Service service(String name, String type, String clusterIp, String portName, int port, Object targetPort, Integer nodePort) {
        return new ServiceBuilder().withNewMetadata().withNamespace("default").withName(name).endMetadata()
                .withNewSpec().withType(type).withClusterIP(clusterIp)
                .addNewPort().withName(portName).withPort(port).withProtocol("TCP")
                .withTargetPort(targetPort instanceof Integer i ? new IntOrString(i) : new IntOrString((String) targetPort))
                .withNodePort(nodePort).endPort()
                .endSpec().build();
    }

    static EndpointSlice endpoints(String name, String portName, int port, List<String> ready, List<String> notReady) {
        List<Endpoint> all = new ArrayList<>();
        ready.forEach(ip -> all.add(endpoint(ip, null, true, true, false)));
        notReady.forEach(ip -> all.add(endpoint(ip, null, false, false, false)));
        return slice(name, portName, port, all);
    }

    /** A slice of the service {@code name}, as the EndpointSlice controller labels it. */
    static EndpointSlice slice(String name, String portName, int port, List<Endpoint> endpoints) {
        return new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName(name + "-" + endpoints.size())
                .addToLabels("kubernetes.io/service-name", name).endMetadata()
                .withAddressType("IPv4").addNewPort().withName(portName).withPort(port).withProtocol("TCP").endPort()
                .withEndpoints(endpoints).build();
    }

    static Endpoint endpoint(String ip, String node, boolean ready, boolean serving, boolean terminating) {
        Endpoint e = new Endpoint();
        e.setAddresses(List.of(ip));
        e.setNodeName(node);
        e.setConditions(new EndpointConditions(ready, serving, terminating));
        return e;
    }

    static List<Service> services() {
        Service headless = service("headless", "ClusterIP", "None", "http", 80, 8080, null);
        Service external = new ServiceBuilder(service("ext", "ExternalName", null, "http", 80, 80, null)).editSpec()
                .withExternalName("example.invalid").endSpec().build();
        return List.of(
                service("web", "ClusterIP", "10.96.0.10", "http", 80, "web-port", null),
                service("api", "NodePort", "10.96.0.11", "", 443, 8443, 30443),
                service("empty", "NodePort", "10.96.0.12", "http", 80, 8080, 30080),
                headless, external);
    }

    static List<EndpointSlice> endpointsList() {
        return List.of(
                // The named target port "web-port" is resolved through the slice port named like the service port.
                endpoints("web", "http", 8080, List.of("10.250.0.3", "10.250.0.20", "10.250.0.2"), List.of("10.250.0.9")),
                endpoints("api", "", 8443, List.of("10.250.0.4"), List.of()),
                endpoints("empty", "http", 8080, List.of(), List.of("10.250.0.5")),
                endpoints("headless", "http", 8080, List.of("10.250.0.6"), List.of()));
    }

    @Test
    void rulesForClusterIpNodePortAndNoEndpoints() {
        String web = "T-SVC-" + RuleSet.hash("default/web:httptcp");
        String api = "T-SVC-" + RuleSet.hash("default/api:tcp");
        String web2 = "T-SEP-" + RuleSet.hash("default/web:httptcp10.250.0.2:8080");
        String web3 = "T-SEP-" + RuleSet.hash("default/web:httptcp10.250.0.3:8080");
        String web20 = "T-SEP-" + RuleSet.hash("default/web:httptcp10.250.0.20:8080");
        String api4 = "T-SEP-" + RuleSet.hash("default/api:tcp10.250.0.4:8443");
        String expected = """
                *filter
                :T-SERVICES - [0:0]
                :T-EXTERNAL-SERVICES - [0:0]
                :T-FORWARD - [0:0]
                :T-FIREWALL - [0:0]
                -A T-SERVICES -m comment --comment "default/empty:http has no endpoints" -d 10.96.0.12/32 -p tcp -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable
                -A T-EXTERNAL-SERVICES -m comment --comment "default/empty:http has no endpoints" -m addrtype --dst-type LOCAL -p tcp -m tcp --dport 30080 -j REJECT --reject-with icmp-port-unreachable
                -A T-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
                -A T-FIREWALL -m comment --comment "service addresses answer only through service rules" -d 10.96.0.0/16 -m conntrack ! --ctstate DNAT -j REJECT --reject-with icmp-port-unreachable
                -A T-FIREWALL -m comment --comment "block incoming localnet connections" ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
                COMMIT
                *nat
                :T-SERVICES - [0:0]
                :T-NODEPORTS - [0:0]
                :T-POSTROUTING - [0:0]
                :T-MARK-MASQ - [0:0]
                :API - [0:0]
                :API4 - [0:0]
                :WEB - [0:0]
                :WEB2 - [0:0]
                :WEB3 - [0:0]
                :WEB20 - [0:0]
                -A T-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
                -A T-POSTROUTING -j MARK --xor-mark 0x4000
                -A T-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
                -A T-MARK-MASQ -j MARK --or-mark 0x4000
                -A T-SERVICES -m comment --comment "default/api: cluster IP" -d 10.96.0.11/32 -p tcp -m tcp --dport 443 -j API
                -A T-NODEPORTS -m comment --comment "default/api:" -p tcp -m tcp --dport 30443 -j T-MARK-MASQ
                -A T-NODEPORTS -m comment --comment "default/api:" -p tcp -m tcp --dport 30443 -j API
                -A API -m comment --comment "default/api: cluster IP" -m addrtype --src-type LOCAL -j T-MARK-MASQ
                -A API -m comment --comment "default/api: -> 10.250.0.4:8443" -j API4
                -A API4 -m comment --comment "default/api:" -s 10.250.0.4/32 -j T-MARK-MASQ
                -A API4 -m comment --comment "default/api:" -p tcp -m tcp -j DNAT --to-destination 10.250.0.4:8443
                -A T-SERVICES -m comment --comment "default/web:http cluster IP" -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j WEB
                -A WEB -m comment --comment "default/web:http cluster IP" -m addrtype --src-type LOCAL -j T-MARK-MASQ
                -A WEB -m comment --comment "default/web:http -> 10.250.0.2:8080" -m statistic --mode random --probability 0.3333333333 -j WEB2
                -A WEB2 -m comment --comment "default/web:http" -s 10.250.0.2/32 -j T-MARK-MASQ
                -A WEB2 -m comment --comment "default/web:http" -p tcp -m tcp -j DNAT --to-destination 10.250.0.2:8080
                -A WEB -m comment --comment "default/web:http -> 10.250.0.3:8080" -m statistic --mode random --probability 0.5000000000 -j WEB3
                -A WEB3 -m comment --comment "default/web:http" -s 10.250.0.3/32 -j T-MARK-MASQ
                -A WEB3 -m comment --comment "default/web:http" -p tcp -m tcp -j DNAT --to-destination 10.250.0.3:8080
                -A WEB -m comment --comment "default/web:http -> 10.250.0.20:8080" -j WEB20
                -A WEB20 -m comment --comment "default/web:http" -s 10.250.0.20/32 -j T-MARK-MASQ
                -A WEB20 -m comment --comment "default/web:http" -p tcp -m tcp -j DNAT --to-destination 10.250.0.20:8080
                -A T-SERVICES -m comment --comment "service addresses get no other NAT" -d 10.96.0.0/16 -j ACCEPT
                -A T-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rules in this chain" -d 192.0.2.2/32 -j T-NODEPORTS
                -A T-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rules in this chain" -d 127.0.0.1/32 -j T-NODEPORTS
                COMMIT
                """.replace("API4", api4).replace("API", api).replace("WEB20", web20).replace("WEB2", web2)
                .replace("WEB3", web3).replace("WEB", web);

        assertThat(RuleSet.compute(services(), endpointsList(), OPTIONS).text()).isEqualTo(expected);
    }

    @Test
    void withoutNodeIpsNodePortsAnswerOnEveryLocalAddressButLocalhostWhenSoAsked() {
        ProxyOptions options = ProxyOptions.defaults("node-1").withChainPrefix("T").withLocalhostNodePorts(false);
        String text = RuleSet.compute(List.of(), List.of(), options).text();

        assertThat(text).endsWith("""
                -A T-SERVICES -m comment --comment "service addresses get no other NAT" -d 10.96.0.0/16 -j ACCEPT
                -A T-SERVICES -d 127.0.0.0/8 -j RETURN
                -A T-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rules in this chain" -m addrtype --dst-type LOCAL -j T-NODEPORTS
                COMMIT
                """).doesNotContain("block incoming localnet connections");
    }

    @Test
    void udpPortsAndNodePortsOutsideTheRangeAreHandled() {
        Service dns = new ServiceBuilder(service("dns", "NodePort", "10.96.0.53", "dns", 53, 53, 40000)).editSpec()
                .editFirstPort().withProtocol("UDP").endPort().endSpec().build();
        EndpointSlice endpoints = new EndpointSliceBuilder(endpoints("dns", "dns", 53, List.of("10.250.0.7"), List.of()))
                .editFirstPort().withProtocol("UDP").endPort().build();
        String text = RuleSet.compute(List.of(dns), List.of(endpoints), OPTIONS).text();

        String svc = "T-SVC-" + RuleSet.hash("default/dns:dnsudp");
        assertThat(text).contains("-A T-SERVICES -m comment --comment \"default/dns:dns cluster IP\" -d 10.96.0.53/32 -p udp -m udp --dport 53 -j " + svc + "\n",
                        "-p udp -m udp -j DNAT --to-destination 10.250.0.7:53\n")
                // 40000 is outside 30000-32767: no NodePort rule.
                .doesNotContain("40000");
        // A TCP slice port does not serve a UDP service port.
        assertThat(RuleSet.compute(List.of(dns), List.of(endpoints("dns", "dns", 53, List.of("10.250.0.7"), List.of())), OPTIONS).text())
                .contains("default/dns:dns has no endpoints").doesNotContain("--to-destination");
    }

    @Test
    void sameInputInAnyOrderGivesTheSameText() {
        List<Service> services = new ArrayList<>(services());
        List<EndpointSlice> endpoints = new ArrayList<>(endpointsList());
        String first = RuleSet.compute(services, endpoints, OPTIONS).text();
        Collections.reverse(services);
        Collections.reverse(endpoints);
        assertThat(RuleSet.compute(services, endpoints, OPTIONS).text()).isEqualTo(first);
    }

    @Test
    void chainNamesFollowKubeProxy() {
        // 16 characters of base32(sha256(...)), so that KUBE-SVC-<hash> is 25 characters, within iptables' 28.
        assertThat(RuleSet.hash("default/web:httptcp")).hasSize(16).matches("[A-Z2-7]{16}");
        // The names kube-proxy gives ns1/svc1:p80 and its endpoint 10.180.0.1:80 (pkg/proxy/iptables/proxier_test.go).
        assertThat(RuleSet.hash("ns1/svc1:p80tcp")).isEqualTo("XPGD46QRK7WJZT7O");
        assertThat(RuleSet.hash("ns1/svc1:p80tcp10.180.0.1:80")).isEqualTo("SXIVWICOYRO3J4NJ");
    }

    @Test
    void staleChainsOfOursAreDeletedAndMissingHooksInsertedButNothingElseIsTouched() {
        HostTables host = HostTables.parse("""
                *nat
                :PREROUTING ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                :POSTROUTING ACCEPT [0:0]
                :DOCKER - [0:0]
                :T-SERVICES - [0:0]
                :T-SVC-GONEGONEGONEGONE - [0:0]
                :T-SEP-GONEGONEGONEGONE - [0:0]
                :KUBE-SVC-OTHERPROXYCHAIN1 - [0:0]
                -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
                -A PREROUTING -m comment --comment "kubernetes service portals" -j T-SERVICES
                COMMIT
                *filter
                :INPUT ACCEPT [0:0]
                COMMIT
                """);
        String text = RuleSet.compute(List.of(), List.of(), OPTIONS).restoreText(host);

        assertThat(text).contains(":T-SVC-GONEGONEGONEGONE - [0:0]\n", "-X T-SVC-GONEGONEGONEGONE\n", "-X T-SEP-GONEGONEGONEGONE\n")
                .doesNotContain("KUBE-SVC-OTHERPROXYCHAIN1", "DOCKER", "-I PREROUTING")
                .contains("-I OUTPUT 1 -m comment --comment \"kubernetes service portals\" -j T-SERVICES\n",
                        "-I POSTROUTING 1 -m comment --comment \"kubernetes postrouting rules\" -j T-POSTROUTING\n");
        // Hooks of one built-in chain are inserted last first, so they end up in the listed order.
        assertThat(text.indexOf("-I INPUT 1 -m conntrack --ctstate NEW -m comment --comment \"kubernetes service address guard\" -j T-FIREWALL"))
                .isLessThan(text.indexOf("-I INPUT 1 -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j T-EXTERNAL-SERVICES"));
    }

    @Test
    void removalTakesOutOurChainsAndTheJumpsIntoThem() {
        HostTables host = HostTables.parse("""
                *nat
                :PREROUTING ACCEPT [0:0]
                :DOCKER - [0:0]
                :T-SERVICES - [0:0]
                :T-SVC-AAAAAAAAAAAAAAAA - [0:0]
                -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
                -A PREROUTING -m comment --comment "kubernetes service portals" -j T-SERVICES
                -A T-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j T-SVC-AAAAAAAAAAAAAAAA
                COMMIT
                *filter
                :INPUT ACCEPT [0:0]
                COMMIT
                """);
        assertThat(host.removalText("T")).isEqualTo("""
                *nat
                :T-SERVICES - [0:0]
                :T-SVC-AAAAAAAAAAAAAAAA - [0:0]
                -D PREROUTING -m comment --comment "kubernetes service portals" -j T-SERVICES
                -X T-SERVICES
                -X T-SVC-AAAAAAAAAAAAAAAA
                COMMIT
                """);
    }

    /** A slice whose ready endpoints name their nodes: {@code ip@node}. */
    static EndpointSlice endpointsOnNodes(String name, String portName, int port, List<String> ready) {
        return slice(name, portName, port, ready.stream().map(a -> endpoint(a.split("@")[0], a.split("@")[1], true, true, false)).toList());
    }

    @Test
    void externalTrafficPolicyLocalKeepsNodePortTrafficOnTheNodeUnmasqueraded() {
        Service local = new ServiceBuilder(service("loc", "NodePort", "10.96.0.20", "http", 80, 8080, 30020)).editSpec()
                .withExternalTrafficPolicy("Local").endSpec().build();
        ProxyOptions options = OPTIONS.withClusterCidr("10.244.0.0/16");
        String text = RuleSet.compute(List.of(local), List.of(endpointsOnNodes("loc", "http", 8080,
                List.of("10.244.1.5@node-1", "10.244.2.7@node-2"))), options).text();
        String svc = "T-SVC-" + RuleSet.hash("default/loc:httptcp");
        String svl = "T-SVL-" + RuleSet.hash("default/loc:httptcp");
        String ext = "T-EXT-" + RuleSet.hash("default/loc:httptcp");
        String sep1 = "T-SEP-" + RuleSet.hash("default/loc:httptcp10.244.1.5:8080");
        String sep2 = "T-SEP-" + RuleSet.hash("default/loc:httptcp10.244.2.7:8080");
        assertThat(text).contains(
                // the cluster IP still spreads over both nodes' endpoints
                "-A T-SERVICES -m comment --comment \"default/loc:http cluster IP\" -d 10.96.0.20/32 -p tcp -m tcp --dport 80 -j " + svc + "\n",
                "-A " + svc + " -m comment --comment \"default/loc:http -> 10.244.1.5:8080\" -m statistic --mode random --probability 0.5000000000 -j " + sep1 + "\n",
                "-A " + svc + " -m comment --comment \"default/loc:http -> 10.244.2.7:8080\" -j " + sep2 + "\n",
                // the NodePort: through EXT, not marked for masquerade
                "-A T-NODEPORTS -m comment --comment \"default/loc:http\" -p tcp -m tcp --dport 30020 -j " + ext + "\n",
                "-A " + ext + " -m comment --comment \"pod traffic for default/loc:http external destinations\" -s 10.244.0.0/16 -j " + svc + "\n",
                "-A " + ext + " -m comment --comment \"masquerade LOCAL traffic for default/loc:http external destinations\" -m addrtype --src-type LOCAL -j T-MARK-MASQ\n",
                "-A " + ext + " -m comment --comment \"route LOCAL traffic for default/loc:http external destinations\" -m addrtype --src-type LOCAL -j " + svc + "\n",
                "-A " + ext + " -j " + svl + "\n",
                // SVL: only this node's endpoint
                "-A " + svl + " -m comment --comment \"default/loc:http -> 10.244.1.5:8080\" -j " + sep1 + "\n");
        assertThat(text).doesNotContain("--dport 30020 -j T-MARK-MASQ").doesNotContain(svl + " -m comment --comment \"default/loc:http -> 10.244.2.7");
        // each endpoint's SEP chain is declared and filled once, though two chains jump to it
        assertThat(text.split(":" + sep1 + " ", -1)).hasSize(2);
        assertThat(text.split("-A " + sep1 + " -m comment --comment \"default/loc:http\" -p tcp", -1)).hasSize(2);

        // no endpoint on this node: the NodePort drops what does not come from a pod or from the host
        String elsewhere = RuleSet.compute(List.of(local), List.of(endpointsOnNodes("loc", "http", 8080,
                List.of("10.244.2.7@node-2"))), options).text();
        assertThat(elsewhere).contains("-A T-EXTERNAL-SERVICES -m comment --comment \"default/loc:http has no local endpoints\" "
                + "-m addrtype --dst-type LOCAL -p tcp -m tcp --dport 30020 -j DROP\n").doesNotContain(svl)
                .contains("-A " + ext + " -m comment --comment \"route LOCAL traffic");
    }

    @Test
    void internalTrafficPolicyLocalSendsTheClusterIpToThisNodesEndpointsOnly() {
        Service local = new ServiceBuilder(service("itp", "ClusterIP", "10.96.0.21", "http", 80, 8080, null)).editSpec()
                .withInternalTrafficPolicy("Local").endSpec().build();
        String svl = "T-SVL-" + RuleSet.hash("default/itp:httptcp");
        String text = RuleSet.compute(List.of(local), List.of(endpointsOnNodes("itp", "http", 8080,
                List.of("10.244.1.5@node-1", "10.244.2.7@node-2"))), OPTIONS).text();
        assertThat(text).contains("-A T-SERVICES -m comment --comment \"default/itp:http cluster IP\" -d 10.96.0.21/32 -p tcp -m tcp --dport 80 -j " + svl + "\n")
                .contains("-A " + svl + " -m comment --comment \"default/itp:http -> 10.244.1.5:8080\" -j ")
                .doesNotContain(svl + " -m comment --comment \"default/itp:http -> 10.244.2.7");
        String none = RuleSet.compute(List.of(local), List.of(endpointsOnNodes("itp", "http", 8080,
                List.of("10.244.2.7@node-2"))), OPTIONS).text();
        assertThat(none).contains("-A T-SERVICES -m comment --comment \"default/itp:http has no local endpoints\" -d 10.96.0.21/32 -p tcp -m tcp --dport 80 -j DROP\n")
                .doesNotContain("-j " + svl);
    }

    @Test
    void theSlicesOfOneServiceAreMergedAndOtherFamiliesAndUnlabelledSlicesIgnored() {
        Service web = service("web", "ClusterIP", "10.96.0.10", "http", 80, 8080, null);
        EndpointSlice v6 = new EndpointSliceBuilder(endpoints("web", "http", 8080, List.of("10.250.0.9"), List.of()))
                .withAddressType("IPv6").build();
        EndpointSlice unlabelled = new EndpointSliceBuilder(endpoints("web", "http", 8080, List.of("10.250.0.8"), List.of()))
                .editMetadata().withLabels(java.util.Map.of()).endMetadata().build();
        String text = RuleSet.compute(List.of(web), List.of(endpoints("web", "http", 8080, List.of("10.250.0.2"), List.of()),
                endpoints("web", "http", 8080, List.of("10.250.0.3", "10.250.0.4"), List.of()), v6, unlabelled), OPTIONS).text();
        assertThat(text).contains("--to-destination 10.250.0.2:8080", "--to-destination 10.250.0.3:8080", "--to-destination 10.250.0.4:8080")
                .contains("--probability 0.3333333333").doesNotContain("10.250.0.9").doesNotContain("10.250.0.8");
    }

    @Test
    void terminatingEndpointsThatStillServeAreUsedOnlyWhenNothingIsReady() {
        Service web = service("web", "ClusterIP", "10.96.0.10", "http", 80, 8080, null);
        Endpoint terminating = endpoint("10.250.0.5", "node-1", false, true, true);
        Endpoint gone = endpoint("10.250.0.6", "node-1", false, false, true);
        String withReady = RuleSet.compute(List.of(web), List.of(slice("web", "http", 8080,
                List.of(terminating, gone, endpoint("10.250.0.7", "node-2", true, true, false)))), OPTIONS).text();
        assertThat(withReady).contains("--to-destination 10.250.0.7:8080").doesNotContain("10.250.0.5:8080").doesNotContain("10.250.0.6:8080");
        String onlyTerminating = RuleSet.compute(List.of(web), List.of(slice("web", "http", 8080, List.of(terminating, gone))), OPTIONS).text();
        assertThat(onlyTerminating).contains("--to-destination 10.250.0.5:8080").doesNotContain("10.250.0.6:8080")
                .doesNotContain("has no endpoints");
        String none = RuleSet.compute(List.of(web), List.of(slice("web", "http", 8080, List.of(gone))), OPTIONS).text();
        assertThat(none).contains("default/web:http has no endpoints");
    }

    @Test
    void localPoliciesFallBackToThisNodesTerminatingEndpointsOnTheirOwn() {
        Service local = new ServiceBuilder(service("itp", "ClusterIP", "10.96.0.21", "http", 80, 8080, null)).editSpec()
                .withInternalTrafficPolicy("Local").endSpec().build();
        String svl = "T-SVL-" + RuleSet.hash("default/itp:httptcp");
        // ready elsewhere, only terminating here: the cluster IP (Local) uses this node's terminating endpoint
        String text = RuleSet.compute(List.of(local), List.of(slice("itp", "http", 8080, List.of(
                endpoint("10.244.1.5", "node-1", false, true, true), endpoint("10.244.2.7", "node-2", true, true, false)))), OPTIONS).text();
        assertThat(text).contains("-A " + svl + " -m comment --comment \"default/itp:http -> 10.244.1.5:8080\" -j ")
                .doesNotContain(svl + " -m comment --comment \"default/itp:http -> 10.244.2.7");
    }

    @Test
    void endpointsKeptOutOfSlicesAreReadInTheirPlace() {
        // the apiserver's own Endpoints for the kubernetes Service: a loopback address, which no EndpointSlice may hold
        io.fabric8.kubernetes.api.model.Endpoints apiserver = new io.fabric8.kubernetes.api.model.EndpointsBuilder()
                .withNewMetadata().withNamespace("default").withName("kubernetes")
                .addToLabels("endpointslice.kubernetes.io/skip-mirror", "true").endMetadata()
                .addNewSubset().addNewAddress().withIp("127.0.0.1").endAddress()
                .addNewPort().withName("https").withPort(6443).withProtocol("TCP").endPort().endSubset().build();
        List<EndpointSlice> slices = ServiceEndpoints.slicesOf(apiserver);
        assertThat(slices).singleElement().satisfies(slice -> {
            assertThat(slice.getMetadata().getLabels()).containsEntry("kubernetes.io/service-name", "kubernetes");
            assertThat(slice.getEndpoints()).singleElement().satisfies(e -> {
                assertThat(e.getAddresses()).containsExactly("127.0.0.1");
                assertThat(e.getConditions().getReady()).isTrue();
            });
        });
        String text = RuleSet.compute(List.of(service("kubernetes", "ClusterIP", "10.96.0.1", "https", 443, 6443, null)),
                slices, OPTIONS).text();
        assertThat(text).contains("-j DNAT --to-destination 127.0.0.1:6443").doesNotContain("has no endpoints");
    }
}
