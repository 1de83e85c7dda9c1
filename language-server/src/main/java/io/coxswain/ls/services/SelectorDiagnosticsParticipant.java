package io.coxswain.ls.services;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.ls.model.ManifestDocument;
import io.coxswain.ls.model.SectionParse;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks across the open files: a Service whose selector matches no pod template (a warning when its own file
 * holds workloads, else a hint, since the pods may be in a file that is not open), and a named targetPort that no
 * matching pod declares.
 */
public final class SelectorDiagnosticsParticipant implements DiagnosticsParticipant {

    @Override
    public void doDiagnostics(DiagnosticsRequest request, List<Diagnostic> out) {
        List<PodTemplates.Template> templates = null;
        Map<String, List<PodTemplates.Template>> byLabel = null;
        ManifestDocument document = request.document();
        for (PodTemplates.Selector selector : PodTemplates.selectors(singleFile(document))) {
            if (!"Service".equals(selector.kind())) {
                continue;
            }
            if (templates == null) {
                templates = PodTemplates.templates(request.workspace());
                byLabel = index(templates);
            }
            // A Service's selector is a plain map: only templates with its first label can match, so look those up.
            var first = selector.selector().fields().next();
            List<PodTemplates.Template> matching = byLabel.getOrDefault(first.getKey() + "=" + first.getValue().asText(), List.of())
                    .stream().filter(t -> selector.matches(t.labels())).toList();
            SectionParse parse = selector.parse();
            int start = document.startLine(selector.sectionIndex());
            if (matching.isEmpty()) {
                // With workloads beside it in its own file, a selector that misses them all is likely a mistake; alone,
                // its pods are most likely in a file that is not open, so it is only a hint.
                boolean besideWorkloads = templates.stream().anyMatch(t -> t.document().uri().equals(document.uri()));
                out.add(new Problem(parse.keyOrAncestor(selector.pointer()),
                        "this selector matches no pod template in the open files",
                        besideWorkloads ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
                        "selector", null).toDiagnostic(start));
                continue;
            }
            JsonNode ports = parse.content().path("spec").path("ports");
            for (int i = 0; i < ports.size(); i++) {
                JsonNode target = ports.get(i).path("targetPort");
                if (target.isTextual() && matching.stream().noneMatch(t -> declaresPort(t.podSpec(), target.asText()))) {
                    out.add(new Problem(parse.valueOrAncestor("/spec/ports/" + i + "/targetPort"),
                            "no container of the selected pods has a port named \"" + target.asText() + "\"",
                            DiagnosticSeverity.Warning, "selector", null).toDiagnostic(start));
                }
            }
        }
    }

    private static Map<String, List<PodTemplates.Template>> index(List<PodTemplates.Template> templates) {
        Map<String, List<PodTemplates.Template>> out = new HashMap<>();
        for (PodTemplates.Template t : templates) {
            t.labels().fields().forEachRemaining(e ->
                    out.computeIfAbsent(e.getKey() + "=" + e.getValue().asText(), k -> new ArrayList<>()).add(t));
        }
        return out;
    }

    private static Workspace singleFile(ManifestDocument document) {
        Workspace one = new Workspace();
        one.put(document);
        return one;
    }

    static boolean declaresPort(JsonNode podSpec, String name) {
        for (String list : List.of("containers", "initContainers")) {
            for (JsonNode container : podSpec.path(list)) {
                for (JsonNode port : container.path("ports")) {
                    if (name.equals(port.path("name").asText())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
