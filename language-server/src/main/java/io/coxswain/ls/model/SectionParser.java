package io.coxswain.ls.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.schemas.ManifestReader;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one section. The manifest itself comes from {@link ManifestReader}, so the editor reads values exactly
 * as the apiserver does (YAML 1.1 booleans, limits against alias bombs); a second pass over SnakeYAML Engine's
 * nodes records where each key and value sits. Results are cached by text, so an unchanged document is never
 * parsed twice, wherever it moves in the file.
 */
public final class SectionParser {

    private static final int CACHE_SIZE = 20_000;
    private static final int MAX_RANGES = 200_000;
    private static final LruCache<String, SectionParse> CACHE = new LruCache<>(CACHE_SIZE);

    private SectionParser() {
    }

    public static SectionParse parse(String text) {
        return CACHE.get(text, SectionParser::parseUncached);
    }

    static SectionParse parseUncached(String text) {
        JsonNode content = null;
        SectionParse.SyntaxError error = null;
        try {
            List<ManifestReader.Document> documents = ManifestReader.read(text);
            content = documents.isEmpty() ? null : documents.get(0).content();
        } catch (ManifestReader.ManifestReadException e) {
            String message = e.getMessage().replaceFirst("^line \\d+, column \\d+: ", "");
            int line = Math.max(0, e.line() - 1);
            error = precise(text, new SectionParse.SyntaxError(message, line, Utf16Columns.of(text).column(line, Math.max(0, e.column() - 1))));
        } catch (RuntimeException | StackOverflowError e) {
            error = new SectionParse.SyntaxError("cannot read this YAML: " + e.getMessage(), 0, 0);
        }
        Map<String, Span> keys = new HashMap<>();
        Map<String, Span> values = new HashMap<>();
        if (error == null && content != null) {
            try {
                LoadSettings settings = LoadSettings.builder().setAllowDuplicateKeys(true)
                        .setMaxAliasesForCollections(ManifestReader.MAX_ALIASES)
                        .setCodePointLimit(ManifestReader.MAX_CODE_POINTS).build();
                for (Node root : new Compose(settings).composeAllFromString(text)) {
                    new RangeWalker(keys, values, Utf16Columns.of(text)).walk(root, "", 0);
                    break;
                }
            } catch (RuntimeException | StackOverflowError e) {
                // The reader accepted the text; ranges are a help, and a partial map is still usable.
            }
        }
        return new SectionParse(content, error, keys, values);
    }

    /**
     * The place a person would fix: a bare word among keys (a key with no colon) rather than the colon SnakeYAML
     * trips over later, and the opening quote or bracket of one that the end of the text left unclosed.
     */
    static SectionParse.SyntaxError precise(String text, SectionParse.SyntaxError error) {
        Section section = new Section(text);
        for (int l = 1; l <= error.line() && l < section.lineCount(); l++) {
            LineShape shape = LineShape.of(section.line(l));
            if (shape.blank() || shape.hasColon() || !shape.dashes().isEmpty() || shape.key().startsWith("#")
                    || shape.isSeparator() || shape.key().startsWith("\"") || shape.key().startsWith("'")) {
                continue;
            }
            LineShape next = LineShape.of(section.line(l + 1));
            LineShape previous = LineShape.of(section.line(l - 1));
            boolean amongKeys = (next.hasColon() && next.contentColumn() == shape.contentColumn())
                    || (previous.hasColon() && previous.value().isEmpty() && previous.contentColumn() < shape.contentColumn());
            if (amongKeys && !shape.key().contains(" ")) {
                return new SectionParse.SyntaxError("\"" + shape.key() + "\" has no colon: a key needs \": \" and a value",
                        l, shape.contentColumn());
            }
        }
        if (error.message().contains("expected <block end>")) {
            return new SectionParse.SyntaxError("bad indentation: this line is not aligned with the other lines of its block ("
                    + error.message() + ")", error.line(), error.column());
        }
        int[] bracket = firstUnclosedBracket(section);
        if (bracket != null && (error.message().contains("end of stream") || error.message().contains("<stream end>"))) {
            return new SectionParse.SyntaxError("this " + section.line(bracket[0]).charAt(bracket[1])
                    + " is not closed before the end of the document", bracket[0], bracket[1]);
        }
        if (error.message().contains("end of stream") || error.message().contains("<stream end>")) {
            try {
                new Compose(LoadSettings.builder().setCodePointLimit(ManifestReader.MAX_CODE_POINTS).build()).composeAllFromString(text)
                        .forEach(node -> { });
            } catch (org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException e) {
                Mark context = e.getContextMark().orElse(null);
                if (context != null) {
                    String what = e.getContext() == null ? "this" : e.getContext().replaceFirst("^while (scanning|parsing) ", "");
                    return new SectionParse.SyntaxError(what + " is not closed before the end of the document",
                            context.getLine(), Utf16Columns.of(text).column(context.getLine(), context.getColumn()));
                }
            } catch (RuntimeException e) {
                return error;
            }
        }
        return error;
    }

    /** The line and column of the first {@code [} or {@code &#123;} left open, outside quotes and comments; null if none. */
    private static int[] firstUnclosedBracket(Section section) {
        java.util.Deque<int[]> open = new java.util.ArrayDeque<>();
        for (int l = 0; l < section.lineCount(); l++) {
            String line = section.line(l);
            char quote = 0;
            for (int c = 0; c < line.length(); c++) {
                char ch = line.charAt(c);
                if (quote != 0) {
                    quote = ch == quote ? 0 : quote;
                } else if ((ch == '"' || ch == '\'') && (c == 0 || " [{,:".indexOf(line.charAt(c - 1)) >= 0)) {
                    quote = ch;
                } else if (ch == '#' && (c == 0 || line.charAt(c - 1) == ' ')) {
                    break;
                } else if (ch == '[' || ch == '{') {
                    open.push(new int[]{l, c});
                } else if ((ch == ']' || ch == '}') && !open.isEmpty()) {
                    open.pop();
                }
            }
        }
        return open.isEmpty() ? null : open.peekLast();
    }

    private static final class RangeWalker {
        private final Map<String, Span> keys;
        private final Map<String, Span> values;
        private final Utf16Columns columns;
        private int visited;

        RangeWalker(Map<String, Span> keys, Map<String, Span> values, Utf16Columns columns) {
            this.keys = keys;
            this.values = values;
            this.columns = columns;
        }

        void walk(Node node, String pointer, int depth) {
            if (++visited > MAX_RANGES || depth > ManifestReader.MAX_DEPTH) {
                return;
            }
            values.put(pointer, span(node));
            if (node instanceof MappingNode mapping) {
                for (NodeTuple tuple : mapping.getValue()) {
                    if (tuple.getKeyNode() instanceof ScalarNode key) {
                        String child = pointer + "/" + key.getValue().replace("~", "~0").replace("/", "~1");
                        keys.put(child, span(key));
                        walk(tuple.getValueNode(), child, depth + 1);
                    }
                }
            } else if (node instanceof SequenceNode sequence) {
                int i = 0;
                for (Node item : sequence.getValue()) {
                    walk(item, pointer + "/" + i++, depth + 1);
                }
            }
        }

        private Span span(Node node) {
            Mark start = node.getStartMark().orElse(null);
            Mark end = node.getEndMark().orElse(start);
            if (start == null) {
                return new Span(0, 0, 0, 0);
            }
            return new Span(start.getLine(), columns.column(start.getLine(), start.getColumn()),
                    end.getLine(), columns.column(end.getLine(), end.getColumn()));
        }
    }
}
