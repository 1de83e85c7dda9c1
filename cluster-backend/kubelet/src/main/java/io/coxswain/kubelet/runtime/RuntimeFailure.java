package io.coxswain.kubelet.runtime;

/** A container engine call that failed, with the engine's own message (shown in pod status and events). */
public class RuntimeFailure extends RuntimeException {

    public RuntimeFailure(String message, Throwable cause) {
        super(message, cause);
    }

    public RuntimeFailure(String message) {
        super(message);
    }
}
