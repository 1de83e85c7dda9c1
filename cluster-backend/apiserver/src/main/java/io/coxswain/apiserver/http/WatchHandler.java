package io.coxswain.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.ApiException;
import io.coxswain.apiserver.auth.UserInfo;
import io.coxswain.apiserver.registry.ListOptions;
import io.coxswain.apiserver.registry.ObjectService;
import io.coxswain.apiserver.registry.ResourceInfo;
import io.coxswain.apiserver.watch.SharedDecoding;
import io.coxswain.apiserver.watch.WatchStream;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Serves {@code ?watch=true}: a chunked stream of JSON events. Without a resourceVersion (or with "0") it
 * first sends the current objects as ADDED, as kube-apiserver does; with sendInitialEvents it ends them with
 * a bookmark marked {@code k8s.io/initial-events-end}. Bookmarks follow when asked for, and the stream ends
 * after timeoutSeconds or when the client goes.
 *
 * <p>One client may hold at most {@code maxWatchesPerClient} watches at once; past that a watch gets 429
 * TooManyRequests, so that a client opening watches in a loop cannot take every connection and all the memory. A
 * client is its authenticated user ({@link RequestAuth#USER} in the routing context), else its remote address.
 */
final class WatchHandler {

    /** Every watcher of an event without a Table sends the same line; it is built once. */
    private static final SharedDecoding<JsonNode, byte[]> LINES = new SharedDecoding<>(1024);

    private final ObjectService service;
    private final Tables tables;
    private final Metrics metrics;
    private final long bookmarkMillis;
    private final int maxWatchesPerClient;
    private final OpenWatches openWatches;
    /** Open watches by client; a client with none has no entry. */
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

    WatchHandler(ObjectService service, Tables tables, Metrics metrics, long bookmarkMillis, int maxWatchesPerClient,
                 OpenWatches openWatches) {
        this.openWatches = openWatches;
        this.service = service;
        this.tables = tables;
        this.metrics = metrics;
        this.bookmarkMillis = bookmarkMillis;
        this.maxWatchesPerClient = maxWatchesPerClient;
    }

    /**
     * Who holds a watch: the authenticated user; without one (the unsecured mode, where everyone is admin, or an
     * anonymous request) the address, so that unknown clients do not share one allowance.
     */
    static String client(RoutingContext ctx) {
        if (ctx.get(RequestAuth.USER) instanceof UserInfo user && user != UserInfo.UNSECURED && !user.inGroup("system:unauthenticated")) {
            return "user " + user.name();
        }
        SocketAddress remote = ctx.request().remoteAddress();
        return "address " + (remote == null ? "unknown" : remote.hostAddress());
    }

    /** Takes one of the client's watches, or fails with 429 when it holds all it may. */
    private Runnable acquire(RoutingContext ctx, String client) {
        boolean[] granted = {false};
        open.compute(client, (k, n) -> {
            int held = n == null ? 0 : n;
            if (held >= maxWatchesPerClient) {
                return n;
            }
            granted[0] = true;
            return held + 1;
        });
        if (!granted[0]) {
            metrics.watchesRefused.incrementAndGet();
            ctx.response().putHeader("Retry-After", "1");
            throw new ApiException(429, "TooManyRequests", "Too many requests: " + client + " already holds " + maxWatchesPerClient
                    + " watches, the most one client may hold; close some before opening more");
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                open.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
            }
        };
    }

    void serve(RoutingContext ctx, ResourceInfo r, String namespace, QueryParams query, ListOptions selection, boolean asTable) {
        String rv = query.get("resourceVersion");
        boolean bookmarks = query.flag("allowWatchBookmarks");
        boolean initialEvents = query.flag("sendInitialEvents");
        validateWatchOptions(query);
        long startRevision;
        if (rv != null && !rv.isEmpty() && !rv.equals("0") && !initialEvents) {
            try {
                startRevision = Long.parseLong(rv) + 1;
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("resourceVersion must be a number, not \"" + rv + "\"");
            }
        } else {
            startRevision = 0;
        }
        int timeout = query.integer("timeoutSeconds", 1800 + ThreadLocalRandom.current().nextInt(1800));
        Runnable release = acquire(ctx, client(ctx));
        try {
            open(ctx, r, namespace, selection, asTable, startRevision, timeout, bookmarks, initialEvents, release);
        } catch (RuntimeException e) {
            release.run(); // a watch that did not open holds no place
            throw e;
        }
    }

    private void open(RoutingContext ctx, ResourceInfo r, String namespace, ListOptions selection, boolean asTable, long startRevision,
                      int timeout, boolean bookmarks, boolean initialEvents, Runnable release) {
        if (ctx.request().canUpgradeToWebSocket()) {
            // As kube-apiserver does for a WebSocket request, each event goes in a text message (fabric8 watches this way).
            long start = startRevision;
            ctx.request().toWebSocket().onComplete(upgrade -> {
                if (upgrade.failed()) {
                    release.run();
                    if (!ctx.response().ended()) {
                        Responses.error(ctx, ApiException.badRequest("websocket upgrade failed: " + upgrade.cause().getMessage()));
                    }
                    return;
                }
                ServerWebSocket ws = upgrade.result();
                run(ctx, new Out() {
                    public void write(Buffer line) {
                        ws.writeTextMessage(line.toString(StandardCharsets.UTF_8));
                    }

                    public boolean full() {
                        return ws.writeQueueFull();
                    }

                    public boolean closed() {
                        return ws.isClosed();
                    }

                    public void end() {
                        if (!ws.isClosed()) {
                            ws.close();
                        }
                    }

                    public void onClose(Runnable action) {
                        ws.closeHandler(v -> action.run());
                    }
                }, r, namespace, selection, asTable, start, timeout, bookmarks, initialEvents, release);
            });
            return;
        }
        HttpServerResponse response = ctx.response();
        response.setChunked(true).putHeader("Content-Type", "application/json").setStatusCode(200);
        // Send the head now, as kube-apiserver flushes it at once: clients wait for it before they count the watch as open.
        response.writeHead();
        run(ctx, new Out() {
            public void write(Buffer line) {
                response.write(line.appendString("\n"));
            }

            public boolean full() {
                return response.writeQueueFull();
            }

            public boolean closed() {
                return response.closed();
            }

            public void end() {
                if (!response.ended() && !response.closed()) {
                    response.end();
                }
            }

            public void onClose(Runnable action) {
                response.closeHandler(v -> action.run());
            }
        }, r, namespace, selection, asTable, startRevision, timeout, bookmarks, initialEvents, release);
    }

    /** Where the events of one watch go: the chunked body of the response, or a WebSocket. */
    private interface Out {
        void write(Buffer event);

        boolean full();

        boolean closed();

        void end();

        void onClose(Runnable action);
    }

    private void run(RoutingContext ctx, Out out, ResourceInfo r, String namespace, ListOptions selection, boolean asTable,
                     long startRevision, int timeout, boolean bookmarks, boolean initialEvents, Runnable release) {
        Context context = ctx.vertx().getOrCreateContext();
        metrics.watches.incrementAndGet();
        AtomicBoolean ended = new AtomicBoolean();
        boolean[] firstRow = {true};
        WatchStream[] stream = new WatchStream[1];
        long[] timers = new long[2];
        Runnable[] unregister = {() -> { }};
        Runnable finish = () -> {
            if (ended.compareAndSet(false, true)) {
                unregister[0].run();
                metrics.watches.decrementAndGet();
                release.run();
                if (stream[0] != null) {
                    stream[0].close();
                }
                ctx.vertx().cancelTimer(timers[0]);
                ctx.vertx().cancelTimer(timers[1]);
                out.end();
            }
        };
        WatchStream.Sink sink = new WatchStream.Sink() {
            // Rendered on the thread that delivers the event, so the event loop only writes bytes.
            @Override
            public void event(String type, JsonNode object) {
                byte[] line;
                if (asTable && !type.equals("ERROR") && !type.equals("BOOKMARK")) {
                    line = serialize(type, tables.watchRow(r, object, firstRow[0]));
                    firstRow[0] = false;
                } else {
                    line = LINES.get(object, type, o -> serialize(type, o));
                }
                context.runOnContext(v -> write(line));
            }

            @Override
            public void end() {
                context.runOnContext(v -> finish.run());
            }

            private void write(byte[] line) {
                if (ended.get() || out.closed()) {
                    return;
                }
                out.write(Buffer.buffer(line));
                if (out.full()) {
                    // A client this far behind is dropped; it will list and watch again, as with kube-apiserver.
                    finish.run();
                }
            }
        };
        stream[0] = new WatchStream(r, selection, sink, o -> o);
        out.onClose(finish);
        unregister[0] = openWatches.add(() -> context.runOnContext(v -> finish.run()));
        timers[0] = ctx.vertx().setTimer(timeout * 1000L, id -> finish.run());
        if (bookmarks) {
            // No bookmark before the stream has started: it would name a revision the client has not caught up to.
            timers[1] = ctx.vertx().setPeriodic(bookmarkMillis, id -> {
                if (stream[0].started()) {
                    sink.event("BOOKMARK", stream[0].bookmark(false));
                }
            });
        }
        if (startRevision > 0) {
            startOrFail(stream[0], sink, namespace, startRevision);
            return;
        }
        // No resourceVersion: the current state first, then everything after it.
        service.list(r, namespace, selection).whenComplete((list, error) -> context.runOnContext(v -> {
            if (error != null) {
                ApiException api = error.getCause() instanceof ApiException e ? e : ApiException.internal(String.valueOf(error.getMessage()));
                sink.event("ERROR", api.toStatus());
                sink.end();
                return;
            }
            long revision = Long.parseLong(list.path("metadata").path("resourceVersion").asText("0"));
            for (JsonNode item : list.path("items")) {
                sink.event("ADDED", item);
            }
            if (!startOrFail(stream[0], sink, namespace, revision + 1)) {
                return;
            }
            if (initialEvents) {
                sink.event("BOOKMARK", stream[0].bookmark(true));
            }
        }));
    }

    /** Starts the store watch; if that fails, the client gets an ERROR event and the end of the stream, not silence. */
    private boolean startOrFail(WatchStream stream, WatchStream.Sink sink, String namespace, long from) {
        try {
            stream.start(service.store(), namespace, from);
            return true;
        } catch (RuntimeException e) {
            ApiException api = e instanceof ApiException a ? a : ApiException.internal("the watch could not start: " + e.getMessage());
            sink.event("ERROR", api.toStatus());
            sink.end();
            return false;
        }
    }

    /** apiserver's validateWatchOptions (1.32, WatchList on): what sendInitialEvents and resourceVersionMatch need. */
    private static void validateWatchOptions(QueryParams query) {
        String match = query.get("resourceVersionMatch") == null ? "" : query.get("resourceVersionMatch");
        boolean initialEventsGiven = query.get("sendInitialEvents") != null;
        List<ApiException.Cause> causes = new ArrayList<>();
        if (initialEventsGiven && !match.equals("NotOlderThan")) {
            causes.add(forbidden("sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"));
        }
        if (!match.isEmpty()) {
            if (!initialEventsGiven) {
                causes.add(forbidden("resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
            }
            if (!match.equals("NotOlderThan")) {
                causes.add(new ApiException.Cause("FieldValueNotSupported", "Unsupported value: \"" + match
                        + "\": supported values: \"NotOlderThan\"", "resourceVersionMatch"));
            }
            if (query.get("continue") != null && !query.get("continue").isEmpty()) {
                causes.add(forbidden("resourceVersionMatch is forbidden when continue is provided"));
            }
        }
        if (!causes.isEmpty()) {
            throw ApiException.invalid("meta.k8s.io", "ListOptions", "", causes);
        }
    }

    private static ApiException.Cause forbidden(String why) {
        return new ApiException.Cause("FieldValueForbidden", "Forbidden: " + why, "resourceVersionMatch");
    }

    private static byte[] serialize(String type, JsonNode object) {
        ObjectNode event = Json.object().put("type", type);
        event.set("object", object);
        return Json.write(event).getBytes();
    }
}
