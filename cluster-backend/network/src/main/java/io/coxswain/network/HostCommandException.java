package io.coxswain.network;

/** A host command that failed, timed out or could not start; the message names the command, its exit code and stderr. */
public final class HostCommandException extends RuntimeException {

    public HostCommandException(String message) {
        super(message);
    }

    public HostCommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
