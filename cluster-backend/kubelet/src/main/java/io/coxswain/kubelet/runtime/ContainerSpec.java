package io.coxswain.kubelet.runtime;

import java.util.List;
import java.util.Map;

/**
 * One container of a pod, resolved to what the engine takes: command and args already expanded, env as
 * NAME=value, mounts as host paths. {@code command} empty keeps the image's entrypoint, {@code args} empty
 * keeps its cmd, as Kubernetes does.
 */
public record ContainerSpec(String name, String image, List<String> command, List<String> args, String workingDir,
                            List<String> env, Map<String, String> labels, List<Mount> mounts, Long memoryLimitBytes,
                            Long nanoCpus, Long cpuShares, boolean tty, boolean stdin) {

    public record Mount(String hostPath, String containerPath, boolean readOnly) {
    }
}
