package io.coxswain.kubelet.hollow;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a hollow pod's status is at a moment, computed from when it started rather than from containers: Pending
 * with its containers ContainerCreating until its start time, then Running and Ready. A pod annotated
 * {@value #EXIT_AFTER} exits that long after each start, with {@value #EXIT_CODE} (default 0); then the restart
 * policy decides, as the kubelet's does: Never, or OnFailure after exit code 0, ends the pod Succeeded or Failed;
 * otherwise the containers start again at once and count a restart. All times come from the pod's record, so the
 * same moment of the same pod always gives the same status, and a signature tells when a write is due.
 */
final class HollowPodLifecycle {

    static final String EXIT_AFTER = "coxswain.dev/hollow-exit-after";
    static final String EXIT_CODE = "coxswain.dev/hollow-exit-code";
    /** Restarts of a pod that exits at once still come this far apart. */
    private static final long MIN_RUN_MILLIS = 100;

    private enum Stage { PENDING, RUNNING, SUCCEEDED, FAILED }

    /**
     * @param status    the pods/status body's {@code status}
     * @param signature equal for equal statuses of one pod
     * @param nextAt    when the status changes next (epoch millis), or -1 if it never does by itself
     */
    record Outcome(Map<String, Object> status, String signature, long nextAt) {
    }

    private HollowPodLifecycle() {
    }

    /** @param runningAt when the pod's containers start (epoch millis); before it, the pod is Pending */
    static Outcome at(Pod pod, long now, long seenAt, long runningAt, String hostIp, String podIp) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        Duration exitAfter = annotations == null ? null : duration(annotations.get(EXIT_AFTER));
        int exitCode = annotations == null ? 0 : exitCode(annotations.get(EXIT_CODE));
        String policy = pod.getSpec().getRestartPolicy() == null ? "Always" : pod.getSpec().getRestartPolicy();

        Stage stage;
        long runStart = runningAt;
        int restarts = 0;
        long nextAt = -1;
        if (now < runningAt) {
            stage = Stage.PENDING;
            nextAt = runningAt;
        } else if (exitAfter == null) {
            stage = Stage.RUNNING;
        } else if (policy.equals("Always") || policy.equals("OnFailure") && exitCode != 0) {
            long period = Math.max(MIN_RUN_MILLIS, exitAfter.toMillis());
            restarts = (int) Math.min(Integer.MAX_VALUE, (now - runningAt) / period);
            runStart = runningAt + restarts * period;
            stage = Stage.RUNNING;
            nextAt = runStart + period;
        } else if (now < runningAt + exitAfter.toMillis()) {
            stage = Stage.RUNNING;
            nextAt = runningAt + exitAfter.toMillis();
        } else {
            stage = exitCode == 0 ? Stage.SUCCEEDED : Stage.FAILED;
        }
        long endedAt = stage == Stage.SUCCEEDED || stage == Stage.FAILED ? runningAt + exitAfter.toMillis() : runStart;

        Map<String, Object> status = new LinkedHashMap<>();
        status.put("phase", switch (stage) {
            case PENDING -> "Pending";
            case RUNNING -> "Running";
            case SUCCEEDED -> "Succeeded";
            case FAILED -> "Failed";
        });
        status.put("conditions", conditions(stage, seenAt, runningAt, endedAt, !pod.getSpec().getInitContainers().isEmpty()));
        status.put("hostIP", hostIp);
        status.put("hostIPs", List.of(Map.of("ip", hostIp)));
        status.put("podIP", podIp);
        status.put("podIPs", List.of(Map.of("ip", podIp)));
        status.put("startTime", time(seenAt));
        if (!pod.getSpec().getInitContainers().isEmpty()) {
            List<Object> init = new ArrayList<>();
            for (Container c : pod.getSpec().getInitContainers()) {
                init.add(stage == Stage.PENDING
                        ? container(c, false, 0, Map.of("waiting", Map.of("reason", "PodInitializing")), null)
                        : container(c, false, 0, terminated(c, 0, seenAt, runningAt), null));
            }
            status.put("initContainerStatuses", init);
        }
        List<Object> containers = new ArrayList<>();
        for (Container c : pod.getSpec().getContainers()) {
            containers.add(switch (stage) {
                case PENDING -> container(c, false, 0, Map.of("waiting", Map.of("reason", "ContainerCreating")), null);
                case RUNNING -> container(c, true, restarts, Map.of("running", Map.of("startedAt", time(runStart))),
                        restarts == 0 ? null : terminated(c, exitCode, runStart - Math.max(MIN_RUN_MILLIS, exitAfter.toMillis()), runStart));
                case SUCCEEDED, FAILED -> container(c, false, 0, terminated(c, exitCode, runningAt, endedAt), null);
            });
        }
        status.put("containerStatuses", containers);
        return new Outcome(status, stage + ":" + restarts, nextAt);
    }

    private static List<Object> conditions(Stage stage, long seenAt, long runningAt, long endedAt, boolean hasInit) {
        boolean running = stage == Stage.RUNNING;
        boolean ended = stage == Stage.SUCCEEDED || stage == Stage.FAILED;
        String notReady = ended ? (stage == Stage.SUCCEEDED ? "PodCompleted" : "PodFailed") : "ContainersNotReady";
        long readyChange = ended ? endedAt : running ? runningAt : seenAt;
        List<Object> out = new ArrayList<>();
        out.add(condition("PodReadyToStartContainers", running, null, running ? runningAt : ended ? endedAt : seenAt));
        out.add(condition("Initialized", stage != Stage.PENDING || !hasInit, hasInit ? "ContainersNotInitialized" : null,
                hasInit && stage != Stage.PENDING ? runningAt : seenAt));
        out.add(condition("Ready", running, notReady, readyChange));
        out.add(condition("ContainersReady", running, notReady, readyChange));
        out.add(condition("PodScheduled", true, null, seenAt));
        return out;
    }

    private static Map<String, Object> condition(String type, boolean status, String reasonIfFalse, long at) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", type);
        c.put("status", status ? "True" : "False");
        if (!status && reasonIfFalse != null) {
            c.put("reason", reasonIfFalse);
        }
        c.put("lastProbeTime", null);
        c.put("lastTransitionTime", time(at));
        return c;
    }

    private static Map<String, Object> container(Container c, boolean running, int restarts, Map<String, Object> state,
                                                 Map<String, Object> lastState) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", c.getName());
        s.put("image", c.getImage());
        s.put("imageID", "hollow://" + c.getImage());
        if (!state.containsKey("waiting")) {
            s.put("containerID", "hollow://" + c.getName() + "-" + restarts);
        }
        s.put("ready", running);
        s.put("started", running);
        s.put("restartCount", restarts);
        s.put("state", state);
        s.put("lastState", lastState == null ? Map.of() : lastState);
        return s;
    }

    private static Map<String, Object> terminated(Container c, int exitCode, long startedAt, long finishedAt) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("exitCode", exitCode);
        t.put("reason", exitCode == 0 ? "Completed" : "Error");
        t.put("startedAt", time(startedAt));
        t.put("finishedAt", time(finishedAt));
        t.put("containerID", "hollow://" + c.getName());
        return Map.of("terminated", t);
    }

    static String time(long epochMillis) {
        return Instant.ofEpochSecond(Math.floorDiv(epochMillis, 1000)).toString();
    }

    /** "2s", "500ms", "1m30s", "1.5h" or ISO-8601 "PT2S"; null if absent or not a duration. */
    static Duration duration(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim();
        if (t.startsWith("P") || t.startsWith("p")) {
            try {
                return Duration.parse(t);
            } catch (RuntimeException e) {
                return null;
            }
        }
        return io.coxswain.api.GoDurations.parse(t);
    }

    private static int exitCode(String text) {
        if (text == null) {
            return 0;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
