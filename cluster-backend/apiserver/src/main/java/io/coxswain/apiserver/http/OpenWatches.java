package io.coxswain.apiserver.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The watches being served, so that shutdown can end them: each ends cleanly (the chunked body finished, the
 * WebSocket closed), and its client watches again, from its last resourceVersion, on another apiserver. Until
 * they end a graceful server shutdown would wait for them, since a watch is a request that lasts.
 */
public final class OpenWatches {

    private final Set<Runnable> enders = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Registers a watch's ender (safe from any thread); returns what unregisters it. */
    Runnable add(Runnable ender) {
        enders.add(ender);
        if (closed) {
            ender.run();
        }
        return () -> enders.remove(ender);
    }

    /** Ends every watch, and any opened from now on. */
    public void endAll() {
        closed = true;
        enders.forEach(Runnable::run);
    }

    public int size() {
        return enders.size();
    }
}
