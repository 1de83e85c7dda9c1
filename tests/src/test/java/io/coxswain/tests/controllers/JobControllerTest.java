package io.coxswain.tests.controllers;

import io.coxswain.controllers.ControllerManager;
import io.coxswain.controllers.ControllerOptions;
import io.coxswain.tests.cluster.DockerNode;
import io.coxswain.tests.cluster.Kubectl;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The Job controller (with the garbage collector) through kube-controller-manager, on a real Docker node. */
class JobControllerTest {

    @TempDir
    static Path dir;
    static DockerNode node;
    static ControllerManager manager;

    @BeforeAll
    static void start() throws Exception {
        node = DockerNode.start(dir);
        manager = ControllerManager.start(node.client, ControllerOptions.defaults());
    }

    @AfterAll
    static void stop() throws Exception {
        if (manager != null) {
            manager.close();
        }
        if (node != null) {
            node.close();
        }
    }

    static String job(String name, String spec, String command) {
        return """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: %s}
                spec:
                %s
                  template:
                    spec:
                      nodeName: NODE
                      restartPolicy: Never
                      terminationGracePeriodSeconds: 5
                      containers:
                      - {name: main, image: coxswain/busybox:1, command: [sh, -c, '%s']}
                """.formatted(name, spec.indent(2).stripTrailing(), command);
    }

    static Job get(String name) {
        return node.client.batch().v1().jobs().inNamespace("default").withName(name).get();
    }

