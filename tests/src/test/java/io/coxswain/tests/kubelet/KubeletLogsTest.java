package io.coxswain.tests.kubelet;

import io.coxswain.tests.cluster.DockerNode;
import io.coxswain.tests.cluster.Kubectl;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kubectl logs} through the apiserver's pods/log and the kubelet: plain, -f, --previous, --tail, -c, --timestamps. */
class KubeletLogsTest extends DockerNodeSuite {


    @Test
    void logsFollowTailTimestampsAndContainers() throws Exception {
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: talker}
                spec:
                  nodeName: NODE
                  containers:
                  - {name: counter, image: coxswain/busybox:1, command: [sh, -c, 'i=0; while true; do echo line-$i; i=$((i+1)); sleep 0.3; done']}
                  - {name: quiet, image: coxswain/busybox:1, command: [sh, -c, 'echo only-once; exec sleep 3600']}
                """);
        node.waitFor("talker", Duration.ofSeconds(60), DockerNode::running);
        node.waitForLog("talker", "counter", "line-3");

        Kubectl.Result noContainer = node.kubectl("logs", "talker");
        assertThat(noContainer.exitCode()).as("kubectl picks the first container and says so").isZero();
        assertThat(noContainer.stderr()).contains("Defaulted container \"counter\"");
        assertThat(node.kubectl("logs", "talker", "-c", "quiet").stdout().strip()).isEqualTo("only-once");

        List<String> tail = node.kubectl("logs", "talker", "-c", "counter", "--tail=2").stdout().strip().lines().toList();
        assertThat(tail).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("line-"));
        String stamped = node.kubectl("logs", "talker", "-c", "quiet", "--timestamps").stdout().strip();
        assertThat(stamped).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z only-once");

        // -f keeps the stream open: lines written after the request arrive on it
        List<String> lines = node.kubectl.firstLines(5, Duration.ofSeconds(20), "logs", "-f", "talker", "-c", "counter", "--tail=1");
        assertThat(lines).hasSize(5);
        int first = Integer.parseInt(lines.get(0).substring(5));
        assertThat(lines.get(4)).isEqualTo("line-" + (first + 4));
    }

    @Test
    void previousShowsTheLogOfTheContainerBeforeTheRestart() throws Exception {
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: phoenix}
                spec:
                  nodeName: NODE
                  containers:
                  - {name: main, image: coxswain/busybox:1, command: [sh, -c, 'echo run-at-$(date +%s%N); sleep 1; exit 2']}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: fresh}
                spec:
                  nodeName: NODE
                  containers:
                  - {name: quiet, image: coxswain/busybox:1, command: [sleep, '3600']}
                """);
        node.waitFor("phoenix", Duration.ofSeconds(60), p -> p.getStatus().getContainerStatuses() != null
                && !p.getStatus().getContainerStatuses().isEmpty() && p.getStatus().getContainerStatuses().get(0).getRestartCount() >= 1);
        Kubectl.Result previous = node.kubectl("logs", "phoenix", "--previous");
        assertThat(previous.exitCode()).as(previous.stderr()).isZero();
        assertThat(previous.stdout()).startsWith("run-at-");
        Kubectl.Result current = node.kubectl("logs", "phoenix");
        assertThat(current.stdout()).startsWith("run-at-").isNotEqualTo(previous.stdout());

        node.waitFor("fresh", Duration.ofSeconds(60), DockerNode::running);
        Kubectl.Result none = node.kubectl("logs", "fresh", "--previous");
        assertThat(none.exitCode()).isNotZero();
        assertThat(none.stderr()).contains("previous terminated container \"quiet\" in pod \"fresh\" not found");
    }
}
