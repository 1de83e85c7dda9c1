package io.coxswain.ls.cluster;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

import java.util.List;

/** The markdown a hover on metadata.name shows: phase, conditions, container states and recent events. */
final class Details {

    private static final int EVENTS = 5;
    private static final int PODS = 5;

    private Details() {
    }

    static String of(HasMetadata object, List<Pod> pods, List<Event> events) {
        StringBuilder md = new StringBuilder("**").append(object.getKind()).append(' ')
                .append(object.getMetadata().getNamespace()).append('/').append(object.getMetadata().getName())
                .append("** in the cluster\n");
        if (object instanceof Deployment d && d.getStatus() != null && d.getStatus().getConditions() != null) {
            conditions(md, d.getStatus().getConditions().stream().map(c -> new String[]{c.getType(), c.getStatus(), c.getReason()}).toList());
        }
        if (object instanceof Job j && j.getStatus() != null && j.getStatus().getConditions() != null) {
            conditions(md, j.getStatus().getConditions().stream().map(c -> new String[]{c.getType(), c.getStatus(), c.getReason()}).toList());
        }
        for (Pod pod : pods.stream().limit(PODS).toList()) {
            pod(md, pod);
        }
        if (pods.size() > PODS) {
            md.append("\n…and ").append(pods.size() - PODS).append(" more pods\n");
        }
        if (!events.isEmpty()) {
            md.append("\nRecent events:\n");
            events.subList(Math.max(0, events.size() - EVENTS), events.size()).forEach(e -> md.append("- ")
                    .append(e.getType()).append(' ').append(e.getReason()).append(": ").append(e.getMessage())
                    .append(" (").append(e.getInvolvedObject().getKind()).append(' ').append(e.getInvolvedObject().getName())
                    .append(")\n"));
        }
        return md.toString();
    }

    /** Conditions as {type, status, reason} triples. */
    private static void conditions(StringBuilder md, List<String[]> conditions) {
        md.append("\nConditions:\n");
        conditions.forEach(c -> md.append("- ").append(c[0]).append(": ").append(c[1])
                .append(c[2] == null ? "" : " (" + c[2] + ")").append('\n'));
    }

    private static void pod(StringBuilder md, Pod pod) {
        var s = pod.getStatus();
        md.append("\nPod `").append(pod.getMetadata().getName()).append("`: phase ")
                .append(s == null || s.getPhase() == null ? "Pending" : s.getPhase()).append('\n');
        if (s == null) {
            return;
        }
        if (s.getConditions() != null) {
            for (PodCondition c : s.getConditions()) {
                md.append("- ").append(c.getType()).append(": ").append(c.getStatus())
                        .append(c.getMessage() == null ? "" : " (" + c.getMessage() + ")").append('\n');
            }
        }
        if (s.getContainerStatuses() != null) {
            for (ContainerStatus c : s.getContainerStatuses()) {
                md.append("- container `").append(c.getName()).append("`: ").append(state(c))
                        .append(", ready ").append(c.getReady()).append(", restarts ").append(c.getRestartCount()).append('\n');
            }
        }
    }

    private static String state(ContainerStatus c) {
        var state = c.getState();
        if (state == null) {
            return "unknown";
        }
        if (state.getRunning() != null) {
            return "running since " + state.getRunning().getStartedAt();
        }
        if (state.getWaiting() != null) {
            return "waiting (" + state.getWaiting().getReason()
                    + (state.getWaiting().getMessage() == null ? "" : ": " + state.getWaiting().getMessage()) + ")";
        }
        if (state.getTerminated() != null) {
            return "terminated (" + state.getTerminated().getReason() + ", exit code " + state.getTerminated().getExitCode() + ")";
        }
        return "unknown";
    }
}
