package io.coxswain.launcher;

/** The innermost cause of a failure, as one line for a person: "ConnectException: Connection refused". */
final class RootCause {

    private RootCause() {
    }

    static String describe(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        return e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
    }
}
