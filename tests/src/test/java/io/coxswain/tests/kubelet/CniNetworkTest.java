package io.coxswain.tests.kubelet;

import io.coxswain.kubelet.cni.CniFailure;
import io.coxswain.kubelet.cni.CniNetwork;
import io.coxswain.kubelet.cni.CniOptions;
import io.coxswain.kubelet.cni.PodNetworkConfig;
import io.coxswain.network.HostCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The kubelet's CNI calls with the real reference plugins, on network namespaces that stand for sandboxes: ADD gives an
 * address of the pod CIDR with the bridge as gateway, CHECK passes and then fails once the pod's interface is gone,
 * DEL releases the address and the cache, and the collection releases what a vanished container left. The bridge
 * lives in the root namespace under a CIDR of the test's own (10.244.251.0/24), and goes at the end.
 */
class CniNetworkTest {

    private static final String CIDR = "10.244.251.0/24";
    private static final HostCommands ROOT = HostCommands.local();

    @TempDir
    Path state;

    private final String tag = UUID.randomUUID().toString().substring(0, 6);
    private final String sandboxA = "cxc-" + tag + "-a";
    private final String sandboxB = "cxc-" + tag + "-b";

    @AfterEach
    void cleanUp() {
        ROOT.run("ip", "netns", "del", sandboxA);
        ROOT.run("ip", "netns", "del", sandboxB);
        ROOT.run("ip", "link", "del", PodNetworkConfig.bridgeName(CIDR));
        // the two rules the kubelet's forwarding added for this CIDR
        for (String way : List.of("-s", "-d")) {
            ROOT.run("iptables", "-w", "5", "-D", "COXSWAIN-FORWARD", way, CIDR, "-m", "comment", "--comment", "pods of this node", "-j", "ACCEPT");
        }
    }

    @Test
    void addCheckDeleteAndCollectWithTheReferencePlugins() throws Exception {
        CniNetwork network = new CniNetwork(new CniOptions(CniOptions.DEFAULT_BIN_DIRS, state, true, 0));
        network.verifyPlugins();
        assertThat(network.notReady()).as("not ready without a pod CIDR").isPresent();
        assertThatThrownBy(() -> network.setUp("c1", "/proc/1/ns/net", Map.of(), List.of())).isInstanceOf(CniFailure.class)
                .hasMessageContaining("cni config uninitialized");
        network.podCidr(CIDR);
        assertThat(network.notReady()).isEmpty();

        ROOT.check("ip", "netns", "add", sandboxA);
        ROOT.check("ip", "netns", "add", sandboxB);
        String idA = "cnitest" + tag + "a", idB = "cnitest" + tag + "b";
        String ipA = network.setUp(idA, "/run/netns/" + sandboxA, Map.of("K8S_POD_NAME", "a"), List.of());
        String ipB = network.setUp(idB, "/run/netns/" + sandboxB, Map.of("K8S_POD_NAME", "b"), List.of());
        System.out.println("ADD: " + idA + " -> " + ipA + ", " + idB + " -> " + ipB);
        assertThat(ipA).startsWith("10.244.251.").isNotEqualTo(ipB);
        assertThat(network.ip(idA)).contains(ipA);
        HostCommands inA = HostCommands.inNetns(sandboxA);
        assertThat(inA.check("ip", "-4", "-o", "addr", "show", "dev", "eth0")).contains(ipA + "/24");
        assertThat(inA.check("ip", "route")).contains("default via 10.244.251.1");
        assertThat(inA.check("ip", "-o", "link", "show", "lo")).contains("UP");
        // pod to pod over the bridge, and to the gateway
        assertThat(inA.run("busybox", "ping", "-c", "2", "-W", "3", ipB).ok()).as("A pings B").isTrue();
        assertThat(inA.run("busybox", "ping", "-c", "2", "-W", "3", "10.244.251.1").ok()).as("A pings its gateway").isTrue();

        network.check(idA, "/run/netns/" + sandboxA);
        inA.check("ip", "link", "del", "eth0");
        assertThatThrownBy(() -> network.check(idA, "/run/netns/" + sandboxA)).isInstanceOf(CniFailure.class)
                .hasMessageContaining("type=\"bridge\"").hasMessageContaining("(check)");
        System.out.println("CHECK failed as it should once the pod's eth0 was deleted");

        Path records = state.resolve("networks").resolve("coxswain");
        assertThat(records.resolve(ipA)).exists();
        network.tearDown(idA, "/run/netns/" + sandboxA);
        assertThat(records.resolve(ipA)).as("DEL released A's address").doesNotExist();
        assertThat(Files.exists(state.resolve("results").resolve("coxswain-" + idA + "-eth0"))).as("and its cache").isFalse();
        network.tearDown(idA, "");   // a second DEL is no error

        // B vanishes from the engine without a DEL: the collection releases it; a container the engine has is kept
        ROOT.check("ip", "netns", "del", sandboxB);
        network.collectGarbage(Set.of("some-other-container"));
        assertThat(records.resolve(ipB)).as("the collection released B's address").doesNotExist();
        assertThat(network.ip(idB)).isEmpty();
        System.out.println("verified: ADD, CHECK (passing, then failing), DEL and the collection with the reference plugins");
    }
}
