package io.coxswain.ls.services;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.ls.model.ManifestDocument;
import io.coxswain.ls.model.SectionParse;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;

import java.util.List;

/**
 * Checks across the open files: a Service whose selector matches no pod template (a warning when its own file
 * holds workloads, else a hint, since the pods may be in a file that is not open), and a named targetPort that no
 * matching pod declares.
 */
public final class SelectorDiagnosticsParticipant implements DiagnosticsParticipant {

    @Override
    public void doDiagnostics(DiagnosticsRequest request, List<Diagnostic> out) {
        List<PodTemplates.Template> templates = null;
        ManifestDocument document = request.document();
        for (PodTemplates.Selector selector : PodTemplates.selectors(singleFile(document))) {
            if (!"Service".equals(selector.kind())) {
                continue;
            }
            if (templates == null) {
                templates = PodTemplates.templates(request.workspace());
            }
            List<PodTemplates.Template> matching = templates.stream().filter(t -> selector.matches(t.labels())).toList();
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
