package io.coxswain.controllers.machinery;

import java.util.concurrent.ThreadFactory;

/** Threads of background work that never hold a JVM open, named for thread dumps. */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    public static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
