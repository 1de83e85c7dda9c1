package io.coxswain.controllers.cronjob;

import io.coxswain.client.Informers;
import io.coxswain.controllers.ControllerOptions;
import io.coxswain.controllers.job.JobController;
import io.coxswain.client.Controller;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * kube-controller-manager's CronJob controller (cronjob_controllerv2): at each scheduled time it creates the Job
 * {@code <cronjob>-<scheduled minutes since the epoch>} from the template, honouring timeZone, suspend,
 * startingDeadlineSeconds and concurrencyPolicy; after a gap it runs only the most recent missed schedule; it keeps
 * {@code status.active}, lastScheduleTime and lastSuccessfulTime, and deletes finished Jobs beyond the history limits.
 */
public final class CronJobController {

    private static final Logger LOG = LoggerFactory.getLogger(CronJobController.class);

    public static final String SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";

    private final KubernetesClient client;
    private final Clock clock;
    private final SharedIndexInformer<CronJob> cronJobs;
    private final SharedIndexInformer<Job> jobs;
    private final Controller controller;

    public CronJobController(KubernetesClient client, SharedInformerFactory informers, int workers, Clock clock) {
        this.client = client;
        this.clock = clock;
        this.cronJobs = Informers.shared(informers, CronJob.class);
        this.jobs = Informers.shared(informers, Job.class);
        this.controller = new Controller("cronjob", workers, this::reconcile)
                .watch(cronJobs, c -> List.of(Controller.key(c)))
                .watch(jobs, j -> owner(j).map(r -> List.of(j.getMetadata().getNamespace() + "/" + r.getName())).orElse(List.of()));
    }

    public static Controller create(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        return new CronJobController(client, informers, options.workers(), Clock.systemUTC()).controller();
    }

    public Controller controller() {
        return controller;
    }

    private static Optional<OwnerReference> owner(HasMetadata o) {
        List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
        return refs == null ? Optional.empty() : refs.stream()
                .filter(r -> Boolean.TRUE.equals(r.getController()) && "CronJob".equals(r.getKind())).findFirst();
    }

    /** The Job name kube gives the run scheduled at {@code t}. */
    public static String jobName(String cronJob, Instant scheduled) {
        return cronJob + "-" + scheduled.getEpochSecond() / 60;
    }

