package io.coxswain.api;

/**
 * The labels by which EndpointSlices and Endpoints name their roles (discovery/v1's well-known labels), for the
 * components that write them (controllers, the apiserver's own Endpoints) and those that read them (kube-proxy, DNS).
 */
public final class EndpointSliceLabels {

    /** The Service a slice belongs to. */
    public static final String SERVICE_NAME = "kubernetes.io/service-name";
    /** On Endpoints: no EndpointSlice mirrors them (the owner keeps them out, as the apiserver its loopback address). */
    public static final String SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror";

    private EndpointSliceLabels() {
    }
}
