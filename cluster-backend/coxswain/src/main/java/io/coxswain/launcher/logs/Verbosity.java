package io.coxswain.launcher.logs;

import ch.qos.logback.classic.Level;

/**
 * klog's {@code --v=N} as Logback levels, the way kube components use it: at 0 and 1 our info and the libraries'
 * warnings; from 2 the libraries' info too; from 4 our debug; from 6 our trace; from 8 the libraries' debug.
 *
 * @param ours      the level of {@code io.coxswain}
 * @param libraries the level of everything else (Vert.x, Netty, fabric8, …)
 */
public record Verbosity(Level ours, Level libraries) {

    public static Verbosity of(int v) {
        if (v < 0) {
            throw new IllegalArgumentException("--v must be 0 or more, not " + v);
        }
        Level ours = v >= 6 ? Level.TRACE : v >= 4 ? Level.DEBUG : Level.INFO;
        Level libraries = v >= 8 ? Level.DEBUG : v >= 2 ? Level.INFO : Level.WARN;
        return new Verbosity(ours, libraries);
    }
}