    private static JobCondition finished(Job j) {
        if (j.getStatus() == null || j.getStatus().getConditions() == null) {
            return null;
        }
        return j.getStatus().getConditions().stream()
                .filter(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus()))
                .findFirst().orElse(null);
    }

    Duration reconcile(String key) {
        CronJob cj = cronJobs.getStore().getByKey(key);
        if (cj == null) {
            return null;
        }
        String ns = cj.getMetadata().getNamespace();
        String uid = cj.getMetadata().getUid();
        List<Job> children = new ArrayList<>();
        for (Job j : jobs.getIndexer().byIndex(Cache.NAMESPACE_INDEX, ns)) {
            if (owner(j).filter(r -> uid.equals(r.getUid())).isPresent()) {
                children.add(j);
            }
        }
        Instant now = clock.instant();
        CronJobStatus old = cj.getStatus() == null ? new CronJobStatus() : cj.getStatus();
        CronJobStatus st = client.getKubernetesSerialization().clone(old);
        List<ObjectReference> active = st.getActive() == null ? new ArrayList<>() : new ArrayList<>(st.getActive());

        // 1. the active list follows the children: finished ones leave it, running ones are in it
        Map<String, Job> byUid = new HashMap<>();
        children.forEach(j -> byUid.put(j.getMetadata().getUid(), j));
        for (Job j : children) {
            JobCondition done = finished(j);
            boolean listed = active.stream().anyMatch(r -> j.getMetadata().getUid().equals(r.getUid()));
            if (done != null) {
                active.removeIf(r -> j.getMetadata().getUid().equals(r.getUid()));
                if ("Complete".equals(done.getType()) && j.getStatus().getCompletionTime() != null
                        && (st.getLastSuccessfulTime() == null
                        || Instant.parse(j.getStatus().getCompletionTime()).isAfter(Instant.parse(st.getLastSuccessfulTime())))) {
                    st.setLastSuccessfulTime(j.getStatus().getCompletionTime());
                }
            } else if (!listed) {
                active.add(reference(j));
            }
        }
        // a listed Job that the cache does not hold: ask the server before forgetting it
        active.removeIf(r -> !byUid.containsKey(r.getUid()) && gone(ns, r));

        Duration again = null;
        if (cj.getMetadata().getDeletionTimestamp() == null && !Boolean.TRUE.equals(cj.getSpec().getSuspend())) {
            again = schedule(cj, st, active, children, now);
        }
        st.setActive(active.isEmpty() ? null : active);
        if (!st.equals(old)) {
            CronJob next = client.getKubernetesSerialization().clone(cj);
            next.setStatus(st);
            client.batch().v1().cronjobs().inNamespace(ns).resource(next).updateStatus();
        }
        cleanUpHistory(cj, children);
        return again;
    }

    private boolean gone(String ns, ObjectReference r) {
        Job live = client.batch().v1().jobs().inNamespace(ns).withName(r.getName()).get();
        return live == null || !Objects.equals(live.getMetadata().getUid(), r.getUid()) || finished(live) != null;
    }

    private static ObjectReference reference(Job j) {
        return new ObjectReferenceBuilder().withApiVersion("batch/v1").withKind("Job").withNamespace(j.getMetadata().getNamespace())
                .withName(j.getMetadata().getName()).withUid(j.getMetadata().getUid())
                .withResourceVersion(j.getMetadata().getResourceVersion()).build();
    }

    /** Starts the run that is due, if any; returns the wait until the next one. */
    private Duration schedule(CronJob cj, CronJobStatus st, List<ObjectReference> active, List<Job> children, Instant now) {
        String key = Controller.key(cj);
        CronSchedule schedule;
        try {
            ZoneId zone = cj.getSpec().getTimeZone() == null ? clock.getZone() : ZoneId.of(cj.getSpec().getTimeZone());
            schedule = CronSchedule.parse(cj.getSpec().getSchedule(), zone);
        } catch (IllegalArgumentException | DateTimeException e) {
            LOG.warn("cronjob {}: unparseable schedule {} or time zone {}: {}", key, cj.getSpec().getSchedule(), cj.getSpec().getTimeZone(), e.getMessage());
            return null;
        }
        Instant earliest = st.getLastScheduleTime() != null ? Instant.parse(st.getLastScheduleTime())
                : Instant.parse(cj.getMetadata().getCreationTimestamp());
        Long deadline = cj.getSpec().getStartingDeadlineSeconds();
        if (deadline != null && now.minusSeconds(deadline).isAfter(earliest)) {
            earliest = now.minusSeconds(deadline);
        }
        Duration untilNext = schedule.next(now).map(t -> Duration.between(now, t).plusMillis(100)).orElse(null);
        CronSchedule.Missed due = schedule.mostRecent(earliest, now);
        if (due == null) {
            return untilNext;
        }
        if (due.tooMany()) {
            LOG.warn("cronjob {}: too many missed start times ({}); set or decrease .spec.startingDeadlineSeconds or check clock skew",
                    key, due.count());
        }
        Instant scheduled = due.latest();
        if (deadline != null && scheduled.plusSeconds(deadline).isBefore(now)) {
            LOG.info("cronjob {}: missed the starting deadline for {}", key, scheduled);
            return untilNext;
        }
        String name = jobName(cj.getMetadata().getName(), scheduled);
        if (active.stream().anyMatch(r -> name.equals(r.getName())) || children.stream().anyMatch(j -> name.equals(j.getMetadata().getName()))) {
            // this run was started, perhaps by a sync whose status write lost a race: record it
            if (st.getLastScheduleTime() == null || Instant.parse(st.getLastScheduleTime()).isBefore(scheduled)) {
                st.setLastScheduleTime(scheduled.truncatedTo(ChronoUnit.SECONDS).toString());
            }
            return untilNext;
        }
        String policy = Optional.ofNullable(cj.getSpec().getConcurrencyPolicy()).orElse("Allow");
        if ("Forbid".equals(policy) && !active.isEmpty()) {
            // kube leaves lastScheduleTime alone, so the run starts late if the active one ends in time
            return untilNext;
        }
        if ("Replace".equals(policy)) {
            for (ObjectReference r : List.copyOf(active)) {
                deleteJob(cj.getMetadata().getNamespace(), r.getName());
                active.remove(r);
            }
        }
        Job created;
        try {
            created = client.batch().v1().jobs().inNamespace(cj.getMetadata().getNamespace()).resource(jobFor(cj, scheduled, schedule.zone())).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // a Job of this run exists already: kube records the run as done
            created = null;
        }
        if (created != null) {
            LOG.info("cronjob {}: created job {} for {}", key, name, scheduled);
            active.add(reference(created));
        }
        st.setLastScheduleTime(scheduled.truncatedTo(ChronoUnit.SECONDS).toString());
        return untilNext;
    }

    private Job jobFor(CronJob cj, Instant scheduled, ZoneId zone) {
        var template = cj.getSpec().getJobTemplate();
        Map<String, String> labels = new HashMap<>();
        Map<String, String> annotations = new HashMap<>();
        if (template.getMetadata() != null) {
            Optional.ofNullable(template.getMetadata().getLabels()).ifPresent(labels::putAll);
            Optional.ofNullable(template.getMetadata().getAnnotations()).ifPresent(annotations::putAll);
        }
        annotations.put(SCHEDULED_TIMESTAMP, DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(ZonedDateTime.ofInstant(scheduled, zone)));
        OwnerReference owner = new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("CronJob").withName(cj.getMetadata().getName())
                .withUid(cj.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).build();
        Job job = new Job();
        job.setMetadata(new ObjectMetaBuilder().withName(jobName(cj.getMetadata().getName(), scheduled)).withNamespace(cj.getMetadata().getNamespace())
                .withLabels(labels.isEmpty() ? null : labels).withAnnotations(annotations).withOwnerReferences(owner).build());
        job.setSpec(client.getKubernetesSerialization().clone(template.getSpec()));
        return job;
    }

    private void deleteJob(String ns, String name) {
        client.batch().v1().jobs().inNamespace(ns).withName(name).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    }

    /** Deletes the oldest finished Jobs beyond successfulJobsHistoryLimit and failedJobsHistoryLimit. */
    private void cleanUpHistory(CronJob cj, List<Job> children) {
        List<Job> succeeded = new ArrayList<>();
        List<Job> failed = new ArrayList<>();
        for (Job j : children) {
            JobCondition done = finished(j);
            if (done != null && j.getMetadata().getDeletionTimestamp() == null) {
                ("Complete".equals(done.getType()) ? succeeded : failed).add(j);
            }
        }
        prune(cj.getMetadata().getNamespace(), succeeded, cj.getSpec().getSuccessfulJobsHistoryLimit());
        prune(cj.getMetadata().getNamespace(), failed, cj.getSpec().getFailedJobsHistoryLimit());
    }

    private void prune(String ns, List<Job> finished, Integer limit) {
        if (limit == null || finished.size() <= limit) {
            return;
        }
        // oldest first, by start time, then name (kube's byJobStartTime)
        finished.sort(Comparator.comparing((Job j) -> j.getStatus() == null || j.getStatus().getStartTime() == null
                        ? j.getMetadata().getCreationTimestamp() : j.getStatus().getStartTime())
                .thenComparing(j -> j.getMetadata().getName()));
        for (Job j : finished.subList(0, finished.size() - limit)) {
            deleteJob(ns, j.getMetadata().getName());
        }
    }
}
