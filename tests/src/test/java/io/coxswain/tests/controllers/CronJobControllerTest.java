package io.coxswain.tests.controllers;

import io.coxswain.controllers.ControllerOptions;
import io.coxswain.controllers.cronjob.CronJobController;
import io.coxswain.controllers.gc.GarbageCollector;
import io.coxswain.controllers.job.JobController;
import io.coxswain.client.Controller;
import io.coxswain.tests.cluster.DockerNode;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The CronJob controller with a clock the test moves, plus the Job controller and the garbage collector, on a Docker node. */
class CronJobControllerTest {

    /** A clock the test sets. */
    static final class TestClock extends Clock {
        // a day ahead of the real time, so every CronJob's real creationTimestamp lies in this clock's past
        volatile Instant now = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MINUTES).plusSeconds(1);

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @TempDir
    static Path dir;
    static DockerNode node;
    static SharedInformerFactory informers;
    static List<Controller> controllers;
    static Controller cron;
    static final TestClock clock = new TestClock();

    @BeforeAll
    static void start() throws Exception {
        node = DockerNode.start(dir);
        informers = node.client.informers();
        cron = new CronJobController(node.client, informers, 2, clock).controller();
        controllers = List.of(cron, new JobController(node.client, informers, 2, Clock.systemUTC(), Duration.ofSeconds(1)).controller(),
                GarbageCollector.create(node.client, informers, ControllerOptions.defaults()));
        informers.startAllRegisteredInformers().get();
        controllers.forEach(Controller::start);
    }

    @AfterAll
    static void stop() throws Exception {
        if (controllers != null) {
            controllers.forEach(Controller::close);
            informers.stopAllRegisteredInformers();
        }
        if (node != null) {
            node.close();
        }
    }

    static String cronJob(String name, String extra, String command) {
        return """
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: %s}
                spec:
                  schedule: "* * * * *"
                %s
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          nodeName: NODE
                          restartPolicy: Never
                          terminationGracePeriodSeconds: 2
                          containers:
                          - {name: main, image: coxswain/busybox:1, command: [sh, -c, '%s']}
                """.formatted(name, extra.indent(2).stripTrailing(), command);
    }

