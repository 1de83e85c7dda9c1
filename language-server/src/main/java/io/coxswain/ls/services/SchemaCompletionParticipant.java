package io.coxswain.ls.services;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.schemas.KindSchema;
import io.coxswain.schemas.SchemaNode;
import io.coxswain.schemas.SchemaView;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemKind;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Keys from the schema at the cursor's path (present ones left out, required first), and enum and boolean values. */
public final class SchemaCompletionParticipant implements CompletionParticipant {

    @Override
    public void onKey(CompletionRequest request, List<CompletionItem> out) {
        Optional<SchemaView> view = viewAtCursor(request);
        if (view.isEmpty()) {
            return;
        }
        SchemaView map = view.get();
        String itemPrefix = "";
        if (map.types().contains("array") && map.items().isPresent()) {
            // The cursor is under a list's key but not yet in an item: propose the item's keys with the dash.
            map = map.items().get();
            itemPrefix = "- ";
        }
        Set<String> required = map.required();
        Set<String> present = request.context().present();
        for (Map.Entry<String, SchemaNode> e : map.properties().entrySet()) {
            String name = e.getKey();
            if (present.contains(name)) {
                continue;
            }
            SchemaView child = request.schemas().catalog().view(e.getValue());
            boolean isRequired = required.contains(name);
            String indent = request.childIndent() + (itemPrefix.isEmpty() ? "" : "  ");
            out.add(request.item(name, CompletionItemKind.Property, itemPrefix + name + shape(child, indent), false,
                    (isRequired ? "0" : "1") + name, Hover.typeOf(child) + (isRequired ? " (required)" : ""),
                    child.description()));
        }
    }

    private static Optional<SchemaView> viewAtCursor(CompletionRequest request) {
        Optional<KindSchema> kind = request.kind();
        return kind.isEmpty() ? Optional.empty() : request.schemas().at(kind.get(), request.context().path());
    }

    /** What follows a key: a space for a scalar, a new indented line for an object, a dash for a list. */
    static String shape(SchemaView child, String indent) {
        List<String> types = child.types();
        if (types.contains("array")) {
            return ":\n" + indent + "- ";
        }
        if (types.contains("object") && !child.properties().isEmpty()) {
            return ":\n" + indent;
        }
        if (types.contains("object") && child.mapValues().isPresent()) {
            return ":\n" + indent;
        }
        return ": ";
    }

    @Override
    public void onValue(CompletionRequest request, List<CompletionItem> out) {
        Optional<SchemaView> view = viewAtCursor(request);
        if (view.isEmpty()) {
            return;
        }
        for (JsonNode value : view.get().enumValues()) {
            out.add(request.item(value.asText(), CompletionItemKind.EnumMember, value.asText(), false, "0" + value.asText(),
                    "allowed value", null));
        }
        if (view.get().types().contains("boolean")) {
            out.add(request.item("true", CompletionItemKind.Value, "true", false, "0true", "boolean", null));
            out.add(request.item("false", CompletionItemKind.Value, "false", false, "0false", "boolean", null));
        }
    }
}
