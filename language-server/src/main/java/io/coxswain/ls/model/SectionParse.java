package io.coxswain.ls.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * What a section's text parses to: its manifest (null when empty or broken), the syntax error if any (lines
 * local to the section), and the range of every key and value by JSON pointer.
 */
public record SectionParse(JsonNode content, SyntaxError error, Map<String, Span> keys, Map<String, Span> values) {

    public record SyntaxError(String message, int line, int column) {
    }

    /** The key's range for a pointer, or the nearest ancestor's that exists (the root: the first line). */
    public Span keyOrAncestor(String pointer) {
        String p = pointer;
        while (!p.isEmpty()) {
            Span span = keys.get(p);
            if (span != null) {
                return span;
            }
            p = p.substring(0, p.lastIndexOf('/'));
        }
        return new Span(0, 0, 0, 0);
    }

    /** The value's range for a pointer, else its key's, else the nearest ancestor's key. */
    public Span valueOrAncestor(String pointer) {
        Span span = values.get(pointer);
        return span != null ? span : keyOrAncestor(pointer);
    }
}
