package io.coxswain.kubelet.runtime;

import java.time.Instant;
import java.util.Map;

/** One sandbox or container as the engine reports it. Times are null where the engine has none. */
public record ContainerRecord(String id, Map<String, String> labels, State state, int exitCode, boolean oomKilled,
                              String error, Instant createdAt, Instant startedAt, Instant finishedAt, String image,
                              String imageId) {

    public enum State { CREATED, RUNNING, EXITED, UNKNOWN }

    public String label(String key) {
        return labels.get(key);
    }

    public boolean isSandbox() {
        return RuntimeLabels.TYPE_SANDBOX.equals(labels.get(RuntimeLabels.TYPE));
    }

    public String podUid() {
        return labels.get(RuntimeLabels.POD_UID);
    }

    public String containerName() {
        return labels.get(RuntimeLabels.CONTAINER_NAME);
    }

    public int attempt() {
        String a = labels.get(RuntimeLabels.ATTEMPT);
        return a == null ? 0 : Integer.parseInt(a);
    }

    public boolean running() {
        return state == State.RUNNING;
    }
}
