package io.coxswain.scheduler;

import io.coxswain.client.DaemonThreads;
import io.coxswain.client.EventRecorder;
import io.coxswain.client.MergePatch;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Writes the scheduler's decisions: a Binding through {@code pods/{name}/binding} (asynchronous, a bounded number
 * in flight), the Scheduled and FailedScheduling events, and the PodScheduled=False condition of a pod that fits
 * nowhere.
 */
final class Binder implements AutoCloseable {

    private final KubernetesClient client;
    private final HttpClient http;
    private final Semaphore inFlight;
    private final EventRecorder events;
    private final ExecutorService statusWriter = Executors.newSingleThreadExecutor(DaemonThreads.named("scheduler-status"));

    Binder(KubernetesClient client, int parallelism) {
        this.client = client;
        this.http = client.getHttpClient();
        this.inFlight = new Semaphore(parallelism);
        this.events = new EventRecorder(client, "default-scheduler", null);
    }

    CompletableFuture<Void> bind(Pod pod, String node) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        String body = Serialization.asJson(Map.of("apiVersion", "v1", "kind", "Binding",
                "metadata", Map.of("name", name, "namespace", ns, "uid", pod.getMetadata().getUid()),
                "target", Map.of("apiVersion", "v1", "kind", "Node", "name", node)));
        HttpRequest request = http.newHttpRequestBuilder()
                .uri(MergePatch.url(client, "/api/v1/namespaces/" + ns + "/pods/" + name + "/binding"))
                .post("application/json", body).build();
        inFlight.acquireUninterruptibly();
        return http.sendAsync(request, String.class).handle((response, error) -> {
            inFlight.release();
            if (error != null) {
                throw new KubernetesClientException("binding " + ns + "/" + name + ": " + error.getMessage(), error);
            }
            if (response.code() >= 300) {
                throw new KubernetesClientException("binding " + ns + "/" + name + " answered " + response.code() + ": "
                        + response.body(), response.code(), null);
            }
            events.normal(pod, null, "Scheduled", "Successfully assigned " + ns + "/" + name + " to " + node);
            return null;
        });
    }

    /** The pod fits no node: say why on the pod (PodScheduled=False) and in an event. */
    void unschedulable(Pod pod, String message) {
        events.warning(pod, null, "FailedScheduling", message);
        var conditions = pod.getStatus() == null || pod.getStatus().getConditions() == null ? List.<io.fabric8.kubernetes.api.model.PodCondition>of()
                : pod.getStatus().getConditions();
        boolean same = conditions.stream().anyMatch(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
                && message.equals(c.getMessage()));
        if (same) {
            return;
        }
        statusWriter.execute(() -> {
            try {
                client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                        .subresource("status").patch(PatchContext.of(PatchType.STRATEGIC_MERGE), Serialization.asJson(Map.of(
                                "status", Map.of("conditions", List.of(Map.of("type", "PodScheduled", "status", "False",
                                        "reason", "Unschedulable", "message", message,
                                        "lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()))))));
            } catch (KubernetesClientException e) {
                // the pod went away meanwhile
            }
        });
    }

    @Override
    public void close() {
        events.close();
        statusWriter.shutdownNow();
    }
}