    /** Moves the clock into the next minute and has the controller look. */
    static Instant tick(String name) {
        clock.now = clock.now.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1)).plusSeconds(1);
        cron.enqueue("default/" + name);
        return clock.now.truncatedTo(ChronoUnit.MINUTES);
    }

    static Instant minute() {
        return clock.now.truncatedTo(ChronoUnit.MINUTES);
    }

    static String nameAt(String cronJob, Instant minute) {
        return cronJob + "-" + minute.getEpochSecond() / 60;
    }

    static void awaitIdle(String name) {
        node.client.batch().v1().cronjobs().inNamespace("default").withName(name).waitUntilCondition(c -> c.getStatus() != null
                && (c.getStatus().getActive() == null || c.getStatus().getActive().isEmpty())
                && minute().toString().equals(c.getStatus().getLastScheduleTime()), 60, TimeUnit.SECONDS);
    }

    static List<Job> jobsOf(CronJob cj) {
        return node.client.batch().v1().jobs().inNamespace("default").list().getItems().stream()
                .filter(j -> j.getMetadata().getOwnerReferences() != null && j.getMetadata().getOwnerReferences().stream()
                        .anyMatch(r -> r.getUid().equals(cj.getMetadata().getUid()))).toList();
    }

    static CronJob get(String name) {
        return node.client.batch().v1().cronjobs().inNamespace("default").withName(name).get();
    }

    static List<Job> awaitJobs(String name, int n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<Job> jobs = jobsOf(get(name));
        while (jobs.size() != n && System.nanoTime() < deadline) {
            sleep(200);
            jobs = jobsOf(get(name));
        }
        return jobs;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void createsAJobEachMinuteNamedByTheScheduledMinute() throws Exception {
        // created "a day ago" by this clock: kube starts only the most recent missed run, at once
        node.apply(cronJob("tick", "", "true"));
        Instant first = minute();
        List<Job> jobs = awaitJobs("tick", 1);
        assertThat(jobs).singleElement().satisfies(j -> {
            assertThat(j.getMetadata().getName()).isEqualTo(nameAt("tick", first));
            assertThat(j.getMetadata().getAnnotations()).containsEntry(CronJobController.SCHEDULED_TIMESTAMP, first.toString());
            assertThat(j.getMetadata().getOwnerReferences().get(0).getController()).isTrue();
        });
        awaitIdle("tick");
        Instant second = tick("tick");
        assertThat(awaitJobs("tick", 2)).extracting(j -> j.getMetadata().getName())
                .containsExactlyInAnyOrder(nameAt("tick", first), nameAt("tick", second));
        awaitIdle("tick");
        assertThat(get("tick").getStatus().getLastSuccessfulTime()).isNotNull();
        node.kubectl("delete", "cronjob/tick");
    }

    @Test
    void forbidSkipsWhileARunIsActiveAndReplaceReplacesIt() throws Exception {
        node.apply(cronJob("longrun", "concurrencyPolicy: Forbid", "trap \"exit 0\" TERM; sleep 600 & wait"));
        assertThat(awaitJobs("longrun", 1)).hasSize(1);
        node.client.batch().v1().cronjobs().inNamespace("default").withName("longrun").waitUntilCondition(
                c -> c.getStatus() != null && c.getStatus().getActive() != null && c.getStatus().getActive().size() == 1, 30, TimeUnit.SECONDS);
        tick("longrun");
        sleep(2000);
        assertThat(jobsOf(get("longrun"))).hasSize(1);
        node.kubectl("patch", "cronjob/longrun", "-p", "{\"spec\":{\"concurrencyPolicy\":\"Replace\"}}");
        Instant third = tick("longrun");
        CronJob replaced = node.client.batch().v1().cronjobs().inNamespace("default").withName("longrun").waitUntilCondition(c -> {
            List<Job> js = jobsOf(c);
            // the new Job can be listed before the status that names it as active is written: wait for both
            return js.size() == 1 && js.get(0).getMetadata().getName().equals(nameAt("longrun", third))
                    && c.getStatus().getActive() != null && c.getStatus().getActive().size() == 1
                    && c.getStatus().getActive().get(0).getName().equals(nameAt("longrun", third));
        }, 30, TimeUnit.SECONDS);
        assertThat(replaced.getStatus().getActive()).singleElement()
                .satisfies(r -> assertThat(r.getName()).isEqualTo(nameAt("longrun", third)));
        node.kubectl("delete", "cronjob/longrun", "--wait=false");
    }

    @Test
    void historyLimitsKeepOnlyTheNewestFinishedJobs() throws Exception {
        node.apply(cronJob("history", "successfulJobsHistoryLimit: 1\nfailedJobsHistoryLimit: 1", "true"));
        awaitJobs("history", 1);
        awaitIdle("history");
        for (int i = 0; i < 2; i++) {
            tick("history");
            awaitIdle("history");
        }
        cron.enqueue("default/history");
        List<Job> left = awaitJobs("history", 1);
        assertThat(left).singleElement().satisfies(j -> assertThat(j.getMetadata().getName()).isEqualTo(nameAt("history", minute())));
        node.kubectl("delete", "cronjob/history");
    }

    @Test
    void noCatchUpAfterALongSuspend() throws Exception {
        node.apply(cronJob("sleepy", "suspend: true", "true"));
        clock.now = clock.now.plus(Duration.ofHours(5));
        cron.enqueue("default/sleepy");
        sleep(1000);
        assertThat(jobsOf(get("sleepy"))).isEmpty();
        node.kubectl("patch", "cronjob/sleepy", "-p", "{\"spec\":{\"suspend\":false}}");
        awaitJobs("sleepy", 1);
        sleep(1500);
        // hundreds of runs were missed: only the most recent one starts
        assertThat(jobsOf(get("sleepy"))).singleElement()
                .satisfies(j -> assertThat(j.getMetadata().getName()).isEqualTo(nameAt("sleepy", minute())));
        node.kubectl("delete", "cronjob/sleepy");
    }
}
