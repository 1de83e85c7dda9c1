package io.coxswain.kubelet.runtime;

import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the kubelet needs from a container engine, in the shape of the CRI: pod sandboxes that own the network,
 * containers that join them, images, exec for probes and logs. Every call may block; callers run it on worker
 * threads. Containers are found again by their labels ({@link RuntimeLabels}), never by a kubelet's memory.
 */
public interface ContainerRuntime extends AutoCloseable {

    /** {@code docker://20.10.24}, as a Node's nodeInfo.containerRuntimeVersion shows it. */
    String version();

    /** Makes the runtime ready for pods (the pod network, for Docker). */
    void prepare();

    /** Creates and starts a sandbox; returns its container id. */
    String runSandbox(SandboxSpec spec);

    /**
     * Creates and starts a sandbox, and calls {@code whileStarting} with its id once it exists: the caller may
     * create (not start) the pod's containers in it there, while the engine starts it. Returns when both are done;
     * a failure of the start is thrown after {@code whileStarting} returned. By default the sandbox is started first.
     */
    default String runSandbox(SandboxSpec spec, Consumer<String> whileStarting) {
        String id = runSandbox(spec);
        whileStarting.accept(id);
        return id;
    }

    /** The node's pod CIDR, from its Node (CRI's UpdateRuntimeConfig): the range the pod network draws from. */
    default void updatePodCidr(String podCidr) {
    }

    /** Why sandboxes cannot get a network yet (CRI's NetworkReady=false), or empty when they can. */
    default Optional<String> networkNotReady() {
        return Optional.empty();
    }

    /** Checks that a running sandbox's network is still as it was set up (CNI CHECK); throws {@link RuntimeFailure} if not. */
    default void checkSandboxNetwork(String sandboxId) {
    }

    /** Releases what the runtime holds for containers that are gone (pod addresses whose DEL never ran). */
    default void collectGarbage() {
    }

    /** The sandbox's pod IP, or empty when it has none (yet). */
    Optional<String> sandboxIp(String sandboxId);

    /** The image's id when it is present on the node. */
    Optional<String> imageId(String image);

    /** Pulls the image; throws {@link RuntimeFailure} with the engine's message when the pull fails. */
    String pullImage(String image);

    String createContainer(String sandboxId, ContainerSpec spec);

    void startContainer(String containerId);

    /** SIGTERM (or the image's stop signal), then SIGKILL once {@code grace} is over. */
    void stopContainer(String containerId, Duration grace);

    void removeContainer(String containerId);

    /** Every sandbox and container this node's kubelet made for the pod (every pod when null), running or not. */
    List<ContainerRecord> list(String nodeName, String podUid);

    /** A cheap look at the same: container id to pod uid and a state word, for noticing changes (the PLEG relist). */
    Map<String, Summary> summaries(String nodeName);

    Optional<ContainerRecord> inspect(String containerId);

    /** Runs a command in a running container; the exit code, or empty when it timed out. */
    ExecResult exec(String containerId, List<String> command, Duration timeout);

    /** Writes the container's log to {@code out}; with follow it returns when the container stops or out fails. */
    void logs(String containerId, LogRequest request, OutputStream out);

    @Override
    void close();

    record Summary(String podUid, String state) {
    }

    record ExecResult(Optional<Integer> exitCode, String output) {
    }
}
