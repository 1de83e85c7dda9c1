package io.coxswain.kubelet.runtime;

/** kubectl logs' options: follow, tailLines (null for all), timestamps, sinceSeconds (null for all), limitBytes. */
public record LogRequest(boolean follow, Integer tailLines, boolean timestamps, Integer sinceSeconds, Long limitBytes) {
}
