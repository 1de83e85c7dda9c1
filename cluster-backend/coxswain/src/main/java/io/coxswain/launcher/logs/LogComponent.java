package io.coxswain.launcher.logs;

import java.util.List;
import java.util.Map;

/**
 * Which component a log line is from: apiserver, store, scheduler, controller-manager, kubelet or proxy. The logger's
 * package says so for a component's own code; code that several components share (the client machinery, the
 * launcher, the libraries) takes the {@value #MDC_KEY} MDC key of its thread, which the launcher sets while it starts
 * a component in all-in-one, and else the process's own component (the subcommand that runs).
 */
public final class LogComponent {

    /** The MDC key that names the component of a thread's shared code. */
    public static final String MDC_KEY = "component";

    /** Package prefixes, the more specific first; an empty component marks shared code. */
    private static final List<Map.Entry<String, String>> PACKAGES = List.of(
            Map.entry("io.coxswain.controllers.machinery.", ""),
            Map.entry("io.coxswain.apiserver.", "apiserver"),
            Map.entry("io.coxswain.store.", "store"),
            Map.entry("io.coxswain.scheduler.", "scheduler"),
            Map.entry("io.coxswain.controllers.", "controller-manager"),
            Map.entry("io.coxswain.kubelet.", "kubelet"),
            Map.entry("io.coxswain.proxy.", "proxy"));

    private static volatile String process = "coxswain";

    private LogComponent() {
    }

    /** The component of the process, for lines that neither a package nor the MDC place. */
    public static void process(String component) {
        process = component;
    }

    /** Daemon threads {@code <component>-N} whose lines name {@code component}, through the MDC key set in each. */
    public static java.util.concurrent.ThreadFactory threads(String component) {
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        return task -> {
            Thread t = new Thread(() -> {
                org.slf4j.MDC.put(MDC_KEY, component);
                task.run();
            }, component + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    public static String of(String loggerName, Map<String, String> mdc) {
        for (Map.Entry<String, String> p : PACKAGES) {
            if (loggerName.startsWith(p.getKey())) {
                if (!p.getValue().isEmpty()) {
                    return p.getValue();
                }
                break;
            }
        }
        String tagged = mdc == null ? null : mdc.get(MDC_KEY);
        return tagged != null ? tagged : process;
    }
}
