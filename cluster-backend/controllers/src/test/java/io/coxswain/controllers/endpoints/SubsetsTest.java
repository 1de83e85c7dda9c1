package io.coxswain.controllers.endpoints;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SubsetsTest {

    private static Pod pod(String name, String ip, boolean ready, int httpPort) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").withUid("uid-" + name).endMetadata()
                .withNewSpec().withNodeName("n1").addNewContainer().withName("c").addNewPort().withName("http")
                .withContainerPort(httpPort).withProtocol("TCP").endPort().endContainer().endSpec()
                .withNewStatus().withPhase("Running").withPodIP(ip)
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition().endStatus().build();
    }

    private static Service service(boolean publishNotReady, Object... targets) {
        ServiceBuilder b = new ServiceBuilder().withNewMetadata().withName("svc").withNamespace("ns").endMetadata()
                .withNewSpec().withClusterIP("10.96.0.10").withSelector(java.util.Map.of("app", "a"))
                .withPublishNotReadyAddresses(publishNotReady).endSpec();
        for (int i = 0; i < targets.length; i++) {
            IntOrString target = targets[i] instanceof Integer n ? new IntOrString(n) : new IntOrString((String) targets[i]);
            b.editSpec().addToPorts(new ServicePortBuilder().withName("p" + i).withPort(80 + i).withProtocol("TCP")
                    .withTargetPort(target).build()).endSpec();
        }
        return b.build();
    }

    private static List<String> ips(List<EndpointAddress> addresses) {
        return addresses.stream().map(EndpointAddress::getIp).toList();
    }

    @Test
    void readyAndNotReadyPodsShareASubsetWhenTheyServeTheSamePorts() {
        List<EndpointSubset> subsets = Subsets.of(service(false, "http"),
                List.of(pod("b", "10.0.0.2", true, 8080), pod("a", "10.0.0.1", true, 8080), pod("c", "10.0.0.3", false, 8080)));
        assertThat(subsets).hasSize(1);
        assertThat(ips(subsets.get(0).getAddresses())).containsExactly("10.0.0.1", "10.0.0.2");
        assertThat(ips(subsets.get(0).getNotReadyAddresses())).containsExactly("10.0.0.3");
        assertThat(subsets.get(0).getPorts()).containsExactly(new EndpointPort(null, "p0", 8080, "TCP"));
        EndpointAddress a = subsets.get(0).getAddresses().get(0);
        assertThat(a.getNodeName()).isEqualTo("n1");
        assertThat(a.getTargetRef().getKind()).isEqualTo("Pod");
        assertThat(a.getTargetRef().getName()).isEqualTo("a");
        assertThat(a.getTargetRef().getUid()).isEqualTo("uid-a");
    }

    @Test
    void aNamedTargetPortResolvedPerPodGroupsEachPortWithTheAddressesServingIt() {
        // as RepackSubsets does: one subset per distinct address set, with the ports that exactly that set serves
        List<EndpointSubset> subsets = Subsets.of(service(false, "http", 9090),
                List.of(pod("a", "10.0.0.1", true, 8080), pod("b", "10.0.0.2", true, 8081), pod("c", "10.0.0.3", true, 8080)));
        assertThat(subsets).hasSize(3);
        assertThat(subsets).anySatisfy(s -> {
            assertThat(ips(s.getAddresses())).containsExactly("10.0.0.1", "10.0.0.3");
            assertThat(s.getPorts()).containsExactly(new EndpointPort(null, "p0", 8080, "TCP"));
        });
        assertThat(subsets).anySatisfy(s -> {
            assertThat(ips(s.getAddresses())).containsExactly("10.0.0.2");
            assertThat(s.getPorts()).containsExactly(new EndpointPort(null, "p0", 8081, "TCP"));
        });
        assertThat(subsets).anySatisfy(s -> {
            assertThat(ips(s.getAddresses())).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
            assertThat(s.getPorts()).containsExactly(new EndpointPort(null, "p1", 9090, "TCP"));
        });
    }

    @Test
    void podsServingTheSamePortsShareOneSubsetWithAllThePorts() {
        List<EndpointSubset> subsets = Subsets.of(service(false, "http", 9090),
                List.of(pod("a", "10.0.0.1", true, 8080), pod("c", "10.0.0.3", false, 8080)));
        assertThat(subsets).hasSize(1);
        assertThat(subsets.get(0).getPorts()).extracting(EndpointPort::getPort).containsExactly(8080, 9090);
        assertThat(ips(subsets.get(0).getNotReadyAddresses())).containsExactly("10.0.0.3");
    }

    @Test
    void aPodWithoutTheNamedPortIsLeftOutOfThatPortOnly() {
        Pod noHttp = new PodBuilder(pod("d", "10.0.0.4", true, 8080)).editSpec().editFirstContainer().withPorts().endContainer().endSpec().build();
        List<EndpointSubset> subsets = Subsets.of(service(false, "http", 9090), List.of(pod("a", "10.0.0.1", true, 8080), noHttp));
        assertThat(subsets).hasSize(2);
        assertThat(subsets).anySatisfy(s -> {
            assertThat(ips(s.getAddresses())).containsExactly("10.0.0.1");
            assertThat(s.getPorts()).extracting(EndpointPort::getPort).containsExactly(8080);
        });
        assertThat(subsets).anySatisfy(s -> {
            assertThat(ips(s.getAddresses())).containsExactly("10.0.0.1", "10.0.0.4");
            assertThat(s.getPorts()).extracting(EndpointPort::getPort).containsExactly(9090);
        });
    }

    @Test
    void repackKeepsNotReadyWhenAnAddressIsBothForOnePort() {
        EndpointAddress a = new EndpointAddress(null, "10.0.0.1", null, null);
        EndpointPort p = new EndpointPort(null, "p", 80, "TCP");
        EndpointSubset ready = new EndpointSubset(List.of(a), List.of(), List.of(p));
        EndpointSubset notReady = new EndpointSubset(List.of(), List.of(a), List.of(p));
        List<EndpointSubset> packed = Subsets.repack(List.of(ready, notReady));
        assertThat(packed).hasSize(1);
        assertThat(packed.get(0).getAddresses()).isEmpty();
        assertThat(ips(packed.get(0).getNotReadyAddresses())).containsExactly("10.0.0.1");
    }

    @Test
    void repackMergesPortsOfTheSameAddressesAndKeepsPortlessOnes() {
        EndpointAddress a = new EndpointAddress(null, "10.0.0.1", null, null);
        EndpointAddress b = new EndpointAddress(null, "10.0.0.2", null, null);
        List<EndpointSubset> packed = Subsets.repack(List.of(
                new EndpointSubset(List.of(a), List.of(), List.of(new EndpointPort(null, "y", 81, "TCP"))),
                new EndpointSubset(List.of(a), List.of(), List.of(new EndpointPort(null, "x", 80, "TCP"))),
                new EndpointSubset(List.of(b), List.of(), List.of())));
        assertThat(packed).hasSize(2);
        assertThat(ips(packed.get(0).getAddresses())).containsExactly("10.0.0.1");
        assertThat(packed.get(0).getPorts()).extracting(EndpointPort::getName).containsExactly("x", "y");
        assertThat(ips(packed.get(1).getAddresses())).containsExactly("10.0.0.2");
        assertThat(packed.get(1).getPorts()).isEmpty();
    }

    @Test
    void terminatingTerminalAndAddresslessPodsAreLeftOutUnlessNotReadyIsPublished() {
        Pod terminating = new PodBuilder(pod("t", "10.0.0.5", true, 8080)).editMetadata().withDeletionTimestamp("2024-01-01T00:00:00Z").endMetadata().build();
        Pod done = new PodBuilder(pod("s", "10.0.0.6", false, 8080)).editStatus().withPhase("Succeeded").endStatus().build();
        Pod noIp = new PodBuilder(pod("p", null, false, 8080)).build();
        assertThat(Subsets.of(service(false, "http"), List.of(terminating, done, noIp))).isEmpty();

        List<EndpointSubset> published = Subsets.of(service(true, "http"), List.of(terminating, done, noIp, pod("c", "10.0.0.3", false, 8080)));
        assertThat(published).hasSize(1);
        assertThat(ips(published.get(0).getAddresses())).containsExactly("10.0.0.3", "10.0.0.5");
        assertThat(published.get(0).getNotReadyAddresses()).isEmpty();
    }

    @Test
    void aHeadlessServiceWithoutPortsListsAddressesOnly() {
        Service headless = new ServiceBuilder(service(false)).editSpec().withClusterIP("None").endSpec().build();
        List<EndpointSubset> subsets = Subsets.of(headless, List.of(pod("a", "10.0.0.1", true, 8080)));
        assertThat(subsets).hasSize(1);
        assertThat(subsets.get(0).getPorts()).isEmpty();
        assertThat(Subsets.of(service(false), List.of(pod("a", "10.0.0.1", true, 8080)))).isEmpty();
    }

    @Test
    void targetRefResourceVersionsDoNotCountAsAChange() {
        List<EndpointSubset> desired = Subsets.of(service(false, "http"), List.of(pod("a", "10.0.0.1", true, 8080)));
        List<EndpointSubset> stored = Subsets.of(service(false, "http"), List.of(pod("a", "10.0.0.1", true, 8080)));
        stored.get(0).getAddresses().get(0).getTargetRef().setResourceVersion("42");
        assertThat(EndpointsController.sameSubsets(stored, desired)).isTrue();
        assertThat(EndpointsController.sameSubsets(List.of(), desired)).isFalse();
    }

    @Test
    void triggerTimesAreFormattedAsGoRfc3339Nano() {
        assertThat(EndpointsController.rfc3339Nano(Instant.parse("2024-05-01T10:00:00Z"))).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(EndpointsController.rfc3339Nano(Instant.parse("2024-05-01T10:00:00.120Z"))).isEqualTo("2024-05-01T10:00:00.12Z");
    }
}
