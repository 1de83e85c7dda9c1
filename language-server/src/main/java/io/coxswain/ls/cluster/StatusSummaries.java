package io.coxswain.ls.cluster;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The status of an object followed down its chain (Deployment to ReplicaSets to Pods, Job to Pods, Service to
 * Endpoints), from the informers' caches only. The texts are those of CLUSTER-LINK.md.
 */
public final class StatusSummaries {

    /** The kinds whose status the link follows. */
    public static final Set<String> TRACKED = Set.of("Pod", "Deployment", "ReplicaSet", "Job", "CronJob", "Service");

    private static final Set<String> PULL_OR_CONFIG_ERRORS = Set.of("ImagePullBackOff", "ErrImagePull", "InvalidImageName",
            "ErrImageNeverPull", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

    private StatusSummaries() {
    }

    /** The object's status, or null when the cluster does not have it (or its kind has no status here). */
    public static ObjectStatus of(ManifestObject object, ClusterCache cache) {
        String ns = object.namespace();
        String name = object.name();
        return switch (object.kind()) {
            case "Pod" -> pod(cache.get(Pod.class, ns, name), cache);
            case "Deployment" -> deployment(cache.get(Deployment.class, ns, name), cache);
            case "ReplicaSet" -> replicaSet(cache.get(ReplicaSet.class, ns, name), cache);
            case "Job" -> job(cache.get(Job.class, ns, name), cache);
            case "CronJob" -> cronJob(cache.get(CronJob.class, ns, name), cache);
            case "Service" -> service(cache.get(Service.class, ns, name), cache);
            default -> null;
        };
    }

    static ObjectStatus pod(Pod pod, ClusterCache cache) {
        if (pod == null) {
            return null;
        }
        ObjectStatus.PodStatus status = podStatus(pod);
        return status(status.text(), status.severity(), List.of(status), pod, List.of(pod), List.of(pod), cache);
    }

    static ObjectStatus deployment(Deployment d, ClusterCache cache) {
        if (d == null) {
            return null;
        }
        String ns = d.getMetadata().getNamespace();
        List<HasMetadata> replicaSets = cache.list(ReplicaSet.class, ns).stream()
                .filter(rs -> ownedBy(rs, d)).map(rs -> (HasMetadata) rs).toList();
        List<Pod> pods = cache.list(Pod.class, ns).stream()
                .filter(p -> replicaSets.stream().anyMatch(rs -> ownedBy(p, rs))).toList();
        int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        var s = d.getStatus();
        int ready = s == null || s.getReadyReplicas() == null ? 0 : s.getReadyReplicas();
        int updated = s == null || s.getUpdatedReplicas() == null ? 0 : s.getUpdatedReplicas();
        int total = s == null || s.getReplicas() == null ? 0 : s.getReplicas();
        boolean observed = s != null && s.getObservedGeneration() != null && d.getMetadata().getGeneration() != null
                && s.getObservedGeneration() >= d.getMetadata().getGeneration();
        boolean done = observed && ready == desired && updated == desired && total == desired;
        List<HasMetadata> involved = new ArrayList<>(replicaSets);
        involved.add(0, d);
        involved.addAll(pods);
        return workload(d, desired, ready, done, pods, involved, cache);
    }

    static ObjectStatus replicaSet(ReplicaSet rs, ClusterCache cache) {
        if (rs == null) {
            return null;
        }
        List<Pod> pods = cache.list(Pod.class, rs.getMetadata().getNamespace()).stream().filter(p -> ownedBy(p, rs)).toList();
        int desired = rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
        int ready = rs.getStatus() == null || rs.getStatus().getReadyReplicas() == null ? 0 : rs.getStatus().getReadyReplicas();
        int total = rs.getStatus() == null || rs.getStatus().getReplicas() == null ? 0 : rs.getStatus().getReplicas();
        List<HasMetadata> involved = new ArrayList<>(pods);
        involved.add(0, rs);
        return workload(rs, desired, ready, ready == desired && total == desired, pods, involved, cache);
    }

    /** A Deployment's or ReplicaSet's text: its worst pod's problem first, then readiness. */
    private static ObjectStatus workload(HasMetadata owner, int desired, int ready, boolean done, List<Pod> pods,
                                         List<HasMetadata> involved, ClusterCache cache) {
        List<ObjectStatus.PodStatus> podStatuses = pods.stream().map(StatusSummaries::podStatus).toList();
        ObjectStatus.PodStatus worst = worstProblem(podStatuses);
        String text;
        String severity;
        if (worst != null && !done) {
            text = worst.text();
            severity = worst.severity();
        } else if (desired == 0) {
            text = "● Scaled to 0";
            severity = ObjectStatus.INFO;
        } else if (done) {
            text = "● Running " + ready + "/" + desired + " ready";
            severity = ObjectStatus.INFO;
        } else {
            text = "⏳ Progressing " + ready + "/" + desired + " ready";
            severity = ObjectStatus.WARNING;
        }
        return status(text, severity, podStatuses, owner, pods, involved, cache);
    }

    static ObjectStatus job(Job job, ClusterCache cache) {
        if (job == null) {
            return null;
        }
        List<Pod> pods = cache.list(Pod.class, job.getMetadata().getNamespace()).stream().filter(p -> ownedBy(p, job)).toList();
        List<ObjectStatus.PodStatus> podStatuses = pods.stream().map(StatusSummaries::podStatus).toList();
        Integer completionsSpec = job.getSpec().getCompletions();
        int completions = completionsSpec == null ? 1 : completionsSpec;
        int succeeded = job.getStatus() == null || job.getStatus().getSucceeded() == null ? 0 : job.getStatus().getSucceeded();
        List<JobCondition> conditions = job.getStatus() == null || job.getStatus().getConditions() == null
                ? List.of() : job.getStatus().getConditions();
        JobCondition failed = conditions.stream().filter(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus()))
                .findFirst().orElse(null);
        boolean complete = conditions.stream().anyMatch(c -> "Complete".equals(c.getType()) && "True".equals(c.getStatus()));
        ObjectStatus.PodStatus worst = worstProblem(podStatuses);
        String text;
        String severity;
        if (failed != null) {
            text = "✖ Failed: " + Objects.requireNonNullElse(failed.getReason(), "JobFailed");
            severity = ObjectStatus.ERROR;
        } else if (complete) {
            text = "✔ Complete " + succeeded + "/" + completions;
            severity = ObjectStatus.INFO;
        } else if (worst != null) {
            text = worst.text();
            severity = worst.severity();
        } else {
            text = "⏳ Running " + succeeded + "/" + completions + " complete";
            severity = ObjectStatus.INFO;
        }
        List<HasMetadata> involved = new ArrayList<>(pods);
        involved.add(0, job);
        return status(text, severity, podStatuses, job, pods, involved, cache);
    }

