package io.coxswain.client;

import org.slf4j.MDC;

import java.util.Map;
import java.util.concurrent.ThreadFactory;

/**
 * Threads of background work that never hold a JVM open, named for thread dumps. They carry the logging MDC of the
 * code that made the factory: all-in-one names the component it is starting there, so the lines of a component's
 * threads say whose they are, as they would in a process of its own.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    public static ThreadFactory named(String name) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return r -> {
            Thread t = new Thread(context == null || context.isEmpty() ? r : () -> {
                MDC.setContextMap(context);
                r.run();
            }, name);
            t.setDaemon(true);
            return t;
        };
    }
}
