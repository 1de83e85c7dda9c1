package io.coxswain.tests.controllers;

import io.coxswain.controllers.ControllerManager;
import io.coxswain.controllers.ControllerOptions;
import io.coxswain.tests.cluster.Kubectl;
import io.coxswain.tests.cluster.TestCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.coxswain.tests.controllers.ControllerNode.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Node IPAM against a real apiserver, driven with real kubectl: a cluster CIDR of four /24 blocks, five nodes. Each
 * of the first four gets a block of its own, the fifth gets a CIDRNotAvailable event, and takes the block of a node
 * that is deleted; a restarted controller-manager keeps every block where it was.
 */
class NodeIpamControllerTest {

    private static final ControllerOptions OPTIONS = ControllerOptions.defaults().withNodeCidrs("10.244.0.0/22", 24);

    @TempDir
    Path dir;
    private TestCluster cluster;
    private Kubectl kubectl;
    private ControllerManager manager;

    @BeforeEach
    void start() throws Exception {
        cluster = TestCluster.embedded(dir.resolve("cluster"));
        kubectl = new Kubectl(cluster, dir.resolve("kubectl"));
        manager = ControllerManager.start(cluster.newClient(), OPTIONS);
    }

    @AfterEach
    void stop() throws Exception {
        if (manager != null) {
            manager.close();
        }
        cluster.close();
    }

    @Test
    void everyNodeGetsABlockOfItsOwnAndADeletedNodeGivesItBack() throws Exception {
        for (int i = 1; i <= 4; i++) {
            createNode("ipam-" + i);
        }
        Map<String, String> blocks = awaitBlocks(4);
        assertThat(blocks.values()).containsExactlyInAnyOrder("10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24", "10.244.3.0/24");
        assertThat(run("get", "node", "ipam-1", "-o", "jsonpath={.spec.podCIDRs[0]}").stdout()).isEqualTo(blocks.get("ipam-1"));

        createNode("ipam-5");
        eventually(Duration.ofSeconds(30), "a CIDRNotAvailable event on ipam-5", () -> events("ipam-5").contains("CIDRNotAvailable"));
        assertThat(podCidr("ipam-5")).isEmpty();

        run("delete", "node", "ipam-2");
        eventually(Duration.ofSeconds(30), "ipam-5 takes ipam-2's block", () -> blocks.get("ipam-2").equals(podCidr("ipam-5")));

        manager.close();
        manager = ControllerManager.start(cluster.newClient(), OPTIONS);
        createNode("ipam-6");
        run("delete", "node", "ipam-3");
        eventually(Duration.ofSeconds(30), "after a restart, ipam-6 takes the block ipam-3 gave back, the only free one",
                () -> blocks.get("ipam-3").equals(podCidr("ipam-6")));
        assertThat(podCidr("ipam-1")).isEqualTo(blocks.get("ipam-1"));
        assertThat(podCidr("ipam-4")).isEqualTo(blocks.get("ipam-4"));
        assertThat(podCidr("ipam-5")).isEqualTo(blocks.get("ipam-2"));
    }

    @Test
    void aBlockANodeAlreadyHasIsKept() throws Exception {
        apply("apply", "apiVersion: v1\nkind: Node\nmetadata:\n  name: ipam-fixed\nspec:\n  podCIDR: 10.244.2.0/24\n  podCIDRs: [10.244.2.0/24]\n");
        createNode("ipam-a");
        createNode("ipam-b");
        createNode("ipam-c");
        eventually(Duration.ofSeconds(30), "three more nodes get blocks", () -> !podCidr("ipam-a").isEmpty()
                && !podCidr("ipam-b").isEmpty() && !podCidr("ipam-c").isEmpty());
        assertThat(Map.of("a", podCidr("ipam-a"), "b", podCidr("ipam-b"), "c", podCidr("ipam-c")).values())
                .containsExactlyInAnyOrder("10.244.0.0/24", "10.244.1.0/24", "10.244.3.0/24");
        assertThat(podCidr("ipam-fixed")).isEqualTo("10.244.2.0/24");
    }

    private void createNode(String name) throws Exception {
        apply("create", "apiVersion: v1\nkind: Node\nmetadata:\n  name: " + name + "\n");
    }

    private Map<String, String> awaitBlocks(int count) throws Exception {
        Map<String, String> blocks = new LinkedHashMap<>();
        eventually(Duration.ofSeconds(30), count + " nodes with a podCIDR", () -> {
            blocks.clear();
            for (int i = 1; i <= count; i++) {
                String cidr = podCidr("ipam-" + i);
                if (cidr.isEmpty()) {
                    return false;
                }
                blocks.put("ipam-" + i, cidr);
            }
            return true;
        });
        return blocks;
    }

    private String podCidr(String node) {
        try {
            Kubectl.Result r = kubectl.run(new String[] {"get", "node", node, "-o", "jsonpath={.spec.podCIDR}"});
            return r.exitCode() == 0 ? r.stdout().trim() : "";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String events(String node) {
        try {
            return kubectl.run(new String[] {"get", "events", "-A", "--field-selector", "involvedObject.name=" + node, "-o",
                "custom-columns=REASON:.reason,TYPE:.type,MESSAGE:.message", "--no-headers"}).stdout();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Kubectl.Result run(String... args) throws Exception {
        return expectOk(kubectl.run(args), args);
    }

    private void apply(String verb, String yaml) throws Exception {
        expectOk(kubectl.run(yaml, new String[] {verb, "-f", "-"}), verb, "-f", "-");
    }

    private static Kubectl.Result expectOk(Kubectl.Result r, String... args) {
        assertThat(r.exitCode()).as("kubectl %s: %s", String.join(" ", args), r.stderr()).isZero();
        return r;
    }
}
