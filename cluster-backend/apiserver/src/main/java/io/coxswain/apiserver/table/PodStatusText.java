package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The READY, STATUS and RESTARTS cells of a pod, as kube-apiserver 1.32's {@code printPod} computes them
 * (including restartable init containers, i.e. sidecars, and the "(5m ago)" restart suffix).
 */
public final class PodStatusText {

    /** {@code node.NodeUnreachablePodReason}. */
    private static final String NODE_LOST = "NodeLost";

    /** The three computed cells. */
    public record Result(String ready, String status, String restarts) {
    }

    private PodStatusText() {
    }

    public static Result of(JsonNode pod, Instant now) {
        JsonNode spec = Nodes.at(pod, "spec");
        JsonNode status = Nodes.at(pod, "status");

        int restarts = 0;
        int sidecarRestarts = 0;
        int totalContainers = Nodes.size(spec, "containers");
        int readyContainers = 0;
        Instant lastRestart = null;
        Instant lastSidecarRestart = null;

        String phase = Nodes.text(status, "phase");
        String reason = phase;
        if (!Nodes.text(status, "reason").isEmpty()) {
            reason = Nodes.text(status, "reason");
        }
        for (JsonNode c : Nodes.items(status, "conditions")) {
            if ("PodScheduled".equals(Nodes.text(c, "type")) && "SchedulingGated".equals(Nodes.text(c, "reason"))) {
                reason = "SchedulingGated";
            }
        }

        Map<String, JsonNode> initContainers = new HashMap<>();
        List<JsonNode> initSpecs = Nodes.items(spec, "initContainers");
        for (JsonNode c : initSpecs) {
            initContainers.put(Nodes.text(c, "name"), c);
            if (isRestartable(c)) {
                totalContainers++;
            }
        }

        boolean initializing = false;
        List<JsonNode> initStatuses = Nodes.items(status, "initContainerStatuses");
        for (int i = 0; i < initStatuses.size(); i++) {
            JsonNode cs = initStatuses.get(i);
            int count = (int) Nodes.integer(cs, "restartCount");
            restarts += count;
            Optional<Instant> lastTerm = lastTerminationFinishedAt(cs);
            lastRestart = later(lastRestart, lastTerm);
            boolean restartable = isRestartable(initContainers.get(Nodes.text(cs, "name")));
            if (restartable) {
                sidecarRestarts += count;
                lastSidecarRestart = later(lastSidecarRestart, lastTerm);
            }
            JsonNode state = Nodes.at(cs, "state");
            JsonNode terminated = state.path("terminated");
            JsonNode waiting = state.path("waiting");
            boolean isTerminated = terminated.isObject();
            if (isTerminated && Nodes.integer(terminated, "exitCode") == 0) {
                continue;
            }
            if (restartable && Nodes.at(cs, "started").asBoolean(false)) {
                if (Nodes.at(cs, "ready").asBoolean(false)) {
                    readyContainers++;
                }
                continue;
            }
            if (isTerminated) {
                // initialization failed
                String r = Nodes.text(terminated, "reason");
                if (r.isEmpty()) {
                    long signal = Nodes.integer(terminated, "signal");
                    reason = signal != 0
                            ? "Init:Signal:" + signal
                            : "Init:ExitCode:" + Nodes.integer(terminated, "exitCode");
                } else {
                    reason = "Init:" + r;
                }
            } else if (waiting.isObject() && !Nodes.text(waiting, "reason").isEmpty()
                    && !"PodInitializing".equals(Nodes.text(waiting, "reason"))) {
                reason = "Init:" + Nodes.text(waiting, "reason");
            } else {
                reason = "Init:" + i + "/" + initSpecs.size();
            }
            initializing = true;
            break;
        }

        if (!initializing || conditionTrue(status, "Initialized")) {
            restarts = sidecarRestarts;
            lastRestart = lastSidecarRestart;
            boolean hasRunning = false;
            List<JsonNode> statuses = Nodes.items(status, "containerStatuses");
            for (int i = statuses.size() - 1; i >= 0; i--) {
                JsonNode cs = statuses.get(i);
                restarts += (int) Nodes.integer(cs, "restartCount");
                lastRestart = later(lastRestart, lastTerminationFinishedAt(cs));
                JsonNode state = Nodes.at(cs, "state");
                JsonNode waiting = state.path("waiting");
                JsonNode terminated = state.path("terminated");
                if (waiting.isObject() && !Nodes.text(waiting, "reason").isEmpty()) {
                    reason = Nodes.text(waiting, "reason");
                } else if (terminated.isObject() && !Nodes.text(terminated, "reason").isEmpty()) {
                    reason = Nodes.text(terminated, "reason");
                } else if (terminated.isObject()) {
                    long signal = Nodes.integer(terminated, "signal");
                    reason = signal != 0
                            ? "Signal:" + signal
                            : "ExitCode:" + Nodes.integer(terminated, "exitCode");
                } else if (Nodes.at(cs, "ready").asBoolean(false) && state.path("running").isObject()) {
                    hasRunning = true;
                    readyContainers++;
                }
            }
            // change pod status back to "Running" if there is at least one container still reporting as "Running"
            if ("Completed".equals(reason) && hasRunning) {
                reason = conditionTrue(status, "Ready") ? "Running" : "NotReady";
            }
        }

        boolean deleting = Nodes.present(pod, "metadata", "deletionTimestamp");
        if (deleting && NODE_LOST.equals(Nodes.text(status, "reason"))) {
            reason = "Unknown";
        } else if (deleting && !"Succeeded".equals(phase) && !"Failed".equals(phase)) {
            reason = "Terminating";
        }

        String restartsText = Integer.toString(restarts);
        if (restarts != 0 && lastRestart != null) {
            restartsText = restarts + " (" + Durations.human(Duration.between(lastRestart, now)) + " ago)";
        }
        return new Result(readyContainers + "/" + totalContainers, reason, restartsText);
    }

    /** A sidecar: an init container with {@code restartPolicy: Always}. */
    static boolean isRestartable(JsonNode initContainer) {
        return initContainer != null && "Always".equals(Nodes.text(initContainer, "restartPolicy"));
    }

    /** The first condition of that type decides (as {@code hasPodReadyCondition} / {@code isPodInitializedConditionTrue}). */
    static boolean conditionTrue(JsonNode status, String type) {
        for (JsonNode c : Nodes.items(status, "conditions")) {
            if (type.equals(Nodes.text(c, "type"))) {
                return "True".equals(Nodes.text(c, "status"));
            }
        }
        return false;
    }

    private static Optional<Instant> lastTerminationFinishedAt(JsonNode containerStatus) {
        JsonNode terminated = Nodes.at(containerStatus, "lastState", "terminated");
        return terminated.isObject() ? Durations.parse(Nodes.text(terminated, "finishedAt")) : Optional.empty();
    }

    private static Instant later(Instant current, Optional<Instant> candidate) {
        if (candidate.isEmpty()) {
            return current;
        }
        return current == null || current.isBefore(candidate.get()) ? candidate.get() : current;
    }
}
