package io.coxswain.ls.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.JsonParser;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the editor's commands do to one object, through fabric8: server-side apply (field manager {@code coxswain}),
 * its dry run, delete, the live-versus-local diff, and logs. Each returns a result map as CLUSTER-LINK.md describes;
 * a refusal from the server is a result, never an exception.
 */
final class ClusterCommands {

    static final String FIELD_MANAGER = "coxswain";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A refusal with the fields it names, for diagnostics on the document. */
    record Refusal(int code, String message, List<StatusCause> causes) {
    }

    private final KubernetesClient client;

    ClusterCommands(KubernetesClient client) {
        this.client = client;
    }

    Map<String, Object> apply(ManifestObject object, boolean force, boolean dryRun, Consumer<Refusal> refused) {
        Map<String, Object> result = result(object);
        try {
            PatchContext context = new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY)
                    .withFieldManager(FIELD_MANAGER).withForce(force).withDryRun(dryRun ? List.of("All") : null).build();
            GenericKubernetesResource resource = toResource(object);
            HasMetadata applied = client.resource(resource).patch(context, resource);
            result.put("ok", true);
            result.put("code", 200);
            result.put("message", resourceName(object) + (dryRun ? " serverside-applied (server dry run)" : " serverside-applied"));
            result.put("object", JsonParser.parseString(client.getKubernetesSerialization().asJson(applied)));
        } catch (KubernetesClientException e) {
            failed(result, e);
            result.put("conflict", e.getCode() == 409);
            if (e.getCode() >= 400 && e.getCode() < 500 && e.getCode() != 409) {
                refused.accept(new Refusal(e.getCode(), message(e), e.getStatus() == null || e.getStatus().getDetails() == null
                        || e.getStatus().getDetails().getCauses() == null ? List.of() : e.getStatus().getDetails().getCauses()));
            }
        }
        return result;
    }

    Map<String, Object> delete(ManifestObject object) {
        Map<String, Object> result = result(object);
        try {
            var deleted = client.resource(toResource(object)).delete();
            result.put("ok", !deleted.isEmpty());
            result.put("code", deleted.isEmpty() ? 404 : 200);
            result.put("message", resourceName(object) + (deleted.isEmpty() ? " not found" : " deleted"));
        } catch (KubernetesClientException e) {
            failed(result, e);
        }
        return result;
    }

    Map<String, Object> diff(ManifestObject object) {
        Map<String, Object> result = result(object);
        try {
            HasMetadata live = client.resource(toResource(object)).get();
            String local = yaml(object.content());
            result.put("local", local);
            if (live == null) {
                result.put("ok", true);
                result.put("code", 404);
                result.put("live", "");
                result.put("message", resourceName(object) + " is not in the cluster yet");
                return result;
            }
            JsonNode liveJson = JSON.readTree(client.getKubernetesSerialization().asJson(live));
            String liveYaml = yaml(LiveDiff.withoutServerFields(liveJson, object.content()));
            result.put("ok", true);
            result.put("code", 200);
            result.put("live", liveYaml);
            result.put("message", liveYaml.equals(local) ? "no differences" : resourceName(object) + " differs");
        } catch (KubernetesClientException e) {
            failed(result, e);
        } catch (java.io.IOException e) {
            result.put("ok", false);
            result.put("message", "cannot read the live object: " + e.getMessage());
        }
        return result;
    }

    /** The logs of a Pod, or of a workload's newest pod; with a follower, more text goes to it until the stream ends. */
    Map<String, Object> logs(ManifestObject object, String container, Integer tailLines, Consumer<String> follower,
                             Runnable ended, Consumer<LogWatch> following) {
        Map<String, Object> result = result(object);
        try {
            Pod pod = "Pod".equals(object.kind()) ? client.pods().inNamespace(object.namespace()).withName(object.name()).get()
                    : newestPod(object);
            if (pod == null) {
                result.put("ok", false);
                result.put("code", 404);
                result.put("message", "no pod of " + resourceName(object) + " is running");
                return result;
            }
            String name = container != null ? container : defaultContainer(pod);
            result.put("pod", pod.getMetadata().getName());
            result.put("container", name);
            var logs = client.pods().inNamespace(object.namespace()).withName(pod.getMetadata().getName()).inContainer(name);
            String text = tailLines == null ? logs.getLog() : logs.tailingLines(tailLines).getLog();
            result.put("ok", true);
            result.put("code", 200);
            result.put("logs", text);
            result.put("message", "logs of pod " + pod.getMetadata().getName() + ", container " + name);
            if (follower != null) {
                LogWatch watch = logs.tailingLines(0).watchLog(new OutputStream() {
                    @Override
                    public void write(int b) {
                        write(new byte[]{(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        follower.accept(new String(b, off, len, StandardCharsets.UTF_8));
                    }
                });
                following.accept(watch);
                watch.onClose().whenComplete((error, failure) -> ended.run());
            }
        } catch (KubernetesClientException e) {
            failed(result, e);
        }
        return result;
    }

    private Pod newestPod(ManifestObject object) {
        JsonNode spec = object.content().path("spec");
        JsonNode labels = spec.path("selector").has("matchLabels") ? spec.path("selector").path("matchLabels")
                : spec.path("selector").isObject() && !spec.path("selector").isEmpty() ? spec.path("selector")
                : spec.path("template").path("metadata").path("labels");
        if (!labels.isObject() || labels.isEmpty()) {
            labels = spec.path("jobTemplate").path("spec").path("template").path("metadata").path("labels");
        }
        Map<String, String> selector = new LinkedHashMap<>();
        labels.fields().forEachRemaining(e -> selector.put(e.getKey(), e.getValue().asText()));
        if (selector.isEmpty()) {
            return null;
        }
        return client.pods().inNamespace(object.namespace()).withLabels(selector).list().getItems().stream()
                .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp())).orElse(null);
    }

    private static String defaultContainer(Pod pod) {
        var annotations = pod.getMetadata().getAnnotations();
        String annotated = annotations == null ? null : annotations.get("kubectl.kubernetes.io/default-container");
        return annotated != null ? annotated : pod.getSpec().getContainers().get(0).getName();
    }

    private GenericKubernetesResource toResource(ManifestObject object) {
        GenericKubernetesResource resource = client.getKubernetesSerialization()
                .unmarshal(object.content().toString(), GenericKubernetesResource.class);
        if (resource.getMetadata().getNamespace() == null && namespaced(object)) {
            resource.getMetadata().setNamespace(object.namespace());
        }
        return resource;
    }

    private boolean namespaced(ManifestObject object) {
        var resources = client.getApiResources(object.apiVersion());
        return resources == null || resources.getResources().stream()
                .filter(r -> object.kind().equals(r.getKind()) && !r.getName().contains("/"))
                .findFirst().map(r -> !Boolean.FALSE.equals(r.getNamespaced())).orElse(true);
    }

    private static Map<String, Object> result(ManifestObject object) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("document", object.document());
        result.put("kind", object.kind());
        result.put("namespace", object.namespace());
        result.put("name", object.name());
        return result;
    }

    private static void failed(Map<String, Object> result, KubernetesClientException e) {
        result.put("ok", false);
        result.put("code", e.getCode());
        result.put("message", message(e));
    }

    static String message(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return e.getStatus().getMessage();
        }
        return e.getMessage();
    }

    static String resourceName(ManifestObject object) {
        return object.kind().toLowerCase(java.util.Locale.ROOT) + "/" + object.name();
    }

    private String yaml(JsonNode node) {
        return client.getKubernetesSerialization().asYaml(JSON.convertValue(node, Object.class));
    }
}
