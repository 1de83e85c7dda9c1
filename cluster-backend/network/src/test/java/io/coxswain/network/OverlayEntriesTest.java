package io.coxswain.network;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class OverlayEntriesTest {

    private static final String DEV = "coxswain.1";
    private static final Peer B = new Peer("b", "10.244.2.0/24", "10.250.0.12", "42:9f:17:bf:b0:2a");
    private static final Peer C = new Peer("c", "10.244.3.0/24", "10.250.0.13", "36:e4:33:0f:7e:93");

    @Test
    void vxlanPeerGetsNeighbourFdbAndOnlinkRouteToItsVtep() {
        OverlayEntries want = OverlayEntries.desired(OverlayMode.VXLAN, List.of(B), DEV, "eth0");
        assertThat(want.neighbours()).containsExactly(new OverlayEntries.Neighbour("10.244.2.0", "42:9f:17:bf:b0:2a"));
        assertThat(want.fdbs()).containsExactly(new OverlayEntries.Fdb("42:9f:17:bf:b0:2a", "10.250.0.12"));
        assertThat(want.routes()).containsExactly(new OverlayEntries.Route("10.244.2.0/24", "10.244.2.0", DEV, true));
    }

    @Test
    void hostGwPeerGetsOnlyARouteThroughTheUnderlay() {
        Peer b = new Peer("b", "10.244.2.0/24", "10.250.0.12", null);
        OverlayEntries want = OverlayEntries.desired(OverlayMode.HOST_GW, List.of(b), DEV, "eth0");
        assertThat(want.routes()).containsExactly(new OverlayEntries.Route("10.244.2.0/24", "10.250.0.12", "eth0", false));
        assertThat(want.neighbours()).isEmpty();
        assertThat(want.fdbs()).isEmpty();
    }

    @Test
    void diffRemovesWhatNoNodeAsksForAndAddsWhatIsMissing() {
        OverlayEntries actual = OverlayEntries.desired(OverlayMode.VXLAN, List.of(B, C), DEV, "eth0");
        Peer bMoved = new Peer("b", "10.244.2.0/24", "10.250.0.22", B.vtepMac());
        OverlayEntries want = OverlayEntries.desired(OverlayMode.VXLAN, List.of(bMoved), DEV, "eth0");

        OverlayEntries.Changes changes = want.diff(actual);

        assertThat(changes.remove().routes()).containsExactly(new OverlayEntries.Route("10.244.3.0/24", "10.244.3.0", DEV, true));
        assertThat(changes.remove().neighbours()).containsExactly(new OverlayEntries.Neighbour("10.244.3.0", C.vtepMac()));
        assertThat(changes.remove().fdbs()).containsExactlyInAnyOrder(
                new OverlayEntries.Fdb(C.vtepMac(), "10.250.0.13"), new OverlayEntries.Fdb(B.vtepMac(), "10.250.0.12"));
        assertThat(changes.add().fdbs()).containsExactly(new OverlayEntries.Fdb(B.vtepMac(), "10.250.0.22"));
        assertThat(changes.add().routes()).isEmpty();
        assertThat(changes.add().neighbours()).isEmpty();
    }

    @Test
    void sameEntriesMeanNoChange() {
        OverlayEntries want = OverlayEntries.desired(OverlayMode.VXLAN, List.of(B, C), DEV, "eth0");
        OverlayEntries again = OverlayEntries.desired(OverlayMode.VXLAN, List.of(C, B), DEV, "eth0");
        assertThat(want.diff(again).isEmpty()).isTrue();
    }

    @Test
    void switchingToHostGwRemovesTheVxlanEntries() {
        OverlayEntries actual = OverlayEntries.desired(OverlayMode.VXLAN, List.of(B), DEV, "eth0");
        OverlayEntries want = OverlayEntries.desired(OverlayMode.HOST_GW, List.of(new Peer("b", B.podCidr(), B.publicIp(), null)), DEV, "eth0");
        OverlayEntries.Changes changes = want.diff(actual);
        assertThat(changes.remove()).isEqualTo(actual);
        assertThat(changes.add()).isEqualTo(want);
    }

    @Test
    void kernelJsonParsesIntoEntries() {
        assertThat(KernelEntries.parseRoutes("""
                [{"dst":"10.244.2.0/24","gateway":"10.244.2.0","dev":"coxswain.1","protocol":"77","flags":["onlink"]},
                 {"dst":"10.244.3.0/24","gateway":"10.250.0.13","dev":"eth0","protocol":"77","flags":[]}]"""))
                .containsExactlyInAnyOrder(new OverlayEntries.Route("10.244.2.0/24", "10.244.2.0", DEV, true),
                        new OverlayEntries.Route("10.244.3.0/24", "10.250.0.13", "eth0", false));
        assertThat(KernelEntries.parseNeighbours("""
                [{"dst":"10.244.2.0","lladdr":"42:9F:17:BF:B0:2A","state":["PERMANENT"]}]"""))
                .containsExactly(new OverlayEntries.Neighbour("10.244.2.0", "42:9f:17:bf:b0:2a"));
        assertThat(KernelEntries.parseFdbs("""
                [{"mac":"42:9f:17:bf:b0:2a","dst":"10.250.0.12","flags":["self"],"state":"permanent"},
                 {"mac":"00:00:00:00:00:00","dst":"10.250.0.99","flags":["self"],"state":"permanent"},
                 {"mac":"33:33:00:00:00:01","flags":["self"],"state":"permanent"}]"""))
                .containsExactly(new OverlayEntries.Fdb("42:9f:17:bf:b0:2a", "10.250.0.12"));
        assertThat(KernelEntries.parseRoutes("")).isEmpty();
    }

    @Test
    void peerComesFromTheNodeAnnotationsAndPodCidr() {
        Node b = node("b", "10.244.2.0/24", Map.of(Peer.BACKEND_TYPE, "vxlan", Peer.PUBLIC_IP, "10.250.0.12",
                Peer.BACKEND_DATA, Peer.backendData("42:9f:17:bf:b0:2a")));
        assertThat(Peer.from(b, OverlayMode.VXLAN).peer()).contains(B);
        assertThat(B.vtepAddress()).isEqualTo("10.244.2.0");
    }

    @Test
    void nodeWithoutWhatThePeerNeedsIsLeftOutWithAReason() {
        assertThat(Peer.from(node("b", null, Map.of()), OverlayMode.VXLAN).skipReason()).contains("no spec.podCIDR");
        assertThat(Peer.from(node("b", "10.244.2.0/24", Map.of()), OverlayMode.VXLAN).skipReason()).contains("no coxswain.io/backend-type");
        assertThat(Peer.from(node("b", "10.244.2.0/24", Map.of(Peer.BACKEND_TYPE, "host-gw", Peer.PUBLIC_IP, "10.250.0.12")),
                OverlayMode.VXLAN).skipReason()).contains("its backend is host-gw, not vxlan");
        assertThat(Peer.from(node("b", "10.244.2.0/24", Map.of(Peer.BACKEND_TYPE, "vxlan", Peer.PUBLIC_IP, "10.250.0.12",
                Peer.BACKEND_DATA, "{}")), OverlayMode.VXLAN).skipReason()).contains("has no VtepMAC");
        assertThat(Peer.from(node("b", "fe80::/64", Map.of()), OverlayMode.VXLAN).skipReason()).contains("not an IPv4 CIDR");
        assertThat(Peer.from(node("b", "10.244.2.0/24", Map.of(Peer.BACKEND_TYPE, "vxlan", Peer.PUBLIC_IP, "nowhere")),
                OverlayMode.VXLAN).skipReason()).contains("'nowhere' is not an IPv4 address");
    }

    @Test
    void onlyWhatTheOverlayReadsCountsAsAChange() {
        Node b = node("b", "10.244.2.0/24", Map.of(Peer.BACKEND_TYPE, "vxlan"));
        Node heartbeat = new NodeBuilder(b).withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
                .editMetadata().addToLabels("x", "y").endMetadata().build();
        Node moved = new NodeBuilder(b).editMetadata().addToAnnotations(Peer.PUBLIC_IP, "10.250.0.99").endMetadata().build();
        assertThat(Peer.overlayFields(heartbeat)).isEqualTo(Peer.overlayFields(b));
        assertThat(Peer.overlayFields(moved)).isNotEqualTo(Peer.overlayFields(b));
    }

    @Test
    void theVtepAddressIsThePodCidrsFirstAddress() {
        assertThat(Ipv4.network("10.244.7.9/24")).isEqualTo("10.244.7.0/24");
        assertThat(Ipv4.firstAddress("10.244.7.0/24")).isEqualTo("10.244.7.0");
        assertThat(Ipv4.network("10.244.0.0/16")).isEqualTo("10.244.0.0/16");
    }

    @Test
    void underlayIsFoundByNameOrAddressAndItsMtuGivesTheVxlanMtu() {
        String json = """
                [{"ifindex":1,"ifname":"lo","mtu":65536,"addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8}]},
                 {"ifindex":2,"ifname":"eth0","mtu":1500,"addr_info":[{"family":"inet","local":"10.250.0.11","prefixlen":24}]}]""";
        assertThat(Underlay.parse(json, "eth0")).isEqualTo(new Underlay("eth0", "10.250.0.11", 1500));
        assertThat(Underlay.parse(json, "10.250.0.11").vxlanMtu()).isEqualTo(1450);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Underlay.parse(json, "eth9"))
                .hasMessageContaining("'eth9'").hasMessageContaining("eth0 10.250.0.11");
    }

    @Test
    void modeParsesFlannelsNames() {
        assertThat(OverlayMode.parse("host-gw")).isEqualTo(OverlayMode.HOST_GW);
        assertThat(OverlayMode.parse("vxlan")).isEqualTo(OverlayMode.VXLAN);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OverlayMode.parse("udp")).hasMessageContaining("vxlan or host-gw");
        assertThat(Set.of(OverlayMode.values())).hasSize(2);
    }

    @Test
    void aNullAnnotationSurvivesIntoTheMergePatchSoThatItIsRemoved() {
        java.util.Map<String, String> patch = new java.util.HashMap<>();
        patch.put(Peer.BACKEND_DATA, null);
        assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(Map.of("metadata", Map.of("annotations", patch))))
                .contains("\"coxswain.io/backend-data\":null");
    }

    private static Node node(String name, String podCidr, Map<String, String> annotations) {
        return new NodeBuilder().withNewMetadata().withName(name).withAnnotations(annotations).endMetadata()
                .withNewSpec().withPodCIDR(podCidr).endSpec().build();
    }
}
