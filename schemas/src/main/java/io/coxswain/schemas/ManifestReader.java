package io.coxswain.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a YAML stream of manifests (documents separated by {@code ---}) into Jackson trees, the way
 * Kubernetes reads them: YAML 1.1 booleans ({@code yes}, {@code on}) and octal ({@code 0644}), no
 * duplicate keys, and hard limits on aliases, depth and size, so that an alias bomb or a deeply nested
 * body gets an error instead of the heap.
 */
public final class ManifestReader {

    /** One document of the stream, with its 0-based index and the 1-based line it starts on. */
    public record Document(int index, int line, JsonNode content) {
    }

    /** A stream that is not YAML, or that breaks a limit; {@code line} and {@code column} are 1-based, 0 when unknown. */
    public static final class ManifestReadException extends RuntimeException {
        private final int line;
        private final int column;

        ManifestReadException(String message, int line, int column) {
            super(line > 0 ? "line " + line + ", column " + column + ": " + message : message);
            this.line = line;
            this.column = column;
        }

        public int line() {
            return line;
        }

        public int column() {
            return column;
        }
    }

    public static final int MAX_DEPTH = 100;
    public static final int MAX_NODES = 1_000_000;
    public static final int MAX_ALIASES = 100;
    public static final int MAX_CODE_POINTS = 16 * 1024 * 1024;

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private int nodes;

    private ManifestReader() {
    }

    /** Reads every non-empty document; each keeps its index among all the documents of the stream. */
    public static List<Document> read(String yaml) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel("manifest")
                .setAllowRecursiveKeys(false)
                .setMaxAliasesForCollections(MAX_ALIASES)
                .setCodePointLimit(MAX_CODE_POINTS)
                .setSchema(new KubernetesYamlResolver.Schema())
                .build();
        ManifestReader reader = new ManifestReader();
        List<Document> out = new ArrayList<>();
        try {
            int index = 0;
            for (Node root : new Compose(settings).composeAllFromString(yaml)) {
                int line = root.getStartMark().map(m -> m.getLine() + 1).orElse(0);
                JsonNode content = reader.convert(root, 0);
                // An empty document keeps its place in the count, so indexes match the file's '---' sections.
                if (!content.isNull()) {
                    out.add(new Document(index, line, content));
                }
                index++;
            }
        } catch (ManifestReadException e) {
            throw e;
        } catch (YamlEngineException e) {
            throw fromEngine(e);
        } catch (StackOverflowError e) {
            throw new ManifestReadException("the YAML nests too deeply to read", 0, 0);
        }
        return out;
    }

    private static ManifestReadException fromEngine(YamlEngineException e) {
        if (e instanceof org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException marked) {
            Mark mark = marked.getProblemMark().or(marked::getContextMark).orElse(null);
            String problem = marked.getProblem() == null ? e.getMessage() : marked.getProblem();
            String context = marked.getContext() == null ? "" : marked.getContext() + ": ";
            if (mark != null) {
                return new ManifestReadException(context + problem, mark.getLine() + 1, mark.getColumn() + 1);
            }
        }
        return new ManifestReadException(e.getMessage(), 0, 0);
    }

    private JsonNode convert(Node node, int depth) {
        if (depth > MAX_DEPTH) {
            throw error(node, "nesting deeper than " + MAX_DEPTH + " levels");
        }
        if (++nodes > MAX_NODES) {
            throw error(node, "more than " + MAX_NODES + " values once aliases are expanded");
        }
        if (node instanceof MappingNode mapping) {
            ObjectNode object = NODES.objectNode();
            for (NodeTuple tuple : mapping.getValue()) {
                if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                    throw error(tuple.getKeyNode(), "a mapping key must be a plain value, not a mapping or a list");
                }
                JsonNode keyValue = scalar(keyNode);
                String key = keyValue.isTextual() ? keyValue.asText() : keyValue.toString();
                if (object.has(key)) {
                    throw error(keyNode, "duplicate key \"" + key + "\"");
                }
                object.set(key, convert(tuple.getValueNode(), depth + 1));
            }
            return object;
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode array = NODES.arrayNode();
            for (Node item : sequence.getValue()) {
                array.add(convert(item, depth + 1));
            }
            return array;
        }
        return scalar((ScalarNode) node);
    }

    private static JsonNode scalar(ScalarNode scalar) {
        String text = scalar.getValue();
        Tag tag = scalar.getTag();
        if (Tag.NULL.equals(tag)) {
            return NODES.nullNode();
        }
        if (Tag.BOOL.equals(tag)) {
            if (!KubernetesYamlResolver.TRUE.contains(text) && !KubernetesYamlResolver.FALSE.contains(text)) {
                throw error(scalar, "\"" + text + "\" is not a boolean");
            }
            return NODES.booleanNode(KubernetesYamlResolver.TRUE.contains(text));
        }
        if (Tag.INT.equals(tag)) {
            return KubernetesYamlResolver.parseInteger(text).map(ManifestReader::integer)
                    .orElseThrow(() -> error(scalar, "\"" + text + "\" is not an integer"));
        }
        if (Tag.FLOAT.equals(tag)) {
            BigDecimal value = KubernetesYamlResolver.parseDecimal(text).orElseThrow(() -> error(scalar,
                    "\"" + text + "\" cannot be a value here: JSON, and so Kubernetes, has no infinity or NaN"));
            // Go's JSON encoder writes 8.0 as 8, which then decodes into an integer field.
            return value.signum() == 0 || value.stripTrailingZeros().scale() <= 0
                    ? integer(value.toBigIntegerExact()) : NODES.numberNode(value);
        }
        return NODES.textNode(text);
    }

    private static JsonNode integer(BigInteger value) {
        return value.bitLength() < 63 ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
    }

    private static ManifestReadException error(Node node, String message) {
        return node.getStartMark()
                .map(m -> new ManifestReadException(message, m.getLine() + 1, m.getColumn() + 1))
                .orElseGet(() -> new ManifestReadException(message, 0, 0));
    }
}
