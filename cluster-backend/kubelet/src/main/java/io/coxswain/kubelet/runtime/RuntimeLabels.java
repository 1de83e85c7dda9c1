package io.coxswain.kubelet.runtime;

/** The labels that tie an engine's containers back to pods, as dockershim and cri-dockerd name them. */
public final class RuntimeLabels {

    public static final String POD_UID = "io.kubernetes.pod.uid";
    public static final String POD_NAME = "io.kubernetes.pod.name";
    public static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";
    public static final String CONTAINER_NAME = "io.kubernetes.container.name";
    /** How many times this container of the pod was started before: its restartCount. */
    public static final String ATTEMPT = "io.kubernetes.container.attempt";
    public static final String TYPE = "io.kubernetes.docker.type";
    public static final String TYPE_SANDBOX = "podsandbox";
    public static final String TYPE_CONTAINER = "container";
    /** init or app, so that status can be rebuilt after a restart. */
    public static final String CONTAINER_KIND = "io.coxswain.container.kind";
    public static final String NODE = "io.coxswain.node";

    private RuntimeLabels() {
    }
}
