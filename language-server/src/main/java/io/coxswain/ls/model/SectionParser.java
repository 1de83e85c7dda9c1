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
            error = new SectionParse.SyntaxError(message, Math.max(0, e.line() - 1), Math.max(0, e.column() - 1));
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
                    new RangeWalker(keys, values).walk(root, "", 0);
                    break;
                }
            } catch (RuntimeException | StackOverflowError e) {
                // The reader accepted the text; ranges are a help, and a partial map is still usable.
            }
        }
        return new SectionParse(content, error, keys, values);
    }

    private static final class RangeWalker {
        private final Map<String, Span> keys;
        private final Map<String, Span> values;
        private int visited;

        RangeWalker(Map<String, Span> keys, Map<String, Span> values) {
            this.keys = keys;
            this.values = values;
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

        private static Span span(Node node) {
            Mark start = node.getStartMark().orElse(null);
            Mark end = node.getEndMark().orElse(start);
            if (start == null) {
                return new Span(0, 0, 0, 0);
            }
            return new Span(start.getLine(), start.getColumn(), end.getLine(), end.getColumn());
        }
    }
}
