package io.coxswain.controllers.job;

import io.coxswain.client.Informers;
import io.coxswain.controllers.ControllerOptions;
import io.coxswain.client.Controller;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.UncountedTerminatedPods;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * kube-controller-manager's job controller (1.32 behaviour): runs a Job's pods to {@code completions} with at most
 * {@code parallelism} at a time, NonIndexed or Indexed; counts finished pods through the
 * {@code batch.kubernetes.io/job-tracking} finalizer and {@code status.uncountedTerminatedPods}; fails the Job on
 * {@code backoffLimit} or {@code activeDeadlineSeconds} (FailureTarget, then Failed once its pods are gone); marks
 * success with SuccessCriteriaMet, then Complete; suspends and resumes; and deletes a finished Job after
 * {@code ttlSecondsAfterFinished} (kube's ttl-after-finished controller, folded in here).
 */
public final class JobController {

    private static final Logger LOG = LoggerFactory.getLogger(JobController.class);

    public static final String TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";
    public static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
    public static final String COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX";
    static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
    static final String JOB_NAME = "batch.kubernetes.io/job-name";
    /** kube's DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff. */
    public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(10);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
    private static final Duration EXPECTATIONS_TIMEOUT = Duration.ofMinutes(5);
    private static final String REMOVE_TRACKING = "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"" + TRACKING_FINALIZER + "\"]}}";

    private final KubernetesClient client;
    private final Clock clock;
    private final Duration backoffBase;
    private final SharedIndexInformer<Job> jobs;
    private final SharedIndexInformer<Pod> pods;
    private final Controller controller;
    /** The Job as our last status write returned it: newer than the cache until the watch catches up. */
    private final Map<String, Job> written = new ConcurrentHashMap<>();
    private final Map<String, Expectations> expectations = new ConcurrentHashMap<>();
    private final Map<String, Backoff> backoffs = new ConcurrentHashMap<>();

    /** Pods we created or deleted whose event the cache has not shown yet; no new decisions until it has. */
    private record Expectations(Set<String> creates, Set<String> deletes, Instant since) {
    }

    /** Consecutive pod failures since the last success, and when the last one was counted. */
    private record Backoff(int failures, Instant last) {
    }

    public JobController(KubernetesClient client, SharedInformerFactory informers, int workers, Clock clock, Duration backoffBase) {
        this.client = client;
        this.clock = clock;
        this.backoffBase = backoffBase;
        this.jobs = Informers.shared(informers, Job.class);
        this.pods = Informers.shared(informers, Pod.class);
        this.controller = new Controller("job", workers, this::reconcile)
                .watch(jobs, j -> List.of(Controller.key(j)))
                .watch(pods, p -> jobKey(p).map(List::of).orElse(List.of()));
    }

    /** The controller as kube-controller-manager runs it (10 s pod-failure back-off). */
    public static Controller create(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        return new JobController(client, informers, options.workers(), Clock.systemUTC(), DEFAULT_BACKOFF).controller();
    }

    public Controller controller() {
        return controller;
    }

    private static Optional<OwnerReference> controllerOf(HasMetadata o) {
        List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
        return refs == null ? Optional.empty() : refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
    }

    private static Optional<String> jobKey(Pod pod) {
        return controllerOf(pod).filter(r -> "Job".equals(r.getKind()) && "batch/v1".equals(r.getApiVersion()))
                .map(r -> pod.getMetadata().getNamespace() + "/" + r.getName());
    }

    private static boolean tracked(Pod pod) {
        return pod != null && pod.getMetadata().getFinalizers() != null && pod.getMetadata().getFinalizers().contains(TRACKING_FINALIZER);
    }

    // ---- the sync ----

    Duration reconcile(String key) {
        int slash = key.indexOf('/');
        String ns = key.substring(0, slash);
        String name = key.substring(slash + 1);
        Job cached = jobs.getStore().getByKey(key);
        List<Pod> candidates = new ArrayList<>();
        for (Pod p : pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, ns)) {
            if (jobKey(p).filter(key::equals).isPresent()) {
                candidates.add(p);
            }
        }
        if (cached == null) {
            written.remove(key);
            expectations.remove(key);
            backoffs.remove(key);
            release(candidates);
            return null;
        }
        Job job = newest(cached, written.get(key));
        String uid = job.getMetadata().getUid();
        List<Pod> owned = new ArrayList<>();
        List<Pod> strays = new ArrayList<>();
        for (Pod p : candidates) {
            (uid.equals(controllerOf(p).map(OwnerReference::getUid).orElse(null)) ? owned : strays).add(p);
        }
        release(strays);
        if (job.getMetadata().getDeletionTimestamp() != null) {
            // the garbage collector deletes its pods; let them go
            release(owned);
            return null;
        }
        if (finishedCondition(job) != null) {
            release(owned);
            return expireAfterFinished(job);
        }
        return sync(key, job, owned);
    }

    private Job newest(Job cached, Job mine) {
        if (mine == null || !Objects.equals(mine.getMetadata().getUid(), cached.getMetadata().getUid())) {
            return cached;
        }
        try {
            long a = Long.parseLong(cached.getMetadata().getResourceVersion());
            long b = Long.parseLong(mine.getMetadata().getResourceVersion());
            return b > a ? mine : cached;
        } catch (NumberFormatException e) {
            return cached;
        }
    }

    private Duration sync(String key, Job job, List<Pod> owned) {
        Instant now = clock.instant();
        JobSpec spec = job.getSpec();
        JobStatus old = job.getStatus() == null ? new JobStatus() : job.getStatus();
        JobStatus st = client.getKubernetesSerialization().clone(old);
        boolean indexed = "Indexed".equals(spec.getCompletionMode());
        int parallelism = spec.getParallelism() == null ? 1 : spec.getParallelism();
        Integer completions = spec.getCompletions();
        int backoffLimit = spec.getBackoffLimit() == null ? 6 : spec.getBackoffLimit();
        boolean suspended = Boolean.TRUE.equals(spec.getSuspend());
        boolean onlyFailedPhase = "Failed".equals(spec.getPodReplacementPolicy());
        List<JobCondition> conditions = st.getConditions() == null ? new ArrayList<>() : new ArrayList<>(st.getConditions());

        // 1. pods whose finalizer is gone: their uncounted uid becomes a count
        Map<String, Pod> byUid = new HashMap<>();
        owned.forEach(p -> byUid.put(p.getMetadata().getUid(), p));
        UncountedTerminatedPods uncounted = st.getUncountedTerminatedPods() == null ? new UncountedTerminatedPods() : st.getUncountedTerminatedPods();
        Set<String> uS = new LinkedHashSet<>(Optional.ofNullable(uncounted.getSucceeded()).orElse(List.of()));
        Set<String> uF = new LinkedHashSet<>(Optional.ofNullable(uncounted.getFailed()).orElse(List.of()));
        int succeeded = Optional.ofNullable(st.getSucceeded()).orElse(0);
        int failed = Optional.ofNullable(st.getFailed()).orElse(0);
        for (String u : List.copyOf(uS)) {
            if (!tracked(byUid.get(u))) {
                uS.remove(u);
                succeeded++;
            }
        }
        for (String u : List.copyOf(uF)) {
            if (!tracked(byUid.get(u))) {
                uF.remove(u);
                failed++;
            }
        }

        // 2. classify the pods; finished tracked pods are recorded now and released after the status write
        SortedSet<Integer> done = JobMath.parseIndexes(st.getCompletedIndexes());
        List<Pod> active = new ArrayList<>();
        List<Pod> release = new ArrayList<>();
        int terminating = 0;
        int newFailures = 0;
        int newSuccesses = 0;
        for (Pod p : owned) {
            String pu = p.getMetadata().getUid();
            boolean deleting = p.getMetadata().getDeletionTimestamp() != null;
            if (deleting && !JobMath.terminal(p)) {
                terminating++;
            }
            if (JobMath.succeeded(p)) {
                if (indexed) {
                    int ix = JobMath.completionIndex(p);
                    if (ix >= 0 && completions != null && ix < completions && done.add(ix)) {
                        newSuccesses++;
                    }
                } else if (tracked(p) && !uS.contains(pu) && !uF.contains(pu)) {
                    uS.add(pu);
                    newSuccesses++;
                }
            } else if (JobMath.failed(p, onlyFailedPhase)) {
                if (tracked(p) && !uF.contains(pu) && !uS.contains(pu)) {
                    uF.add(pu);
                    newFailures++;
                }
            } else if (!deleting) {
                active.add(p);
                continue;
            } else {
                continue;
            }
            if (tracked(p)) {
                release.add(p);
            }
        }
        if (indexed) {
            succeeded = done.size();
        }
        int allSucceeded = indexed ? succeeded : succeeded + uS.size();
        int allFailed = failed + uF.size();
        recordBackoff(key, newFailures, newSuccesses, now);

        // 3. start time, suspension
        boolean changedSuspend = false;
        if (suspended) {
            if (!isTrue(conditions, "Suspended") && finishing(conditions) == null) {
                setCondition(conditions, "Suspended", "True", "JobSuspended", "Job suspended", now);
                changedSuspend = true;
            }
        } else {
            if (isTrue(conditions, "Suspended")) {
                setCondition(conditions, "Suspended", "False", "JobResumed", "Job resumed", now);
                // a resumed Job's activeDeadlineSeconds counts from now
                st.setStartTime(ts(now));
                changedSuspend = true;
            }
            if (st.getStartTime() == null) {
                st.setStartTime(ts(now));
            }
        }

        // 4. the verdict: FailureTarget or SuccessCriteriaMet, once
        Duration again = null;
        JobCondition target = finishing(conditions);
        if (target == null) {
            if (allFailed > backoffLimit || JobMath.pastBackoffLimitOnFailure(spec.getTemplate().getSpec().getRestartPolicy(), backoffLimit, active)) {
                target = setCondition(conditions, "FailureTarget", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now);
            } else if (!suspended && spec.getActiveDeadlineSeconds() != null && st.getStartTime() != null) {
                Instant deadline = Instant.parse(st.getStartTime()).plusSeconds(spec.getActiveDeadlineSeconds());
                if (!now.isBefore(deadline)) {
                    target = setCondition(conditions, "FailureTarget", "True", "DeadlineExceeded", "Job was active longer than specified deadline", now);
                } else {
                    again = Duration.between(now, deadline).plusMillis(100);
                }
            }
            if (target == null && JobMath.complete(completions, allSucceeded, active.size())) {
                target = setCondition(conditions, "SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods", now);
            }
        }

        // 5. pods: delete what must go, create what is missing
        if (target != null || suspended) {
            deletePods(key, active);
            active.clear();
        } else if (satisfied(key, owned)) {
            Duration wait = remainingBackoff(key, now);
            again = min(again, manage(key, job, indexed, parallelism, completions, allSucceeded, done, active, wait));
        }

        // 6. the terminal condition once every pod has gone and every finished pod is counted
        if (target != null && active.isEmpty() && terminating == 0 && uS.isEmpty() && uF.isEmpty() && release.isEmpty()) {
            boolean success = "SuccessCriteriaMet".equals(target.getType());
            setCondition(conditions, success ? "Complete" : "Failed", "True", target.getReason(), target.getMessage(), now);
            if (success) {
                st.setCompletionTime(ts(now));
            }
        } else if (target != null) {
            again = min(again, Duration.ofSeconds(1));
        }

        st.setConditions(conditions.isEmpty() ? null : conditions);
        st.setActive(active.size());
        st.setReady((int) active.stream().filter(JobController::ready).count());
        st.setTerminating(terminating);
        st.setSucceeded(succeeded);
        st.setFailed(failed);
        st.setCompletedIndexes(indexed ? JobMath.formatIndexes(done) : null);
        st.setUncountedTerminatedPods(new UncountedTerminatedPods(List.copyOf(uF), List.copyOf(uS)));
        if (!st.equals(old) || changedSuspend) {
            Job next = client.getKubernetesSerialization().clone(job);
            next.setStatus(st);
            Job saved = client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).resource(next).updateStatus();
            written.put(key, saved);
        }
        release(release);
        return again;
    }

    private static boolean ready(Pod p) {
        List<PodCondition> cs = p.getStatus() == null ? null : p.getStatus().getConditions();
        return cs != null && cs.stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** Creates or deletes pods toward the wanted number; returns when to look again for a pending back-off. */
    private Duration manage(String key, Job job, boolean indexed, int parallelism, Integer completions, int succeeded,
                            SortedSet<Integer> done, List<Pod> active, Duration backoffLeft) {
        int want = JobMath.wantActive(parallelism, completions, succeeded, active.size());
        List<Pod> excess = new ArrayList<>();
        Set<Integer> running = new HashSet<>();
        List<Pod> keep = new ArrayList<>();
        if (indexed) {
            // pods of an index that is done, out of range, or already run by another pod go
            for (Pod p : active.stream().sorted(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp())).toList()) {
                int ix = JobMath.completionIndex(p);
                if (ix < 0 || completions == null || ix >= completions || done.contains(ix) || !running.add(ix)) {
                    excess.add(p);
                } else {
                    keep.add(p);
                }
            }
        } else {
            keep.addAll(active);
        }
        if (keep.size() > want) {
            // kube removes the least far along first: unscheduled, pending, not ready, newest
            keep.sort(Comparator.comparing((Pod p) -> p.getSpec().getNodeName() != null)
                    .thenComparing(p -> "Running".equals(p.getStatus() == null ? null : p.getStatus().getPhase()))
                    .thenComparing(JobController::ready)
                    .thenComparing(p -> p.getMetadata().getCreationTimestamp(), Comparator.reverseOrder()));
            List<Pod> extra = new ArrayList<>(keep.subList(0, keep.size() - want));
            keep.removeAll(extra);
            excess.addAll(extra);
            extra.forEach(p -> running.remove(JobMath.completionIndex(p)));
        }
        deletePods(key, excess);
        active.removeAll(excess);
        int missing = want - keep.size();
        if (missing <= 0) {
            return null;
        }
        if (!backoffLeft.isZero()) {
            return backoffLeft;
        }
        List<Integer> indexes = indexed ? JobMath.missingIndexes(completions, done, running, missing) : null;
        for (int i = 0; i < missing && (indexes == null || i < indexes.size()); i++) {
            Pod created = createPod(job, indexes == null ? -1 : indexes.get(i));
            expect(key).creates().add(created.getMetadata().getUid());
            active.add(created);
        }
        return null;
    }

    private Pod createPod(Job job, int index) {
        String jobName = job.getMetadata().getName();
        Map<String, String> labels = new HashMap<>();
        Map<String, String> annotations = new HashMap<>();
        var templateMeta = job.getSpec().getTemplate().getMetadata();
        if (templateMeta != null && templateMeta.getLabels() != null) {
            labels.putAll(templateMeta.getLabels());
        }
        if (templateMeta != null && templateMeta.getAnnotations() != null) {
            annotations.putAll(templateMeta.getAnnotations());
        }
        labels.putIfAbsent(CONTROLLER_UID, job.getMetadata().getUid());
        labels.putIfAbsent(JOB_NAME, jobName);
        PodSpec spec = client.getKubernetesSerialization().clone(job.getSpec().getTemplate().getSpec());
        String generateName = jobName + "-";
        if (index >= 0) {
            labels.put(COMPLETION_INDEX, Integer.toString(index));
            annotations.put(COMPLETION_INDEX, Integer.toString(index));
            generateName = jobName + "-" + index + "-";
            if (spec.getHostname() == null) {
                spec.setHostname(jobName + "-" + index);
            }
            EnvVar env = new EnvVarBuilder().withName(COMPLETION_INDEX_ENV).withNewValueFrom().withNewFieldRef()
                    .withFieldPath("metadata.annotations['" + COMPLETION_INDEX + "']").endFieldRef().endValueFrom().build();
            Stream.of(spec.getInitContainers(), spec.getContainers()).filter(Objects::nonNull).flatMap(List::stream).forEach(c -> {
                List<EnvVar> envs = c.getEnv() == null ? new ArrayList<>() : new ArrayList<>(c.getEnv());
                if (envs.stream().noneMatch(e -> COMPLETION_INDEX_ENV.equals(e.getName()))) {
                    envs.add(env);
                }
                c.setEnv(envs);
            });
        }
        OwnerReference owner = new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job").withName(jobName)
                .withUid(job.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).build();
        Pod pod = new Pod();
        pod.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withGenerateName(generateName)
                .withNamespace(job.getMetadata().getNamespace()).withLabels(labels)
                .withAnnotations(annotations.isEmpty() ? null : annotations)
                .withFinalizers(TRACKING_FINALIZER).withOwnerReferences(owner).build());
        pod.setSpec(spec);
        return client.pods().inNamespace(job.getMetadata().getNamespace()).resource(pod).create();
    }

    private void deletePods(String key, List<Pod> victims) {
        for (Pod p : victims) {
            if (p.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            try {
                client.pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName()).delete();
                expect(key).deletes().add(p.getMetadata().getUid());
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        }
    }

    /** Removes the tracking finalizer: the pod has been counted (or its Job is gone) and may go. */
    private void release(List<Pod> finished) {
        for (Pod p : finished) {
            if (!tracked(p)) {
                continue;
            }
            try {
                client.pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName())
                        .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), REMOVE_TRACKING);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        }
    }

    // ---- expectations and back-off ----

    private Expectations expect(String key) {
        return expectations.computeIfAbsent(key, k -> new Expectations(ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet(), clock.instant()));
    }

    /** Whether the cache shows every pod we created and every deletion we asked for. */
    private boolean satisfied(String key, List<Pod> owned) {
        Expectations e = expectations.get(key);
        if (e == null) {
            return true;
        }
        Map<String, Pod> byUid = new HashMap<>();
        owned.forEach(p -> byUid.put(p.getMetadata().getUid(), p));
        e.creates().removeIf(byUid::containsKey);
        e.deletes().removeIf(u -> !byUid.containsKey(u) || byUid.get(u).getMetadata().getDeletionTimestamp() != null);
        if ((e.creates().isEmpty() && e.deletes().isEmpty())
                || Duration.between(e.since(), clock.instant()).compareTo(EXPECTATIONS_TIMEOUT) > 0) {
            expectations.remove(key);
            return true;
        }
        return false;
    }

    private void recordBackoff(String key, int newFailures, int newSuccesses, Instant now) {
        if (newFailures > 0) {
            backoffs.merge(key, new Backoff(newFailures, now), (a, b) -> new Backoff(a.failures() + b.failures(), now));
        } else if (newSuccesses > 0) {
            backoffs.remove(key);
        }
    }

    private Duration remainingBackoff(String key, Instant now) {
        Backoff b = backoffs.get(key);
        if (b == null) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(now, b.last().plus(JobMath.backoff(b.failures(), backoffBase, MAX_BACKOFF)));
        return left.isNegative() ? Duration.ZERO : left;
    }

    // ---- conditions ----

    private static JobCondition finishedCondition(Job job) {
        List<JobCondition> cs = job.getStatus() == null ? null : job.getStatus().getConditions();
        if (cs == null) {
            return null;
        }
        return cs.stream().filter(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus()))
                .findFirst().orElse(null);
    }

    private static JobCondition finishing(List<JobCondition> cs) {
        return cs.stream().filter(c -> ("FailureTarget".equals(c.getType()) || "SuccessCriteriaMet".equals(c.getType())) && "True".equals(c.getStatus()))
                .findFirst().orElse(null);
    }

    private static boolean isTrue(List<JobCondition> cs, String type) {
        return cs.stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static JobCondition setCondition(List<JobCondition> cs, String type, String status, String reason, String message, Instant now) {
        JobCondition c = new JobConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastProbeTime(ts(now)).withLastTransitionTime(ts(now)).build();
        cs.removeIf(x -> type.equals(x.getType()));
        cs.add(c);
        return c;
    }

    private static String ts(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static Duration min(Duration a, Duration b) {
        if (a == null) {
            return b;
        }
        return b == null || a.compareTo(b) <= 0 ? a : b;
    }

    // ---- ttl-after-finished ----

    /** Deletes a finished Job (and, in the background, its pods) once its ttlSecondsAfterFinished has passed. */
    private Duration expireAfterFinished(Job job) {
        Integer ttl = job.getSpec().getTtlSecondsAfterFinished();
        if (ttl == null) {
            return null;
        }
        JobCondition finished = finishedCondition(job);
        String at = "Complete".equals(finished.getType()) && job.getStatus().getCompletionTime() != null
                ? job.getStatus().getCompletionTime() : finished.getLastTransitionTime();
        Instant expires = (at == null ? clock.instant() : Instant.parse(at)).plusSeconds(ttl);
        Instant now = clock.instant();
        if (now.isBefore(expires)) {
            return Duration.between(now, expires).plusMillis(100);
        }
        LOG.info("deleting job {}/{}: ttlSecondsAfterFinished {} s passed", job.getMetadata().getNamespace(), job.getMetadata().getName(), ttl);
        client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).withName(job.getMetadata().getName())
                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        return null;
    }
}
