package io.coxswain.store.etcd;

import io.coxswain.store.InvalidKeyException;
import io.coxswain.store.StoreException;
import io.coxswain.store.StoreUnavailableException;
import io.grpc.Status;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Sorts jetcd's failures into the store's exception types. */
final class EtcdErrors {

    private EtcdErrors() {
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Every message along the cause chain: jetcd and vert.x wrap gRPC statuses in several layers. */
    static String messages(Throwable t) {
        StringBuilder out = new StringBuilder();
        for (Throwable c = t; c != null && out.length() < 2000; c = c.getCause()) {
            out.append(c.getMessage()).append(" | ");
        }
        return out.toString();
    }

    static boolean isCompacted(Throwable t) {
        t = unwrap(t);
        return t instanceof io.etcd.jetcd.common.exception.CompactedException
                || messages(t).contains("required revision has been compacted");
    }

    static boolean isTooLarge(Throwable t) {
        return messages(unwrap(t)).contains("request is too large");
    }

    /** Errors a watch should ride out by reconnecting: the member went away, or the stream broke. */
    static boolean isTransient(Throwable t) {
        t = unwrap(t);
        return switch (Status.fromThrowable(t).getCode()) {
            case OUT_OF_RANGE, FAILED_PRECONDITION, INVALID_ARGUMENT, PERMISSION_DENIED, UNAUTHENTICATED,
                    UNIMPLEMENTED, NOT_FOUND, ALREADY_EXISTS -> false;
            default -> true;
        };
    }

    /** Everything but the cases the caller handles itself (compaction, size) becomes one of ours. */
    static StoreException map(String what, Throwable t) {
        t = unwrap(t);
        if (t instanceof StoreException known) {
            return known;
        }
        String messages = messages(t);
        if (messages.contains("required revision is a future revision")) {
            return new InvalidKeyException(what + ": the revision is in the future");
        }
        return new StoreUnavailableException(what + " failed: " + firstLine(t), t);
    }

    private static String firstLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