    static ObjectStatus cronJob(CronJob cronJob, ClusterCache cache) {
        if (cronJob == null) {
            return null;
        }
        var s = cronJob.getStatus();
        String text;
        if (Boolean.TRUE.equals(cronJob.getSpec().getSuspend())) {
            text = "⏸ Suspended";
        } else {
            int active = s == null || s.getActive() == null ? 0 : s.getActive().size();
            String last = s == null ? null : s.getLastScheduleTime();
            text = "● Scheduled: " + active + " active, " + (last == null ? "not run yet" : "last at " + last);
        }
        List<HasMetadata> involved = List.of(cronJob);
        return status(text, ObjectStatus.INFO, List.of(), cronJob, List.of(), involved, cache);
    }

    static ObjectStatus service(Service service, ClusterCache cache) {
        if (service == null) {
            return null;
        }
        String ns = service.getMetadata().getNamespace();
        Endpoints endpoints = cache.get(Endpoints.class, ns, service.getMetadata().getName());
        int ready = 0;
        if (endpoints != null && endpoints.getSubsets() != null) {
            for (EndpointSubset subset : endpoints.getSubsets()) {
                ready += subset.getAddresses() == null ? 0 : subset.getAddresses().size();
            }
        }
        List<Pod> pods = List.of();
        var selector = service.getSpec().getSelector();
        if (selector != null && !selector.isEmpty()) {
            pods = cache.list(Pod.class, ns).stream().filter(p -> matches(selector, p)).toList();
        }
        String text = ready > 0 ? "● " + ready + (ready == 1 ? " endpoint ready" : " endpoints ready") : "⚠ No ready endpoints";
        List<HasMetadata> involved = List.of(service);
        return status(text, ready > 0 ? ObjectStatus.INFO : ObjectStatus.WARNING,
                pods.stream().map(StatusSummaries::podStatus).toList(), service, pods, involved, cache);
    }

    /** The status with its events, read once from the cache for both the latest warning and the details. */
    private static ObjectStatus status(String text, String severity, List<ObjectStatus.PodStatus> podStatuses, HasMetadata owner,
                                       List<Pod> pods, List<? extends HasMetadata> involved, ClusterCache cache) {
        List<Event> events = events(cache, involved);
        return new ObjectStatus(text, severity, podStatuses, latestWarning(events), Details.of(owner, pods, events));
    }

