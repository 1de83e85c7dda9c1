package io.coxswain.controllers.endpoints;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube's {@code TriggerTimeTracker}: the value of {@code endpoints.kubernetes.io/last-change-trigger-time}, the
 * earliest change (a pod's Ready transition, the service's creation) not yet seen by an earlier sync of the
 * service. A service seen for the first time reports its creation time.
 */
final class TriggerTimes {

    private record State(Map<String, Instant> podTimes, Instant serviceTime) {
    }

    private final Map<String, State> states = new ConcurrentHashMap<>();

    /** @return the trigger time, or null when nothing changed since the last sync */
    Instant compute(String key, Service service, List<Pod> pods) {
        State previous = states.get(key);
        Instant min = null;
        Map<String, Instant> podTimes = new HashMap<>();
        for (Pod pod : pods) {
            Instant t = podTriggerTime(pod);
            if (t != null) {
                podTimes.put(pod.getMetadata().getName(), t);
                Instant before = previous == null ? null : previous.podTimes().get(pod.getMetadata().getName());
                if (before == null || t.isAfter(before)) {
                    min = min == null || t.isBefore(min) ? t : min;
                }
            }
        }
        Instant serviceTime = parse(service.getMetadata().getCreationTimestamp());
        if (serviceTime != null && (previous == null || previous.serviceTime() == null || serviceTime.isAfter(previous.serviceTime()))) {
            min = min == null || serviceTime.isBefore(min) ? serviceTime : min;
        }
        states.put(key, new State(podTimes, serviceTime));
        return previous == null ? serviceTime : min;
    }

    void forget(String key) {
        states.remove(key);
    }

    private static Instant podTriggerTime(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return null;
        }
        return pod.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst()
                .map(c -> parse(c.getLastTransitionTime())).orElse(null);
    }

    private static Instant parse(String time) {
        try {
            return time == null || time.isEmpty() ? null : Instant.parse(time);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
