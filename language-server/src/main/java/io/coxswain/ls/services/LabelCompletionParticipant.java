package io.coxswain.ls.services;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemKind;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Labels used by the pod templates of the open files, in selectors (keys as {@code key: value} pairs, and values),
 * and the port names of the same pod template for probes' and Services' named ports.
 */
public final class LabelCompletionParticipant implements CompletionParticipant {

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
        if (("port".equals(key) || "targetPort".equals(key)) && request.section().parse().content() != null) {
            JsonNode content = request.section().parse().content();
            String pointer = PodTemplates.templatePointer(content);
            if (pointer != null) {
                JsonNode spec = (pointer.isEmpty() ? content : content.at(pointer)).path("spec");
                for (JsonNode container : spec.path("containers")) {
                    for (JsonNode port : container.path("ports")) {
                        String name = port.path("name").asText("");
                        if (!name.isEmpty()) {
                            out.add(request.item(name, CompletionItemKind.Reference, name, false, "0" + name,
                                    "port of container " + container.path("name").asText(), null));
                        }
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
