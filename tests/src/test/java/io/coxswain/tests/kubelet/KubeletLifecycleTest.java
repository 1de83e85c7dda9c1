package io.coxswain.tests.kubelet;

import io.coxswain.tests.cluster.DockerNode;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.coxswain.tests.cluster.DockerNode.docker;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restart policies and back-off, image pull failures, graceful deletion, and a kubelet restart that adopts its
 * containers and removes the ones of pods deleted while it was down.
 */
class KubeletLifecycleTest extends DockerNodeSuite {


    @Test
    void crashLoopBackOffDelaysGrow() throws Exception {
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: crasher}
                spec:
                  nodeName: NODE
                  containers:
                  - {name: main, image: coxswain/busybox:1, command: [sh, -c, 'exit 1']}
                """);
        // the node's back-off starts at 2 s and doubles: restarts come at about +0, +2, +4, +8 s
        List<Long> restartedAt = new ArrayList<>();
        boolean sawBackOff = false;
        int seen = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (seen < 4 && System.nanoTime() < deadline) {
            Pod pod = node.pod("crasher");
            if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null && !pod.getStatus().getContainerStatuses().isEmpty()) {
                ContainerStatus s = pod.getStatus().getContainerStatuses().get(0);
                if (s.getRestartCount() > seen) {
                    seen = s.getRestartCount();
                    restartedAt.add(System.nanoTime());
                }
                if (s.getState().getWaiting() != null && "CrashLoopBackOff".equals(s.getState().getWaiting().getReason())) {
                    sawBackOff = true;
                    assertThat(s.getState().getWaiting().getMessage()).contains("back-off").contains("restarting failed container=main");
                    assertThat(s.getLastState().getTerminated().getExitCode()).isEqualTo(1);
                }
            }
            Thread.sleep(100);
        }
        assertThat(seen).as("restarts within 60 s").isGreaterThanOrEqualTo(4);
        assertThat(sawBackOff).isTrue();
        long gap2 = restartedAt.get(2) - restartedAt.get(1);
        long gap3 = restartedAt.get(3) - restartedAt.get(2);
        System.out.printf("restart gaps: %d ms, %d ms%n", gap2 / 1_000_000, gap3 / 1_000_000);
        assertThat(gap3).as("the delay doubles").isGreaterThan(gap2 + Duration.ofMillis(1000).toNanos());
        assertThat(node.pod("crasher").getStatus().getPhase()).isEqualTo("Running");
    }

    @Test
    void restartPoliciesNeverAndOnFailureEndThePod() throws Exception {
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: once-failed}
                spec:
                  nodeName: NODE
                  restartPolicy: Never
                  containers:
                  - {name: main, image: coxswain/busybox:1, command: [sh, -c, 'exit 7']}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: once-ok}
                spec:
                  nodeName: NODE
                  restartPolicy: OnFailure
                  containers:
                  - {name: main, image: coxswain/busybox:1, command: [sh, -c, 'exit 0']}
                """);
        Pod failed = node.waitFor("once-failed", Duration.ofSeconds(60), p -> "Failed".equals(p.getStatus().getPhase()));
        ContainerStatus s = failed.getStatus().getContainerStatuses().get(0);
        assertThat(s.getRestartCount()).isZero();
        assertThat(s.getState().getTerminated().getExitCode()).isEqualTo(7);
        assertThat(s.getState().getTerminated().getReason()).isEqualTo("Error");
        Pod ok = node.waitFor("once-ok", Duration.ofSeconds(60), p -> "Succeeded".equals(p.getStatus().getPhase()));
        assertThat(ok.getStatus().getContainerStatuses().get(0).getState().getTerminated().getReason()).isEqualTo("Completed");
        assertThat(node.kubectl("get", "pod", "once-ok", "--no-headers").stdout()).contains("Completed");
    }

    @Test
    void aMissingImageShowsErrImagePullThenImagePullBackOff() throws Exception {
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: no-image}
                spec:
                  nodeName: NODE
                  containers:
                  - {name: main, image: '127.0.0.1:9/coxswain/not-built-here:1', imagePullPolicy: IfNotPresent}
                """);
        Pod pulled = node.waitFor("no-image", Duration.ofSeconds(60), p -> waiting(p, "ErrImagePull"));
        assertThat(pulled.getStatus().getContainerStatuses().get(0).getState().getWaiting().getMessage())
                .contains("127.0.0.1:9/coxswain/not-built-here:1");
        node.waitFor("no-image", Duration.ofSeconds(60), p -> waiting(p, "ImagePullBackOff"));
        assertThat(node.kubectl("get", "pod", "no-image", "--no-headers").stdout()).containsAnyOf("ImagePullBackOff", "ErrImagePull");
        assertThat(node.kubectl("get", "events", "--field-selector", "involvedObject.name=no-image", "--no-headers").stdout())
                .contains("Failed to pull image").contains("Back-off pulling image");
    }

    @Test
    void gracefulDeleteSendsSigtermThenSigkillAfterTheGracePeriod() throws Exception {
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: stubborn}
                spec:
                  nodeName: NODE
                  terminationGracePeriodSeconds: 3
                  containers:
                  - {name: main, image: coxswain/busybox:1, command: [sh, -c, 'trap "echo got-SIGTERM" TERM; echo started; while true; do sleep 0.2; done']}
                """);
        node.waitFor("stubborn", Duration.ofSeconds(60), DockerNode::running);
        node.waitForLog("stubborn", "main", "started");
        Process follow = node.kubectl.start("logs", "-f", "stubborn");
        CompletableFuture<String> followed = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(follow.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        Thread.sleep(1000);
        long start = System.nanoTime();
        assertThat(node.kubectl("delete", "pod", "stubborn").exitCode()).isZero();
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(followed.get(30, java.util.concurrent.TimeUnit.SECONDS)).contains("got-SIGTERM");
        assertThat(tookMs).as("the kill waited for the grace period").isBetween(2_500L, 20_000L);
        assertThat(node.containers("io.kubernetes.pod.name=stubborn")).isEmpty();
        follow.destroy();
    }

    @Test
    void aRestartedKubeletAdoptsItsContainersAndRemovesOrphans() throws Exception {
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: steady}
                spec:
                  nodeName: NODE
                  containers:
                  - {name: main, image: coxswain/busybox:1, command: [sleep, '3600']}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: doomed}
                spec:
                  nodeName: NODE
                  containers:
                  - {name: main, image: coxswain/busybox:1, command: [sleep, '3600']}
                """);
        Pod steady = node.waitFor("steady", Duration.ofSeconds(60), DockerNode::running);
        node.waitFor("doomed", Duration.ofSeconds(60), DockerNode::running);
        String containerId = steady.getStatus().getContainerStatuses().get(0).getContainerID();
        String startedAt = docker("inspect", "-f", "{{.State.StartedAt}}", containerId.substring(9));

        node.stopKubelet();
        node.client.pods().inNamespace("default").withName("doomed").withGracePeriod(0).delete();
        assertThat(node.containers("io.kubernetes.pod.name=doomed")).as("still there while the kubelet is down").isNotEmpty();
        node.startKubelet();

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!node.containers("io.kubernetes.pod.name=doomed").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(node.containers("io.kubernetes.pod.name=doomed")).as("orphans removed at start").isEmpty();
        Thread.sleep(3000);
        Pod after = node.pod("steady");
        assertThat(after.getStatus().getContainerStatuses().get(0).getContainerID()).isEqualTo(containerId);
        assertThat(after.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();
        assertThat(docker("inspect", "-f", "{{.State.StartedAt}}", containerId.substring(9))).isEqualTo(startedAt);
        assertThat(DockerNode.running(after)).isTrue();
    }

    private static boolean waiting(Pod p, String reason) {
        return p.getStatus().getContainerStatuses() != null && !p.getStatus().getContainerStatuses().isEmpty()
                && p.getStatus().getContainerStatuses().get(0).getState().getWaiting() != null
                && reason.equals(p.getStatus().getContainerStatuses().get(0).getState().getWaiting().getReason());
    }
}
