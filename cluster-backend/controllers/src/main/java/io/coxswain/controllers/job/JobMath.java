package io.coxswain.controllers.job;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The Job controller's arithmetic, free of the API: how many pods to run, index sets, back-off, pod verdicts. */
final class JobMath {

    private JobMath() {
    }

    /** Pods a NonIndexed or Indexed Job should have running: parallelism, capped by the completions still missing. */
    static int wantActive(int parallelism, Integer completions, int succeeded, int active) {
        if (completions == null) {
            // a work queue: once one pod succeeded no new pods start, but those running may finish
            return succeeded > 0 ? Math.min(active, parallelism) : parallelism;
        }
        return Math.max(0, Math.min(parallelism, completions - succeeded));
    }

    /** Whether the Job has met its success criterion (kube's {@code complete} in syncJob). */
    static boolean complete(Integer completions, int succeeded, int active) {
        return completions == null ? succeeded > 0 && active == 0 : succeeded >= completions;
    }

    /** {@code status.completedIndexes}: "1,3-5,7" into its indexes; malformed pieces are skipped. */
    static SortedSet<Integer> parseIndexes(String text) {
        SortedSet<Integer> out = new TreeSet<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String part : text.split(",")) {
            try {
                int dash = part.indexOf('-');
                if (dash < 0) {
                    out.add(Integer.parseInt(part.trim()));
                } else {
                    int from = Integer.parseInt(part.substring(0, dash).trim());
                    int to = Integer.parseInt(part.substring(dash + 1).trim());
                    for (int i = from; i <= to; i++) {
                        out.add(i);
                    }
                }
            } catch (NumberFormatException ignored) {
                // kube ignores what it cannot parse
            }
        }
        return out;
    }

    /** The compressed form kube writes: consecutive runs of two or more become "a-b". */
    static String formatIndexes(SortedSet<Integer> indexes) {
        List<String> parts = new ArrayList<>();
        Integer start = null;
        Integer prev = null;
        for (int i : indexes) {
            if (start == null) {
                start = i;
            } else if (i != prev + 1) {
                parts.add(range(start, prev));
                start = i;
            }
            prev = i;
        }
        if (start != null) {
            parts.add(range(start, prev));
        }
        return String.join(",", parts);
    }

    private static String range(int from, int to) {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }

    /** The lowest {@code count} indexes below {@code completions} that neither succeeded nor run. */
    static List<Integer> missingIndexes(int completions, SortedSet<Integer> succeeded, java.util.Set<Integer> running, int count) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < completions && out.size() < count; i++) {
            if (!succeeded.contains(i) && !running.contains(i)) {
                out.add(i);
            }
        }
        return out;
    }

    /** The completion index from a pod's annotation (or label), or -1. */
    static int completionIndex(Pod pod) {
        String v = null;
        if (pod.getMetadata().getAnnotations() != null) {
            v = pod.getMetadata().getAnnotations().get(JobController.COMPLETION_INDEX);
        }
        if (v == null && pod.getMetadata().getLabels() != null) {
            v = pod.getMetadata().getLabels().get(JobController.COMPLETION_INDEX);
        }
        if (v == null) {
            return -1;
        }
        try {
            int i = Integer.parseInt(v);
            return i < 0 ? -1 : i;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static boolean terminal(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    static boolean succeeded(Pod pod) {
        return pod.getStatus() != null && "Succeeded".equals(pod.getStatus().getPhase());
    }

    /**
     * kube's isPodFailed with podReplacementPolicy TerminatingOrFailed: a Failed pod, or one being deleted that did
     * not succeed (an orphan that may never reach Failed). With {@code Failed} only the phase counts.
     */
    static boolean failed(Pod pod, boolean onlyFailedPhase) {
        if (pod.getStatus() != null && "Failed".equals(pod.getStatus().getPhase())) {
            return true;
        }
        return !onlyFailedPhase && pod.getMetadata().getDeletionTimestamp() != null && !succeeded(pod);
    }

    /**
     * restartPolicy OnFailure: the kubelet restarts failing containers in place, so kube counts the restarts of the
     * running and pending pods against backoffLimit.
     */
    static boolean pastBackoffLimitOnFailure(String restartPolicy, int backoffLimit, List<Pod> pods) {
        if (!"OnFailure".equals(restartPolicy)) {
            return false;
        }
        int restarts = 0;
        for (Pod p : pods) {
            String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
            if (!"Running".equals(phase) && !"Pending".equals(phase)) {
                continue;
            }
            restarts += Stream.concat(nullSafe(p.getStatus().getInitContainerStatuses()), nullSafe(p.getStatus().getContainerStatuses()))
                    .mapToInt(s -> s.getRestartCount() == null ? 0 : s.getRestartCount()).sum();
        }
        return backoffLimit == 0 ? restarts > 0 : restarts >= backoffLimit;
    }

    private static Stream<ContainerStatus> nullSafe(List<ContainerStatus> list) {
        return list == null ? Stream.empty() : list.stream();
    }

    /** kube's pod-failure back-off: base × 2^(failures-1), capped; none before the first failure. */
    static Duration backoff(int consecutiveFailures, Duration base, Duration max) {
        if (consecutiveFailures <= 0) {
            return Duration.ZERO;
        }
        int exp = Math.min(consecutiveFailures - 1, 30);
        Duration d = base.multipliedBy(1L << exp);
        return d.compareTo(max) > 0 ? max : d;
    }
}
