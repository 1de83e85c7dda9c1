package io.coxswain.tests.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Pod start as the pod start benchmarks measure it: from the POST of a Pod to the watch event that shows it Running,
 * through one watch on the namespace opened before the first POST (so no event is missed, and no watch's setup is
 * timed).
 */
public final class PodStartClock implements AutoCloseable {

    public static final String IMAGE = "coxswain/busybox:1";
    private static final Duration RUNNING_TIMEOUT = Duration.ofSeconds(60);

    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, CompletableFuture<Long>> running = new ConcurrentHashMap<>();
    private final Watch watch;

    public PodStartClock(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
        this.watch = client.pods().inNamespace(namespace).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                long now = System.nanoTime();
                if (pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())) {
                    CompletableFuture<Long> f = running.get(pod.getMetadata().getName());
                    if (f != null) {
                        f.complete(now);
                    }
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                running.values().forEach(f -> f.completeExceptionally(new IllegalStateException("the watch closed", cause)));
            }
        });
    }

    /** POSTs a pod of {@code sleep 3600} bound to {@code node} and waits for the watch to show it Running; the nanos between. */
    public long start(String name, String node) {
        CompletableFuture<Long> seen = new CompletableFuture<>();
        running.put(name, seen);
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec().withNodeName(node).withTerminationGracePeriodSeconds(0L)
                .addNewContainer().withName("app").withImage(IMAGE).withImagePullPolicy("IfNotPresent")
                .withCommand("sleep", "3600").endContainer().endSpec().build();
        long start = System.nanoTime();
        client.pods().inNamespace(namespace).resource(pod).create();
        try {
            return seen.get(RUNNING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) - start;
        } catch (TimeoutException e) {
            throw new AssertionError("pod " + name + " was not Running after " + RUNNING_TIMEOUT + ": "
                    + client.pods().inNamespace(namespace).withName(name).get().getStatus());
        } catch (Exception e) {
            throw new IllegalStateException("waiting for pod " + name, e);
        }
    }

    @Override
    public void close() {
        watch.close();
    }
}