    /** A pod's one-line status, as kubectl get pods shows its STATUS column, plus readiness. */
    static ObjectStatus.PodStatus podStatus(Pod pod) {
        var s = pod.getStatus();
        String phase = s == null || s.getPhase() == null ? "Pending" : s.getPhase();
        List<ContainerStatus> containers = s == null || s.getContainerStatuses() == null ? List.of() : s.getContainerStatuses();
        int total = pod.getSpec() == null || pod.getSpec().getContainers() == null ? containers.size() : pod.getSpec().getContainers().size();
        int ready = (int) containers.stream().filter(c -> Boolean.TRUE.equals(c.getReady())).count();
        int restarts = containers.stream().mapToInt(c -> c.getRestartCount() == null ? 0 : c.getRestartCount()).sum();
        String readyText = ready + "/" + total;
        String name = pod.getMetadata().getName();
        String waiting = containers.stream()
                .map(c -> c.getState() == null || c.getState().getWaiting() == null ? null : c.getState().getWaiting().getReason())
                .filter(Objects::nonNull).filter(r -> !"ContainerCreating".equals(r) && !"PodInitializing".equals(r))
                .findFirst().orElse(null);
        String text;
        String severity;
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            text = "⏳ Terminating";
            severity = ObjectStatus.WARNING;
        } else if ("Succeeded".equals(phase)) {
            text = "✔ Succeeded";
            severity = ObjectStatus.INFO;
        } else if ("Failed".equals(phase)) {
            text = "✖ Failed" + (s.getReason() == null ? "" : ": " + s.getReason());
            severity = ObjectStatus.ERROR;
        } else if (waiting != null && PULL_OR_CONFIG_ERRORS.contains(waiting)) {
            text = "✖ " + waiting;
            severity = ObjectStatus.ERROR;
        } else if ("CrashLoopBackOff".equals(waiting)) {
            text = "⚠ CrashLoopBackOff (" + restarts + (restarts == 1 ? " restart)" : " restarts)");
            severity = ObjectStatus.WARNING;
        } else if ("Pending".equals(phase)) {
            PodCondition scheduled = s == null || s.getConditions() == null ? null : s.getConditions().stream()
                    .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())).findFirst().orElse(null);
            text = scheduled != null && scheduled.getMessage() != null ? "⏳ Pending: " + scheduled.getMessage()
                    : "⏳ Pending" + (waiting == null ? "" : ": " + waiting);
            severity = ObjectStatus.WARNING;
        } else if (ready == total && total > 0) {
            text = "● Running " + readyText + " ready";
            severity = ObjectStatus.INFO;
        } else {
            text = "⏳ Running " + readyText + " ready" + (waiting == null ? "" : ", " + waiting);
            severity = ObjectStatus.WARNING;
        }
        return new ObjectStatus.PodStatus(name, phase, readyText, restarts, text, severity);
    }

    /** The pod whose problem matters most: an error before a warning; null when no pod is failing or backing off. */
    private static ObjectStatus.PodStatus worstProblem(List<ObjectStatus.PodStatus> pods) {
        return pods.stream()
                .filter(p -> p.text().startsWith("✖") || p.text().startsWith("⚠") || p.text().startsWith("⏳ Pending:"))
                .max(Comparator.comparingInt(p -> ObjectStatus.rank(p.severity()))).orElse(null);
    }

    static boolean ownedBy(HasMetadata child, HasMetadata owner) {
        List<OwnerReference> refs = child.getMetadata().getOwnerReferences();
        return refs != null && refs.stream().anyMatch(r -> Objects.equals(r.getUid(), owner.getMetadata().getUid()));
    }

    private static boolean matches(java.util.Map<String, String> selector, Pod pod) {
        var labels = pod.getMetadata().getLabels();
        return labels != null && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** Events about these objects, newest last. */
    static List<Event> events(ClusterCache cache, List<? extends HasMetadata> involved) {
        if (involved.isEmpty()) {
            return List.of();
        }
        Set<String> uids = involved.stream().map(o -> o.getMetadata().getUid()).filter(Objects::nonNull).collect(Collectors.toSet());
        Set<String> names = involved.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).collect(Collectors.toSet());
        return cache.list(Event.class, involved.get(0).getMetadata().getNamespace()).stream()
                .filter(e -> e.getInvolvedObject() != null && (uids.contains(e.getInvolvedObject().getUid())
                        || names.contains(e.getInvolvedObject().getKind() + "/" + e.getInvolvedObject().getName())))
                .sorted(Comparator.comparing(StatusSummaries::eventTime))
                .toList();
    }

    static String eventTime(Event e) {
        if (e.getLastTimestamp() != null) {
            return e.getLastTimestamp();
        }
        if (e.getEventTime() != null && e.getEventTime().getTime() != null) {
            return e.getEventTime().getTime();
        }
        return Objects.requireNonNullElse(e.getMetadata().getCreationTimestamp(), "");
    }

    /**
     * The latest Warning event (the details of a status that is not healthy). Of the warnings of the last few
     * seconds, the longest: the kubelet's "Failed to pull image ...: why" comes with a bare "Error: ErrImagePull" that
     * says less.
     */
    private static String latestWarning(List<Event> events) {
        List<Event> warnings = events.stream().filter(e -> "Warning".equals(e.getType())).toList();
        if (warnings.isEmpty()) {
            return null;
        }
        long latest = epochSeconds(eventTime(warnings.get(warnings.size() - 1)));
        return warnings.stream().filter(e -> latest - epochSeconds(eventTime(e)) <= 3)
                .max(Comparator.comparingInt(e -> Objects.requireNonNullElse(e.getMessage(), "").length()))
                .map(e -> e.getReason() + ": " + e.getMessage()).orElse(null);
    }

    private static long epochSeconds(String time) {
        try {
            return java.time.OffsetDateTime.parse(time).toEpochSecond();
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
