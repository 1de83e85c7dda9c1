package io.coxswain.kubelet.cni;

/** A CNI plugin said no (its error's code and msg), or could not be run. */
public final class CniFailure extends RuntimeException {

    public CniFailure(String message) {
        super(message);
    }
}
