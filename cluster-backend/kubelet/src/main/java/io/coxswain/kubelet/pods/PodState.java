package io.coxswain.kubelet.pods;

import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.PodStatus;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the kubelet remembers of one pod between syncs. All of it can be lost: a restarted kubelet rebuilds the
 * pod from the containers' labels and the status in the API, and only back-off timers start over.
 */
final class PodState {

    final Map<String, ContainerBackoff> restarts = new ConcurrentHashMap<>();
    final Map<String, ContainerBackoff> pulls = new ConcurrentHashMap<>();
    /** Why a container is waiting, decided by the last sync (image pull, back-off, config error). */
    final Map<String, ContainerStateWaiting> waiting = new ConcurrentHashMap<>();
    /** Containers the running sync created, started, stopped or removed: it looks at them again before its report. */
    final Set<String> touched = new HashSet<>();
    /** Containers the running sync created while their new sandbox started, for it to start. */
    final Set<String> precreated = new HashSet<>();
    Map<String, Path> volumes;
    /** Whether the running sync has set up the volumes already (the new pod's early create does). */
    boolean volumesPrepared;
    /** When the next sync for a projected token's renewal is planned. */
    Instant tokenRenewal;
    PodStatus lastSent;
    /** When this kubelet first saw the pod, for kubelet_pod_start_duration_seconds. */
    final long firstSeen = System.nanoTime();
    /** Whether the pod has been seen running (and its start observed, when this kubelet started it). */
    boolean seenRunning;
    boolean terminal;
    boolean killing;
    /** NetworkNotReady was reported for this pod: once is enough while the node waits for its pod CIDR. */
    boolean networkWaitReported;

    private final Map<String, Instant> pullFailures = new ConcurrentHashMap<>();

    Instant lastPullFailure(String image) {
        return pullFailures.get(image);
    }

    void pullFailed(String image, Instant at) {
        pullFailures.put(image, at);
    }

    ContainerBackoff restartBackoff(String container, Duration base, Duration max, Duration reset) {
        return restarts.computeIfAbsent(container, c -> new ContainerBackoff(base, max, reset));
    }

    ContainerBackoff pullBackoff(String image, Duration base, Duration max) {
        return pulls.computeIfAbsent(image, c -> new ContainerBackoff(base, max, Duration.ofDays(365)));
    }
}
