package io.coxswain.controllers.job;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class JobMathTest {

    @Test
    void wantActiveIsParallelismCappedByMissingCompletions() {
        assertThat(JobMath.wantActive(2, 5, 0, 0)).isEqualTo(2);
        assertThat(JobMath.wantActive(2, 5, 4, 2)).isEqualTo(1);
        assertThat(JobMath.wantActive(2, 5, 5, 0)).isEqualTo(0);
        assertThat(JobMath.wantActive(10, 3, 0, 0)).isEqualTo(3);
        // a work queue (no completions): no new pods after the first success
        assertThat(JobMath.wantActive(3, null, 0, 0)).isEqualTo(3);
        assertThat(JobMath.wantActive(3, null, 1, 2)).isEqualTo(2);
    }

    @Test
    void completion() {
        assertThat(JobMath.complete(5, 5, 0)).isTrue();
        assertThat(JobMath.complete(5, 4, 1)).isFalse();
        assertThat(JobMath.complete(null, 1, 1)).isFalse();
        assertThat(JobMath.complete(null, 1, 0)).isTrue();
    }

    @Test
    void completedIndexesRoundTrip() {
        assertThat(JobMath.formatIndexes(new TreeSet<>(Set.of(0, 1, 2, 4, 6, 7)))).isEqualTo("0-2,4,6-7");
        assertThat(JobMath.formatIndexes(new TreeSet<>())).isEmpty();
        assertThat(JobMath.parseIndexes("0-2,4,6-7")).containsExactly(0, 1, 2, 4, 6, 7);
        assertThat(JobMath.parseIndexes(null)).isEmpty();
        assertThat(JobMath.missingIndexes(5, JobMath.parseIndexes("0,2"), Set.of(1), 2)).containsExactly(3, 4);
    }

    @Test
    void backoffDoublesFromTenSecondsToTheCap() {
        Duration base = Duration.ofSeconds(10);
        Duration max = Duration.ofMinutes(10);
        assertThat(JobMath.backoff(0, base, max)).isZero();
        assertThat(JobMath.backoff(1, base, max)).isEqualTo(Duration.ofSeconds(10));
        assertThat(JobMath.backoff(3, base, max)).isEqualTo(Duration.ofSeconds(40));
        assertThat(JobMath.backoff(20, base, max)).isEqualTo(max);
    }

    private static Pod pod(String phase, int restarts, boolean deleting) {
        return new PodBuilder().withNewMetadata().withName("p").withDeletionTimestamp(deleting ? "2025-01-01T00:00:00Z" : null).endMetadata()
                .withNewStatus().withPhase(phase).addNewContainerStatus().withName("c").withRestartCount(restarts).endContainerStatus()
                .endStatus().build();
    }

    @Test
    void failedPodsIncludeDeletedOnesThatDidNotSucceed() {
        assertThat(JobMath.failed(pod("Failed", 0, false), false)).isTrue();
        assertThat(JobMath.failed(pod("Running", 0, true), false)).isTrue();
        assertThat(JobMath.failed(pod("Running", 0, true), true)).isFalse();
        assertThat(JobMath.failed(pod("Succeeded", 0, true), false)).isFalse();
    }

    @Test
    void onFailureCountsContainerRestarts() {
        List<Pod> pods = List.of(pod("Running", 2, false), pod("Pending", 1, false), pod("Failed", 9, false));
        assertThat(JobMath.pastBackoffLimitOnFailure("OnFailure", 3, pods)).isTrue();
        assertThat(JobMath.pastBackoffLimitOnFailure("OnFailure", 4, pods)).isFalse();
        assertThat(JobMath.pastBackoffLimitOnFailure("Never", 0, pods)).isFalse();
        assertThat(JobMath.pastBackoffLimitOnFailure("OnFailure", 0, List.of(pod("Running", 1, false)))).isTrue();
    }

    @Test
    void completionIndexComesFromTheAnnotation() {
        Pod p = new PodBuilder().withNewMetadata().addToAnnotations(JobController.COMPLETION_INDEX, "3").endMetadata().build();
        assertThat(JobMath.completionIndex(p)).isEqualTo(3);
        assertThat(JobMath.completionIndex(new PodBuilder().withNewMetadata().endMetadata().build())).isEqualTo(-1);
    }
}
