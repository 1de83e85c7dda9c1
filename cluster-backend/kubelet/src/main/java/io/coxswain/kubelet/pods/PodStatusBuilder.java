package io.coxswain.kubelet.pods;

import io.coxswain.kubelet.runtime.ContainerRecord;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** A pod's status from its containers as the engine reports them, with the kubelet's phase and condition rules. */
final class PodStatusBuilder {

    /** The latest instance of a container of the pod, and the one before it (for lastState). */
    record Instances(ContainerRecord current, ContainerRecord previous) {
    }

    private PodStatusBuilder() {
    }

    static Instances instances(List<ContainerRecord> records, String containerName) {
        List<ContainerRecord> mine = records.stream().filter(r -> !r.isSandbox() && containerName.equals(r.containerName()))
                .sorted(Comparator.comparingInt(ContainerRecord::attempt).reversed()).toList();
        return new Instances(mine.isEmpty() ? null : mine.get(0), mine.size() < 2 ? null : mine.get(1));
    }

    /**
     * @param ready   whether a running container passes its readiness (and startup) probes
     * @param started whether a running container passed its startup probe
     */
    static PodStatus build(Pod pod, List<ContainerRecord> records, PodState state, String podIp, String hostIp,
                           boolean sandboxReady, boolean initDone, boolean initFailed,
                           Predicate<ContainerRecord> ready, Predicate<ContainerRecord> started) {
        PodStatus old = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
        List<ContainerStatus> init = new ArrayList<>();
        for (Container c : EnvResolver.list(pod.getSpec().getInitContainers())) {
            init.add(containerStatus(c, instances(records, c.getName()), state, null, ready, started));
        }
        List<ContainerStatus> app = new ArrayList<>();
        for (Container c : pod.getSpec().getContainers()) {
            ContainerStateWaiting pending = initDone ? null : waiting("PodInitializing", null);
            app.add(containerStatus(c, instances(records, c.getName()), state, pending, ready, started));
        }
        String phase = initFailed ? "Failed" : initDone ? phase(pod.getSpec().getRestartPolicy(), app) : "Pending";
        boolean terminal = phase.equals("Succeeded") || phase.equals("Failed");
        List<String> unready = app.stream().filter(s -> !Boolean.TRUE.equals(s.getReady())).map(ContainerStatus::getName).toList();
        List<String> uninitialized = init.stream().filter(s -> s.getState().getTerminated() == null
                || s.getState().getTerminated().getExitCode() != 0).map(ContainerStatus::getName).toList();

        List<PodCondition> conditions = new ArrayList<>();
        conditions.add(condition(old, "PodReadyToStartContainers", sandboxReady && !terminal, null, null));
        conditions.add(initDone || terminal && !initFailed
                ? condition(old, "Initialized", true, null, null)
                : condition(old, "Initialized", false, "ContainersNotInitialized",
                "containers with incomplete status: " + uninitialized));
        if (terminal) {
            conditions.add(condition(old, "Ready", false, "PodCompleted", null));
            conditions.add(condition(old, "ContainersReady", false, "PodCompleted", null));
        } else if (unready.isEmpty()) {
            conditions.add(condition(old, "Ready", true, null, null));
            conditions.add(condition(old, "ContainersReady", true, null, null));
        } else {
            String message = "containers with unready status: " + unready.toString().replace(",", "");
            conditions.add(condition(old, "Ready", false, "ContainersNotReady", message));
            conditions.add(condition(old, "ContainersReady", false, "ContainersNotReady", message));
        }
        conditions.add(condition(old, "PodScheduled", true, null, null));

        PodStatus status = new PodStatus();
        status.setPhase(phase);
        status.setConditions(conditions);
        status.setHostIP(hostIp);
        status.setHostIPs(List.of(new HostIP(hostIp)));
        if (podIp != null) {
            status.setPodIP(podIp);
            status.setPodIPs(List.of(new PodIP(podIp)));
        }
        status.setStartTime(old.getStartTime() != null ? old.getStartTime() : now());
        status.setQosClass(old.getQosClass());
        status.setContainerStatuses(app);
        if (!init.isEmpty()) {
            status.setInitContainerStatuses(init);
        }
        return status;
    }

