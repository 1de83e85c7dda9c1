package io.coxswain.tests.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.apiserver.ApiServerOptions;
import io.coxswain.tests.cluster.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.coxswain.tests.apiserver.RawApi.name;
import static io.coxswain.tests.apiserver.RawApi.rv;
import static io.coxswain.tests.apiserver.RawApi.type;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The watch protocol as kube-apiserver speaks it, checked over plain HTTP: chunked JSON events read line by
 * line, resuming from a resourceVersion, 410 Expired in the stream, bookmarks, selector transitions, the
 * initial-events handshake of streaming lists, and many watchers at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatchSemanticsTest {

    @TempDir
    static java.nio.file.Path dir;
    static TestCluster cluster;
    static RawApi api;

    @BeforeAll
    static void start() throws IOException {
        cluster = TestCluster.embedded(dir, ApiServerOptions.defaults().withBookmarkMillis(200));
        api = new RawApi(cluster.http());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String configMaps(String ns) {
        return "/api/v1/namespaces/" + ns + "/configmaps";
    }

    @Test
    void resumesFromAResourceVersionWithEventsAfterItOnly() throws Exception {
        String ns = "resume";
        api.createNamespace(ns);
        JsonNode a = api.createConfigMap(ns, "a");
        JsonNode b = api.createConfigMap(ns, "b");
        JsonNode c = api.createConfigMap(ns, "c");

        try (RawApi.Watch watch = api.watch(configMaps(ns) + "?watch=true&resourceVersion=" + rv(b))) {
            assertThat(watch.status()).isEqualTo(200);
            JsonNode first = watch.next(5);
            assertThat(type(first)).isEqualTo("ADDED");
            assertThat(name(first)).isEqualTo("c");
            assertThat(rv(first.path("object"))).isEqualTo(rv(c));

            api.mergePatch(configMaps(ns) + "/a", "{\"data\":{\"key\":\"changed\"}}");
            JsonNode modified = watch.next(5);
            assertThat(type(modified)).isEqualTo("MODIFIED");
            assertThat(name(modified)).isEqualTo("a");
            assertThat(modified.path("object").path("data").path("key").asText()).isEqualTo("changed");
            assertThat(rv(modified.path("object"))).isGreaterThan(rv(c));

            api.delete(configMaps(ns) + "/b");
            JsonNode deleted = watch.next(5);
            assertThat(type(deleted)).isEqualTo("DELETED");
            assertThat(name(deleted)).isEqualTo("b");
            assertThat(rv(deleted.path("object"))).isGreaterThan(rv(modified.path("object")));

            // Nothing from before the resourceVersion (a and b were created at or before it).
            assertThat(watch.drain(400)).isEmpty();
        }

        // From a's version: b and c, in revision order, then nothing.
        try (RawApi.Watch watch = api.watch(configMaps(ns) + "?watch=true&resourceVersion=" + rv(a))) {
            List<String> seen = new ArrayList<>();
            JsonNode e1 = watch.next(5);
            JsonNode e2 = watch.next(5);
            seen.add(type(e1) + " " + name(e1));
            seen.add(type(e2) + " " + name(e2));
            assertThat(seen).containsExactly("ADDED b", "ADDED c");
            assertThat(rv(e1.path("object"))).isEqualTo(rv(b));
        }
    }

    @Test
    void aCompactedResourceVersionGetsAnExpiredErrorInTheStream() throws Exception {
        String ns = "expired";
        api.createNamespace(ns);
        JsonNode old = api.createConfigMap(ns, "x");
        api.mergePatch(configMaps(ns) + "/x", "{\"data\":{\"key\":\"1\"}}");
        api.mergePatch(configMaps(ns) + "/x", "{\"data\":{\"key\":\"2\"}}");
        long current = cluster.store().currentRevision().get(5, TimeUnit.SECONDS);
        cluster.store().compact(current).get(10, TimeUnit.SECONDS);

        try (RawApi.Watch watch = api.watch(configMaps(ns) + "?watch=true&resourceVersion=" + rv(old))) {
            assertThat(watch.status()).as("the error comes in the stream, not as the response status").isEqualTo(200);
            JsonNode event = watch.next(5);
            assertThat(type(event)).isEqualTo("ERROR");
            JsonNode status = event.path("object");
            assertThat(status.path("kind").asText()).isEqualTo("Status");
            assertThat(status.path("apiVersion").asText()).isEqualTo("v1");
            assertThat(status.path("status").asText()).isEqualTo("Failure");
            assertThat(status.path("code").asInt()).isEqualTo(410);
            assertThat(status.path("reason").asText()).isEqualTo("Expired");
            assertThat(status.path("message").asText()).contains("too old resource version");
            // ... and then the server ends the stream.
            watch.ended.get(5, TimeUnit.SECONDS);
        }

        // A watch from the compaction point itself is fine.
        try (RawApi.Watch watch = api.watch(configMaps(ns) + "?watch=true&resourceVersion=" + current)) {
            api.createConfigMap(ns, "y");
            JsonNode event = watch.next(5);
            assertThat(type(event) + " " + name(event)).isEqualTo("ADDED y");
        }
    }

    @Test
    void bookmarksCarryTheLatestResourceVersionWhenAllowed() throws Exception {
        String ns = "bookmarks";
        api.createNamespace(ns);
        long start = rv(api.get(configMaps(ns)));

        try (RawApi.Watch plain = api.watch(configMaps(ns) + "?watch=true&resourceVersion=" + start);
             RawApi.Watch watch = api.watch(configMaps(ns) + "?watch=true&allowWatchBookmarks=true&resourceVersion=" + start)) {
            JsonNode bookmark = watch.next(3);
            assertThat(type(bookmark)).isEqualTo("BOOKMARK");
            JsonNode object = bookmark.path("object");
            assertThat(object.path("kind").asText()).isEqualTo("ConfigMap");
            assertThat(object.path("apiVersion").asText()).isEqualTo("v1");
            assertThat(rv(object)).isGreaterThanOrEqualTo(start);
            assertThat(object.has("data")).isFalse();

            // Many changes while bookmarks keep coming: a bookmark never claims a version whose event is still to come.
            int writes = 150;
            long last = 0;
            for (int i = 0; i < writes; i++) {
                last = rv(api.createConfigMap(ns, "cm-" + i));
            }
            List<JsonNode> events = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long newestBookmark = -1;
            while (System.nanoTime() < deadline && newestBookmark < last) {
                JsonNode e = watch.next(3);
                events.add(e);
                if (type(e).equals("BOOKMARK")) {
                    newestBookmark = rv(e.path("object"));
                }
            }
            assertThat(newestBookmark).as("a bookmark at or after the last write").isGreaterThanOrEqualTo(last);
            long bookmarked = rv(object);
            int added = 0;
            int bookmarks = 1;
            long previous = 0;
            for (JsonNode e : events) {
                long version = rv(e.path("object"));
                if (type(e).equals("BOOKMARK")) {
                    bookmarks++;
                    assertThat(version).as("bookmarks never go back").isGreaterThanOrEqualTo(bookmarked);
                    bookmarked = version;
                } else {
                    added++;
                    assertThat(type(e)).isEqualTo("ADDED");
                    assertThat(version).as("event after a bookmark at %d", bookmarked).isGreaterThan(bookmarked);
                    assertThat(version).as("events in revision order").isGreaterThan(previous);
                    previous = version;
                }
            }
            assertThat(added).isEqualTo(writes);
            System.out.printf("bookmarks: %d ADDED interleaved with %d bookmarks%n", added, bookmarks);

            // A watch that did not ask for bookmarks gets none.
            List<JsonNode> plainEvents = plain.drain(600);
            assertThat(plainEvents).hasSize(writes).allSatisfy(e -> assertThat(type(e)).isEqualTo("ADDED"));
        }
    }

    @Test
    void objectsMovingInAndOutOfALabelSelectorAreAddedAndDeleted() throws Exception {
        String ns = "selector";
        api.createNamespace(ns);
        long start = rv(api.get(configMaps(ns)));
        try (RawApi.Watch watch = api.watch(configMaps(ns) + "?watch=true&labelSelector=app%3Dweb&resourceVersion=" + start)) {
            api.createConfigMap(ns, "mover", "app", "other");
            api.mergePatch(configMaps(ns) + "/mover", "{\"data\":{\"key\":\"unseen\"}}");

            api.mergePatch(configMaps(ns) + "/mover", "{\"metadata\":{\"labels\":{\"app\":\"web\"}}}");
            JsonNode in = watch.next(5);
            assertThat(type(in) + " " + name(in)).isEqualTo("ADDED mover");
            assertThat(in.path("object").path("metadata").path("labels").path("app").asText()).isEqualTo("web");
            assertThat(in.path("object").path("data").path("key").asText()).isEqualTo("unseen");

            api.mergePatch(configMaps(ns) + "/mover", "{\"data\":{\"key\":\"seen\"}}");
            JsonNode changed = watch.next(5);
            assertThat(type(changed) + " " + name(changed)).isEqualTo("MODIFIED mover");

            JsonNode moved = api.mergePatch(configMaps(ns) + "/mover", "{\"metadata\":{\"labels\":{\"app\":\"db\"}}}");
            JsonNode out = watch.next(5);
            assertThat(type(out) + " " + name(out)).isEqualTo("DELETED mover");
            assertThat(rv(out.path("object"))).isEqualTo(rv(moved));

            // Outside the selector again: its changes and its deletion are not seen; the next matching object is.
            api.mergePatch(configMaps(ns) + "/mover", "{\"data\":{\"key\":\"unseen-again\"}}");
            api.delete(configMaps(ns) + "/mover");
            api.createConfigMap(ns, "sentinel", "app", "web");
            JsonNode next = watch.next(5);
            assertThat(type(next) + " " + name(next)).isEqualTo("ADDED sentinel");

            // Deleting a matching object is DELETED.
            api.delete(configMaps(ns) + "/sentinel");
            JsonNode gone = watch.next(5);
            assertThat(type(gone) + " " + name(gone)).isEqualTo("DELETED sentinel");
            assertThat(watch.drain(300)).isEmpty();
        }
    }

    @Test
    void sendInitialEventsEndsTheInitialAddsWithAnAnnotatedBookmark() throws Exception {
        String ns = "initial";
        api.createNamespace(ns);
        long newest = 0;
        for (String n : List.of("one", "two", "three")) {
            newest = Math.max(newest, rv(api.createConfigMap(ns, n, "set", "initial")));
        }
        api.createConfigMap(ns, "unlabelled");

        String query = "?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&labelSelector=set%3Dinitial";
        try (RawApi.Watch watch = api.watch(configMaps(ns) + query)) {
            Set<String> initial = new HashSet<>();
            JsonNode end;
            while (true) {
                JsonNode e = watch.next(5);
                if (type(e).equals("BOOKMARK")) {
                    end = e;
                    break;
                }
                assertThat(type(e)).isEqualTo("ADDED");
                initial.add(name(e));
            }
            assertThat(initial).containsExactlyInAnyOrder("one", "two", "three");
            assertThat(end.path("object").path("metadata").path("annotations").path("k8s.io/initial-events-end").asText())
                    .as("the first bookmark marks the end of the initial events: %s", end).isEqualTo("true");
            assertThat(rv(end.path("object"))).isGreaterThanOrEqualTo(newest);

            api.createConfigMap(ns, "four", "set", "initial");
            JsonNode next = watch.nextChange(5);
            assertThat(type(next) + " " + name(next)).isEqualTo("ADDED four");
            assertThat(rv(next.path("object"))).isGreaterThan(rv(end.path("object")));

            // Later bookmarks are ordinary ones.
            JsonNode later = watch.next(3);
            assertThat(type(later)).isEqualTo("BOOKMARK");
            assertThat(later.path("object").path("metadata").path("annotations").path("k8s.io/initial-events-end").isMissingNode())
                    .isTrue();
        }

        // sendInitialEvents needs resourceVersionMatch=NotOlderThan.
        RawApi.Response refused = api.send("GET", configMaps(ns) + "?watch=true&sendInitialEvents=true&allowWatchBookmarks=true", null, null);
        assertThat(refused.code()).isEqualTo(422);
        assertThat(refused.body().path("reason").asText()).isEqualTo("Invalid");
    }

    @Test
    void aThousandConcurrentWatchersAllSeeTheEvent() throws Exception {
        String ns = "many";
        api.createNamespace(ns);
        long start = rv(api.get(configMaps(ns)));
        int watchers = 1000;
        CountDownLatch seen = new CountDownLatch(watchers);
        AtomicInteger wrong = new AtomicInteger();
        List<RawApi.Watch> watches = new ArrayList<>(watchers);
        long opening = System.nanoTime();
        try {
            for (int i = 0; i < watchers; i++) {
                watches.add(api.watch(configMaps(ns) + "?watch=true&resourceVersion=" + start, event -> {
                    if (type(event).equals("ADDED") && name(event).equals("ping")) {
                        seen.countDown();
                    } else {
                        wrong.incrementAndGet();
                    }
                }));
                // Each watch is a connection of its own, with its own TLS handshake: they are opened 100 at a time, as a
                // thousand handshakes at once on two busy cores can outlast the server's 10 s handshake timeout.
                if (watches.size() % 100 == 0) {
                    for (RawApi.Watch w : watches.subList(watches.size() - 100, watches.size())) {
                        assertThat(w.status(60)).isEqualTo(200);
                    }
                }
            }
            double openSeconds = (System.nanoTime() - opening) / 1e9;
            int open = api.openWatches();
            assertThat(open).isGreaterThanOrEqualTo(watchers);

            long sent = System.nanoTime();
            api.createConfigMap(ns, "ping");
            boolean all = seen.await(30, TimeUnit.SECONDS);
            double fanOut = (System.nanoTime() - sent) / 1e9;
            System.out.printf("%d watchers opened in %.2fs (server reports %d open); all saw the event in %.3fs%n",
                    watchers, openSeconds, open, fanOut);
            assertThat(all).as("%d of %d watchers still waiting", seen.getCount(), watchers).isTrue();
            assertThat(wrong.get()).isZero();
        } finally {
            watches.forEach(RawApi.Watch::close);
        }
        // The server lets go of the watches its clients closed.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        int open = api.openWatches();
        while (open >= 10 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            open = api.openWatches();
        }
        assertThat(open).as("open watches after the clients closed theirs").isLessThan(10);
    }
}
