package io.coxswain.kubelet.hollow;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HollowPodLifecycleTest {

    private static final long SEEN = 1_700_000_000_000L;
    private static final long RUNNING = SEEN + 50;

    @Test
    void pendingUntilItsStartThenRunningAndReady() {
        Pod pod = pod("Always", Map.of());
        var pending = HollowPodLifecycle.at(pod, SEEN + 10, SEEN, RUNNING, "172.16.0.1", "10.128.0.1");
        assertThat(pending.status()).containsEntry("phase", "Pending");
        assertThat(pending.nextAt()).isEqualTo(RUNNING);
        var running = HollowPodLifecycle.at(pod, RUNNING, SEEN, RUNNING, "172.16.0.1", "10.128.0.1");
        assertThat(running.status()).containsEntry("phase", "Running").containsEntry("podIP", "10.128.0.1");
        assertThat(running.nextAt()).isEqualTo(-1);
        assertThat(running.signature()).isNotEqualTo(pending.signature());
        assertThat(HollowPodLifecycle.at(pod, RUNNING + 60_000, SEEN, RUNNING, "172.16.0.1", "10.128.0.1"))
                .as("the same status later, so no write").isEqualTo(running);
    }

    @Test
    void exitsPerRestartPolicy() {
        Map<String, String> exit0 = Map.of(HollowPodLifecycle.EXIT_AFTER, "2s");
        Map<String, String> exit3 = Map.of(HollowPodLifecycle.EXIT_AFTER, "2s", HollowPodLifecycle.EXIT_CODE, "3");
        long after = RUNNING + 2_000;
        assertThat(phase(pod("Never", exit0), after - 1)).isEqualTo("Running");
        assertThat(phase(pod("Never", exit0), after)).isEqualTo("Succeeded");
        assertThat(phase(pod("OnFailure", exit0), after)).isEqualTo("Succeeded");
        assertThat(phase(pod("Never", exit3), after)).isEqualTo("Failed");
        var restarting = HollowPodLifecycle.at(pod("OnFailure", exit3), RUNNING + 5_000, SEEN, RUNNING, "h", "p");
        assertThat(restarting.status()).containsEntry("phase", "Running");
        assertThat(restarting.signature()).isEqualTo("RUNNING:2");
        assertThat(restarting.nextAt()).isEqualTo(RUNNING + 6_000);
        @SuppressWarnings("unchecked")
        var container = (Map<String, Object>) ((List<?>) restarting.status().get("containerStatuses")).get(0);
        assertThat(container).containsEntry("restartCount", 2);
        assertThat(phase(pod("Always", exit0), RUNNING + 9_000)).isEqualTo("Running");
    }

    @Test
    void durationsAndNodeNames() {
        assertThat(HollowPodLifecycle.duration("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(HollowPodLifecycle.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(HollowPodLifecycle.duration("PT2S")).isEqualTo(Duration.ofSeconds(2));
        assertThat(HollowPodLifecycle.duration("2 seconds")).isNull();
        HollowOptions options = HollowOptions.defaults(100);
        assertThat(options.nodeIndex("hollow-0")).isZero();
        assertThat(options.nodeIndex("hollow-99")).isEqualTo(99);
        assertThat(options.nodeIndex("hollow-100")).isEqualTo(-1);
        assertThat(options.nodeIndex("hollow-07")).isEqualTo(-1);
        assertThat(options.nodeIndex("hollowx-1")).isEqualTo(-1);
        assertThat(options.nodeIndex(null)).isEqualTo(-1);
        assertThat(HollowNodes.nodeIp(0)).isEqualTo("172.16.0.1");
        assertThat(HollowPods.podIp(300, 7)).isEqualTo("10.129.44.7");
    }

    private static String phase(Pod pod, long now) {
        return (String) HollowPodLifecycle.at(pod, now, SEEN, RUNNING, "h", "p").status().get("phase");
    }

    private static Pod pod(String restartPolicy, Map<String, String> annotations) {
        return new PodBuilder().withNewMetadata().withName("p").withAnnotations(annotations).endMetadata()
                .withNewSpec().withNodeName("hollow-0").withRestartPolicy(restartPolicy)
                .addNewContainer().withName("main").withImage("busybox").endContainer().endSpec().build();
    }
}