    /** The kubelet's getPhase, for a pod whose init containers are done. */
    static String phase(String restartPolicy, List<ContainerStatus> statuses) {
        int running = 0;
        int waiting = 0;
        int stopped = 0;
        int succeeded = 0;
        for (ContainerStatus s : statuses) {
            ContainerState st = s.getState();
            if (st.getRunning() != null) {
                running++;
            } else if (st.getTerminated() != null) {
                stopped++;
                if (st.getTerminated().getExitCode() == 0) {
                    succeeded++;
                }
            } else if (s.getLastState() != null && s.getLastState().getTerminated() != null) {
                stopped++;
            } else {
                waiting++;
            }
        }
        if (waiting > 0) {
            return "Pending";
        }
        if (running > 0) {
            return "Running";
        }
        if ("Always".equals(restartPolicy)) {
            return "Running";
        }
        if (stopped == succeeded) {
            return "Succeeded";
        }
        if ("Never".equals(restartPolicy)) {
            return "Failed";
        }
        return "Running";
    }

    private static ContainerStatus containerStatus(Container c, Instances instances, PodState state,
                                                   ContainerStateWaiting pending, Predicate<ContainerRecord> ready,
                                                   Predicate<ContainerRecord> started) {
        ContainerRecord current = instances.current();
        ContainerStatusBuilder b = new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
                .withImageID("").withRestartCount(current == null ? 0 : current.attempt()).withReady(false).withStarted(false);
        ContainerStateWaiting decided = state.waiting.get(c.getName());
        if (current != null) {
            b.withContainerID("docker://" + current.id()).withImageID(imageId(current));
        }
        ContainerState lastState = new ContainerState();
        if (decided != null) {
            b.withState(new ContainerStateBuilder().withWaiting(decided).build());
            if (current != null && current.state() == ContainerRecord.State.EXITED) {
                lastState = terminated(current);
            } else if (instances.previous() != null) {
                lastState = terminated(instances.previous());
            }
        } else if (current == null || current.state() == ContainerRecord.State.CREATED || current.state() == ContainerRecord.State.UNKNOWN) {
            b.withState(new ContainerStateBuilder().withWaiting(pending != null ? pending : waiting("ContainerCreating", null)).build());
            if (instances.previous() != null) {
                lastState = terminated(instances.previous());
            }
        } else if (current.running()) {
            b.withState(new ContainerStateBuilder().withNewRunning(time(current.startedAt())).build());
            b.withReady(ready.test(current)).withStarted(started.test(current));
            if (instances.previous() != null) {
                lastState = terminated(instances.previous());
            }
        } else {
            b.withState(terminated(current));
            if (instances.previous() != null) {
                lastState = terminated(instances.previous());
            }
        }
        return b.withLastState(lastState).build();
    }

    static ContainerState terminated(ContainerRecord r) {
        String reason = r.oomKilled() ? "OOMKilled" : r.exitCode() == 0 ? "Completed" : "Error";
        return new ContainerStateBuilder().withNewTerminated().withContainerID("docker://" + r.id())
                .withExitCode(r.exitCode()).withReason(reason)
                .withMessage(r.error() == null || r.error().isEmpty() ? null : r.error())
                .withStartedAt(time(r.startedAt())).withFinishedAt(time(r.finishedAt())).endTerminated().build();
    }

    static ContainerStateWaiting waiting(String reason, String message) {
        ContainerStateWaiting w = new ContainerStateWaiting();
        w.setReason(reason);
        w.setMessage(message);
        return w;
    }

    private static String imageId(ContainerRecord r) {
        return r.imageId() == null ? "" : "docker-pullable://" + r.image() + "@" + r.imageId();
    }

    private static PodCondition condition(PodStatus old, String type, boolean value, String reason, String message) {
        String status = value ? "True" : "False";
        Optional<PodCondition> before = EnvResolver.list(old.getConditions()).stream().filter(c -> type.equals(c.getType())).findFirst();
        String since = before.filter(c -> status.equals(c.getStatus())).map(PodCondition::getLastTransitionTime)
                .orElse(now());
        return new PodConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastTransitionTime(since).withLastProbeTime(null).build();
    }

    private static String time(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String now() {
        return time(Instant.now());
    }
}
