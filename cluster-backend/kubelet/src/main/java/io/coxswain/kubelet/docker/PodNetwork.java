package io.coxswain.kubelet.docker;

/** The Docker bridge network that pods live on: its name, its Linux bridge and its subnet. */
public record PodNetwork(String name, String bridgeName, String subnet) {

    public static PodNetwork defaults() {
        return new PodNetwork("coxswain-pods", "cxs-pods0", "10.244.0.0/16");
    }
}
