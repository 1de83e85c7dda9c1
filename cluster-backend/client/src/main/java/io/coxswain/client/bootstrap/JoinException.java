package io.coxswain.client.bootstrap;

/** Why a node could not join, as one sentence for the person who ran the join command. */
public final class JoinException extends RuntimeException {

    public JoinException(String message) {
        super(message);
    }

    public JoinException(String message, Throwable cause) {
        super(message, cause);
    }
}
