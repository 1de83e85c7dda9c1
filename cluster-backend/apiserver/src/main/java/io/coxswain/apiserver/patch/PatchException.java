package io.coxswain.apiserver.patch;

/** A patch that cannot be applied: malformed, or failing against the target. Maps to HTTP 422 (or 409 for a failed test). */
public class PatchException extends RuntimeException {

    public PatchException(String message) {
        super(message);
    }
}
