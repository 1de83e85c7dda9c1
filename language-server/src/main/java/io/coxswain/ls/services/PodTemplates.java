package io.coxswain.ls.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.ls.model.ManifestDocument;
import io.coxswain.ls.model.Section;
import io.coxswain.ls.model.SectionParse;
import io.coxswain.schemas.LabelSelectors;

import java.util.ArrayList;
import java.util.List;

/** Pod templates and selectors across the open files: what links a Service or a workload to its pods. */
public final class PodTemplates {

    /** A pod template (or a Pod) in an open file; {@code pointer} leads to its metadata. */
    public record Template(ManifestDocument document, int sectionIndex, String pointer, JsonNode labels, JsonNode podSpec) {
        public SectionParse parse() {
            return document.sections().get(sectionIndex).parse();
        }
    }

    /** A selector in an open file; {@code pointer} leads to the selector object. */
    public record Selector(ManifestDocument document, int sectionIndex, String pointer, JsonNode selector, String kind) {
        public SectionParse parse() {
            return document.sections().get(sectionIndex).parse();
        }

        public boolean matches(JsonNode labels) {
            return PodTemplates.matches(selector, labels);
        }
    }

    private PodTemplates() {
    }

    public static List<Template> templates(Workspace workspace) {
        List<Template> out = new ArrayList<>();
        for (ManifestDocument document : workspace.documents()) {
            List<Section> sections = document.sections();
            for (int i = 0; i < sections.size(); i++) {
                JsonNode content = sections.get(i).parse().content();
                String pointer = templatePointer(content);
                if (pointer != null) {
                    JsonNode template = pointer.isEmpty() ? content : content.at(pointer);
                    out.add(new Template(document, i, pointer + "/metadata", template.path("metadata").path("labels"),
                            template.path("spec")));
                }
            }
        }
        return out;
    }

    public static List<Selector> selectors(Workspace workspace) {
        List<Selector> out = new ArrayList<>();
        for (ManifestDocument document : workspace.documents()) {
            List<Section> sections = document.sections();
            for (int i = 0; i < sections.size(); i++) {
                JsonNode content = sections.get(i).parse().content();
                if (content == null || !content.isObject()) {
                    continue;
                }
                String kind = content.path("kind").asText();
                JsonNode selector = content.path("spec").path("selector");
                if (selector.isObject() && !selector.isEmpty()) {
                    out.add(new Selector(document, i, "/spec/selector", selector, kind));
                }
            }
        }
        return out;
    }

    /** Where a manifest's pod template is: "" for a Pod, the template's pointer for workloads, null for none. */
    static String templatePointer(JsonNode content) {
        if (content == null || !content.isObject()) {
            return null;
        }
        if ("Pod".equals(content.path("kind").asText())) {
            return "";
        }
        if (content.path("spec").path("template").isObject()) {
            return "/spec/template";
        }
        if (content.path("spec").path("jobTemplate").path("spec").path("template").isObject()) {
            return "/spec/jobTemplate/spec/template";
        }
        return null;
    }

    /** A Service's selector is a plain map; a workload's has matchLabels and matchExpressions. */
    static boolean matches(JsonNode selector, JsonNode labels) {
        if (selector.has("matchLabels") || selector.has("matchExpressions")) {
            return LabelSelectors.matches(selector, labels);
        }
        ObjectNode asMatchLabels = JsonNodeFactory.instance.objectNode();
        asMatchLabels.set("matchLabels", selector);
        return LabelSelectors.matches(asMatchLabels, labels);
    }
}
