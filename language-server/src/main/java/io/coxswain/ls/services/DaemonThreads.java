package io.coxswain.ls.services;

import java.util.concurrent.ThreadFactory;

/** Named daemon threads, so the server's executors never keep the JVM alive after exit. */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    public static ThreadFactory named(String name) {
        return runnable -> {
            Thread t = new Thread(runnable, name);
            t.setDaemon(true);
            return t;
        };
    }
}
