package io.coxswain.ls.services;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Labels used by the pod templates of the open files, in selectors (keys as {@code key: value} pairs, and values);
 * the port names of the same pod template for probes' and Services' named ports, and its container names for
 * {@code resourceFieldRef.containerName}, {@code targetContainerName} and kubectl's default-container annotation. The text must parse for the last two, since they read the manifest.
 */
public final class LabelCompletionParticipant implements CompletionParticipant {

    /** Keys whose value names a container of the same pod: kubectl's default-container annotation among them. */
    private static final Set<String> CONTAINER_REFERENCES = Set.of("containerName", "targetContainerName",
            "kubectl.kubernetes.io/default-container");

    @Override
    public void onKey(CompletionRequest request, List<CompletionItem> out) {
        if (!inSelector(request.context().path())) {
            return;
        }
        Map<String, TreeSet<String>> labels = labels(request.workspace());
        labels.forEach((key, values) -> values.forEach(value -> {
            if (!request.context().present().contains(key)) {
                out.add(request.item(key + ": " + value, CompletionItemKind.Field, key + ": " + value, false, "0" + key,
                        "label used by a pod template", null));
            }
        }));
    }

    @Override
    public void onValue(CompletionRequest request, List<CompletionItem> out) {
        List<Object> path = request.context().path();
        if (path.size() >= 2 && inSelector(path.subList(0, path.size() - 1))) {
            TreeSet<String> values = labels(request.workspace()).getOrDefault(request.context().valueOf(), new TreeSet<>());
            values.forEach(v -> out.add(request.item(v, CompletionItemKind.Value, v, false, "0" + v, "label value", null)));
        }
        String key = request.context().valueOf();
        JsonNode content = request.section().parse().content();
        List<JsonNode> podSpecs = new ArrayList<>();
        String pointer = PodTemplates.templatePointer(content);
        if (pointer != null) {
            podSpecs.add((pointer.isEmpty() ? content : content.at(pointer)).path("spec"));
        } else if (content != null && "Service".equals(content.path("kind").asText())
                && content.path("spec").path("selector").isObject() && !content.path("spec").path("selector").isEmpty()) {
            // A Service's named targetPort refers to the ports of the pods it selects, in any open file.
            JsonNode selector = content.path("spec").path("selector");
            PodTemplates.templates(request.workspace()).stream().filter(t -> PodTemplates.matches(selector, t.labels()))
                    .forEach(t -> podSpecs.add(t.podSpec()));
        }
        for (JsonNode spec : podSpecs) {
            if (CONTAINER_REFERENCES.contains(key)) {
                for (String list : List.of("containers", "initContainers")) {
                    for (JsonNode container : spec.path(list)) {
                        String name = container.path("name").asText("");
                        if (!name.isEmpty()) {
                            out.add(request.item(name, CompletionItemKind.Reference, name, false, "0" + name, "container", null));
                        }
                    }
                }
            }
            for (JsonNode container : spec.path("containers")) {
                for (JsonNode port : container.path("ports")) {
                    String name = port.path("name").asText("");
                    if (("port".equals(key) || "targetPort".equals(key)) && !name.isEmpty()) {
                        out.add(request.item(name, CompletionItemKind.Reference, name, false, "0" + name,
                                "port of container " + container.path("name").asText(), null));
                    }
                }
            }
        }
    }

    private static boolean inSelector(List<Object> path) {
        if (path.isEmpty()) {
            return false;
        }
        Object last = path.get(path.size() - 1);
        return "matchLabels".equals(last) || ("selector".equals(last) && path.size() == 2 && "spec".equals(path.get(0)));
    }

    static Map<String, TreeSet<String>> labels(Workspace workspace) {
        Map<String, TreeSet<String>> out = new TreeMap<>();
        for (PodTemplates.Template template : PodTemplates.templates(workspace)) {
            template.labels().fields().forEachRemaining(e -> out.computeIfAbsent(e.getKey(), k -> new TreeSet<>())
                    .add(e.getValue().asText()));
        }
        return out;
    }
}