    static Job waitFor(String name, String condition, Duration timeout) {
        return node.client.batch().v1().jobs().inNamespace("default").withName(name).waitUntilCondition(
                j -> j != null && condition(j, condition) != null, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    static JobCondition condition(Job j, String type) {
        if (j.getStatus() == null || j.getStatus().getConditions() == null) {
            return null;
        }
        return j.getStatus().getConditions().stream().filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst().orElse(null);
    }

    static List<Pod> pods(String job) {
        return node.client.pods().inNamespace("default").withLabel("batch.kubernetes.io/job-name", job).list().getItems();
    }

    @Test
    void completionsWithParallelismNeverRunMoreThanParallelismAndKubectlWaitSeesComplete() throws Exception {
        node.apply(job("five", "completions: 5\nparallelism: 2", "sleep 1"));
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicInteger most = new AtomicInteger();
        CompletableFuture<Void> sampler = CompletableFuture.runAsync(() -> {
            while (sampling.get()) {
                long running = pods("five").stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null
                        && !"Succeeded".equals(p.getStatus().getPhase()) && !"Failed".equals(p.getStatus().getPhase())).count();
                most.accumulateAndGet((int) running, Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Kubectl.Result wait = node.kubectl("wait", "--for=condition=complete", "job/five", "--timeout=120s");
        sampling.set(false);
        sampler.join();
        assertThat(wait.exitCode()).as(wait.stderr()).isZero();
        assertThat(wait.stdout()).contains("job.batch/five condition met");
        Job done = get("five");
        assertThat(done.getStatus().getSucceeded()).isEqualTo(5);
        assertThat(done.getStatus().getActive()).isZero();
        assertThat(done.getStatus().getCompletionTime()).isNotNull();
        assertThat(done.getStatus().getStartTime()).isNotNull();
        assertThat(condition(done, "SuccessCriteriaMet")).isNotNull();
        assertThat(condition(done, "Complete").getReason()).isEqualTo("CompletionsReached");
        assertThat(done.getStatus().getUncountedTerminatedPods().getSucceeded()).isNullOrEmpty();
        assertThat(most.get()).isBetween(1, 2);
        // every pod is labelled, owned by the Job as its controller, and released from the tracking finalizer
        List<Pod> pods = pods("five");
        assertThat(pods).hasSizeGreaterThanOrEqualTo(5);
        for (Pod p : pods) {
            assertThat(p.getMetadata().getLabels()).containsEntry("batch.kubernetes.io/controller-uid", done.getMetadata().getUid());
            assertThat(p.getMetadata().getOwnerReferences()).singleElement().satisfies(r -> {
                assertThat(r.getController()).isTrue();
                assertThat(r.getUid()).isEqualTo(done.getMetadata().getUid());
            });
            assertThat(p.getMetadata().getFinalizers()).doesNotContain("batch.kubernetes.io/job-tracking");
        }
    }

    @Test
    void indexedJobRunsIndexesZeroToNMinusOne() throws Exception {
        node.apply(job("indexed", "completions: 3\nparallelism: 3\ncompletionMode: Indexed",
                "test \"$JOB_COMPLETION_INDEX\" -lt 3"));
        Job done = waitFor("indexed", "Complete", Duration.ofSeconds(90));
        assertThat(done.getStatus().getCompletedIndexes()).isEqualTo("0-2");
        assertThat(done.getStatus().getSucceeded()).isEqualTo(3);
        Set<String> indexes = pods("indexed").stream().filter(p -> "Succeeded".equals(p.getStatus().getPhase()))
                .map(p -> p.getMetadata().getAnnotations().get("batch.kubernetes.io/job-completion-index")).collect(Collectors.toSet());
        assertThat(indexes).containsExactlyInAnyOrder("0", "1", "2");
        Pod one = pods("indexed").get(0);
        assertThat(one.getMetadata().getLabels()).containsKey("batch.kubernetes.io/job-completion-index");
        assertThat(one.getSpec().getContainers().get(0).getEnv()).anyMatch(e -> e.getName().equals("JOB_COMPLETION_INDEX"));
    }

    @Test
    void failingJobStopsAtBackoffLimit() throws Exception {
        node.apply(job("failing", "backoffLimit: 1", "exit 1"));
        Job failed = waitFor("failing", "Failed", Duration.ofSeconds(90));
        assertThat(condition(failed, "Failed").getReason()).isEqualTo("BackoffLimitExceeded");
        assertThat(condition(failed, "FailureTarget").getReason()).isEqualTo("BackoffLimitExceeded");
        assertThat(failed.getStatus().getFailed()).isEqualTo(2);
        assertThat(failed.getStatus().getSucceeded()).isZero();
        assertThat(failed.getStatus().getActive()).isZero();
        assertThat(pods("failing")).hasSize(2);
    }

    @Test
    void activeDeadlineSecondsFailsTheJobAndStopsItsPods() throws Exception {
        node.apply(job("deadline", "activeDeadlineSeconds: 3", "trap \"exit 0\" TERM; sleep 600 & wait"));
        Job failed = waitFor("deadline", "Failed", Duration.ofSeconds(60));
        assertThat(condition(failed, "Failed").getReason()).isEqualTo("DeadlineExceeded");
        assertThat(failed.getStatus().getActive()).isZero();
        assertThat(pods("deadline")).allSatisfy(p -> assertThat(p.getMetadata().getDeletionTimestamp() != null
                || "Failed".equals(p.getStatus().getPhase()) || "Succeeded".equals(p.getStatus().getPhase())).isTrue());
    }

    @Test
    void suspendDeletesActivePodsAndResumeStartsAgain() throws Exception {
        node.apply(job("pausable", "parallelism: 2\ncompletions: 2", "trap \"exit 0\" TERM; sleep 600 & wait"));
        node.client.batch().v1().jobs().inNamespace("default").withName("pausable").waitUntilCondition(
                j -> j.getStatus() != null && Integer.valueOf(2).equals(j.getStatus().getActive()), 60, TimeUnit.SECONDS);
        node.kubectl("patch", "job/pausable", "-p", "{\"spec\":{\"suspend\":true}}");
        Job suspended = waitFor("pausable", "Suspended", Duration.ofSeconds(30));
        assertThat(condition(suspended, "Suspended").getReason()).isEqualTo("JobSuspended");
        node.client.batch().v1().jobs().inNamespace("default").withName("pausable").waitUntilCondition(
                j -> Integer.valueOf(0).equals(j.getStatus().getActive()), 30, TimeUnit.SECONDS);
        node.kubectl("patch", "job/pausable", "-p", "{\"spec\":{\"suspend\":false}}");
        Job resumed = node.client.batch().v1().jobs().inNamespace("default").withName("pausable").waitUntilCondition(
                j -> Integer.valueOf(2).equals(j.getStatus().getActive()), 60, TimeUnit.SECONDS);
        assertThat(resumed.getStatus().getConditions()).anyMatch(c -> c.getType().equals("Suspended") && c.getStatus().equals("False")
                && c.getReason().equals("JobResumed"));
        node.kubectl("delete", "job/pausable", "--wait=false");
    }

    @Test
    void ttlSecondsAfterFinishedDeletesTheJobAndItsPods() throws Exception {
        node.apply(job("shortlived", "ttlSecondsAfterFinished: 2", "true"));
        node.client.batch().v1().jobs().inNamespace("default").withName("shortlived").waitUntilCondition(
                j -> j == null, 60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!pods("shortlived").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(pods("shortlived")).isEmpty();
    }
}
