package io.coxswain.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.schemas.ManifestReader.Document;
import io.coxswain.schemas.ManifestReader.ManifestReadException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ManifestReaderTest {

    private static JsonNode single(String yaml) {
        List<Document> docs = ManifestReader.read(yaml);
        assertThat(docs).hasSize(1);
        return docs.get(0).content();
    }

    private static ManifestReadException readFailure(String yaml) {
        ManifestReadException e = catchThrowableOfType(ManifestReadException.class, () -> ManifestReader.read(yaml));
        assertThat(e).as("reading should fail with a ManifestReadException:%n%s", yaml).isNotNull();
        return e;
    }

    /** A parse error names a real place and says what is wrong in words, not as a stack trace. */
    private static void assertReadable(ManifestReadException e) {
        assertThat(e.line()).as("line of: %s", e.getMessage()).isPositive();
        assertThat(e.column()).as("column of: %s", e.getMessage()).isPositive();
        assertThat(e.getMessage())
                .startsWith("line " + e.line() + ", column " + e.column() + ": ")
                .doesNotContain("org.snakeyaml", "Exception", "\tat ");
        assertThat(e.getMessage().substring(e.getMessage().indexOf(": ") + 2)).isNotBlank();
    }

    @Nested
    class Streams {

        @Test
        void readsEveryDocumentWithItsIndexAndStartLine() {
            String yaml = """
                    apiVersion: v1
                    kind: ConfigMap
                    ---
                    apiVersion: v1
                    kind: Service
                    ---
                    # a comment before the body
                    apiVersion: apps/v1
                    kind: Deployment
                    """;
            List<Document> docs = ManifestReader.read(yaml);

            assertThat(docs).extracting(Document::index).containsExactly(0, 1, 2);
            assertThat(docs).extracting(Document::line).containsExactly(1, 4, 8);
            assertThat(docs).extracting(d -> d.content().path("kind").asText())
                    .containsExactly("ConfigMap", "Service", "Deployment");
        }

        @Test
        void aLeadingSeparatorAndAnExplicitEndMarkerAreAccepted() {
            String yaml = """
                    ---
                    kind: Pod
                    ...
                    ---
                    kind: Job
                    """;
            List<Document> docs = ManifestReader.read(yaml);

            assertThat(docs).extracting(Document::index).containsExactly(0, 1);
            assertThat(docs).extracting(Document::line).containsExactly(2, 5);
            assertThat(docs).extracting(d -> d.content().path("kind").asText()).containsExactly("Pod", "Job");
        }

        @Test
        void anEmptyStreamHasNoDocuments() {
            assertThat(ManifestReader.read("")).isEmpty();
            assertThat(ManifestReader.read("# only a comment\n")).isEmpty();
        }

        @Test
        void aDocumentMayBeAListOrAScalar() {
            List<Document> docs = ManifestReader.read("- a\n- b\n---\nplain text\n");

            assertThat(docs.get(0).content().isArray()).isTrue();
            assertThat(docs.get(0).content()).hasSize(2);
            assertThat(docs.get(1).content().asText()).isEqualTo("plain text");
            assertThat(docs.get(1).line()).isEqualTo(4);
        }
    }

    @Nested
    class Yaml11Values {

        @Test
        void leadingZeroIntegersAreOctal() {
            JsonNode node = single("defaultMode: 0644\nmode: 0755\nzero: 0\nten: 10\n");

            assertThat(node.get("defaultMode").isIntegralNumber()).isTrue();
            assertThat(node.get("defaultMode").asInt()).isEqualTo(420);
            assertThat(node.get("mode").asInt()).isEqualTo(493);
            assertThat(node.get("zero").asInt()).isZero();
            assertThat(node.get("ten").asInt()).isEqualTo(10);
        }

        @ParameterizedTest
        @ValueSource(strings = {"yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE", "y", "Y"})
        void yaml11TruthyWordsAreTrue(String word) {
            JsonNode value = single("hostNetwork: " + word + "\n").get("hostNetwork");

            assertThat(value.isBoolean()).as(word).isTrue();
            assertThat(value.booleanValue()).as(word).isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {"no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE", "n", "N"})
        void yaml11FalsyWordsAreFalse(String word) {
            JsonNode value = single("hostNetwork: " + word + "\n").get("hostNetwork");

            assertThat(value.isBoolean()).as(word).isTrue();
            assertThat(value.booleanValue()).as(word).isFalse();
        }

        @Test
        void quotedValuesStayStrings() {
            JsonNode node = single("""
                    a: "yes"
                    b: 'on'
                    c: "0644"
                    d: "null"
                    e: '0x1F'
                    f: "~"
                    """);

            assertThat(node.get("a").isTextual()).isTrue();
            assertThat(node.get("a").asText()).isEqualTo("yes");
            assertThat(node.get("b").asText()).isEqualTo("on");
            assertThat(node.get("c").asText()).isEqualTo("0644");
            assertThat(node.get("d").isTextual()).isTrue();
            assertThat(node.get("d").asText()).isEqualTo("null");
            assertThat(node.get("e").asText()).isEqualTo("0x1F");
            assertThat(node.get("f").asText()).isEqualTo("~");
            node.forEach(value -> assertThat(value.isTextual()).as(value.toString()).isTrue());
        }

        @Test
        void blockScalarsStayStrings() {
            JsonNode node = single("a: |\n  yes\nb: >\n  0644\n");

            assertThat(node.get("a").asText()).isEqualTo("yes\n");
            assertThat(node.get("b").asText()).isEqualTo("0644\n");
        }

        @Test
        void hexIsAnInteger() {
            JsonNode node = single("a: 0x1F\nb: 0xff\n");

            assertThat(node.get("a").isIntegralNumber()).isTrue();
            assertThat(node.get("a").asInt()).isEqualTo(31);
            assertThat(node.get("b").asInt()).isEqualTo(255);
        }

        @Test
        void nullTildeAndEmptyAreNull() {
            JsonNode node = single("a: null\nb: ~\nc:\nd: Null\ne: NULL\n");

            assertThat(node.size()).isEqualTo(5);
            node.fields().forEachRemaining(e -> assertThat(e.getValue().isNull()).as(e.getKey()).isTrue());
        }

        @Test
        void floatsAndBigIntegersKeepTheirValue() {
            JsonNode node = single("a: 1.5\nb: 1e3\nc: 123456789012345678901234567890\nd: -7\n");

            assertThat(node.get("a").decimalValue()).isEqualByComparingTo("1.5");
            assertThat(node.get("b").decimalValue()).isEqualByComparingTo("1000");
            assertThat(node.get("c").bigIntegerValue()).hasToString("123456789012345678901234567890");
            assertThat(node.get("d").asInt()).isEqualTo(-7);
        }

        @Test
        void wordsThatOnlyLookSpecialStayStrings() {
            JsonNode node = single("a: yesterday\nb: 0644x\nc: nginx:1.27\nd: 08\n");

            assertThat(node.get("a").asText()).isEqualTo("yesterday");
            assertThat(node.get("b").asText()).isEqualTo("0644x");
            assertThat(node.get("c").asText()).isEqualTo("nginx:1.27");
            // 08 is not octal; Kubernetes (go-yaml) reads it as the number 8.
            assertThat(node.get("d").isNumber()).isTrue();
            assertThat(node.get("d").asInt()).isEqualTo(8);
        }
    }

    @Nested
    class DuplicateKeys {

        @Test
        void aDuplicateTopLevelKeyIsRejectedWithItsPlace() {
            ManifestReadException e = readFailure("""
                    apiVersion: v1
                    kind: Pod
                    kind: Service
                    """);

            assertThat(e.line()).isEqualTo(3);
            assertThat(e.column()).isEqualTo(1);
            assertThat(e.getMessage()).contains("duplicate key").contains("kind");
        }

        @Test
        void aDuplicateNestedKeyIsRejectedWithItsPlace() {
            ManifestReadException e = readFailure("""
                    apiVersion: v1
                    kind: Pod
                    metadata:
                      name: a
                      labels:
                        app: web
                        app: db
                    """);

            assertThat(e.line()).isEqualTo(7);
            assertThat(e.column()).isEqualTo(5);
            assertThat(e.getMessage()).contains("duplicate key \"app\"");
        }

        @Test
        void aDuplicateInTheSecondDocumentGivesTheLineInTheStream() {
            ManifestReadException e = readFailure("a: 1\n---\nb: 1\nb: 2\n");

            assertThat(e.line()).isEqualTo(4);
            assertThat(e.column()).isEqualTo(1);
        }

        @Test
        void theSameKeyInDifferentMappingsIsFine() {
            JsonNode node = single("a:\n  name: first\nb:\n  name: second\n");

            assertThat(node.at("/a/name").asText()).isEqualTo("first");
            assertThat(node.at("/b/name").asText()).isEqualTo("second");
        }
    }

    @Nested
    class Malformed {

        @Test
        void anUnclosedQuote() {
            ManifestReadException e = readFailure("""
                    apiVersion: v1
                    kind: "Pod
                    metadata:
                      name: x
                    """);

            assertReadable(e);
            assertThat(e.line()).isGreaterThanOrEqualTo(2);
        }

        @Test
        void anUnclosedSingleQuote() {
            assertReadable(readFailure("a: 'open\n"));
        }

        @Test
        void aBadIndent() {
            ManifestReadException e = readFailure("""
                    metadata:
                      name: x
                     labels: {}
                    """);

            assertReadable(e);
            assertThat(e.line()).isEqualTo(3);
        }

        @Test
        void aListItemOutOfLine() {
            ManifestReadException e = readFailure("""
                    spec:
                      containers:
                        - name: a
                          image: x
                       - name: b
                    """);

            assertReadable(e);
            assertThat(e.line()).isEqualTo(5);
        }

        @Test
        void tabIndentation() {
            ManifestReadException e = readFailure("metadata:\n\tname: x\n");

            assertReadable(e);
            assertThat(e.line()).isEqualTo(2);
        }

        @Test
        void anUnclosedFlowMapping() {
            assertReadable(readFailure("metadata: {name: x\nkind: Pod\n"));
        }

        @Test
        void anUndefinedAlias() {
            assertReadable(readFailure("a: *nowhere\n"));
        }

        @Test
        void theLineCountsFromTheStartOfTheStream() {
            ManifestReadException e = readFailure("a: 1\n---\nb: 2\n---\nc: \"open\n");

            assertReadable(e);
            assertThat(e.line()).isGreaterThanOrEqualTo(5);
        }
    }

    @Nested
    class Limits {

        /** Each level lists the previous anchor {@code refs} times; the fully expanded tree has refs^levels leaves. */
        private static String aliasBomb(int levels, int refs) {
            StringBuilder yaml = new StringBuilder("l0: &l0 [");
            yaml.append(String.join(", ", java.util.Collections.nCopies(refs, "\"lol\""))).append("]\n");
            for (int level = 1; level <= levels; level++) {
                yaml.append("l").append(level).append(": &l").append(level).append(" [");
                yaml.append(String.join(", ", java.util.Collections.nCopies(refs, "*l" + (level - 1))));
                yaml.append("]\n");
            }
            return yaml.toString();
        }

        @Test
        void theBillionLaughsAreRejected() {
            String bomb = aliasBomb(9, 9);

            assertThatThrownBy(() -> ManifestReader.read(bomb))
                    .isInstanceOf(ManifestReadException.class)
                    .hasMessageNotContaining("OutOfMemory");
        }

        @Test
        void aWiderBombIsRejectedToo() {
            String bomb = aliasBomb(10, 10);

            assertThatThrownBy(() -> ManifestReader.read(bomb)).isInstanceOf(ManifestReadException.class);
        }

        @Test
        void aBombInsideAManifestIsRejected() {
            String yaml = "apiVersion: v1\nkind: ConfigMap\ndata:\n"
                    + aliasBomb(9, 9).lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n");

            assertThatThrownBy(() -> ManifestReader.read(yaml)).isInstanceOf(ManifestReadException.class);
        }

        @Test
        void aFewAliasesAreFine() {
            JsonNode node = single("""
                    base: &labels
                      app: web
                      tier: front
                    one: *labels
                    two: *labels
                    """);

            assertThat(node.get("one")).isEqualTo(node.get("base"));
            assertThat(node.at("/two/tier").asText()).isEqualTo("front");
        }

        private static String nested(int lists) {
            return "[".repeat(lists) + "1" + "]".repeat(lists);
        }

        @Test
        void nestingUpToTheLimitIsRead() {
            JsonNode node = single("a: " + nested(ManifestReader.MAX_DEPTH - 1) + "\n");

            JsonNode inner = node.get("a");
            for (int i = 0; i < ManifestReader.MAX_DEPTH - 1; i++) {
                assertThat(inner.isArray()).isTrue();
                inner = inner.get(0);
            }
            assertThat(inner.asInt()).isEqualTo(1);
        }

        @Test
        void nestingDeeperThanTheLimitIsRejected() {
            String yaml = "a: " + nested(ManifestReader.MAX_DEPTH + 1) + "\n";

            assertThatThrownBy(() -> ManifestReader.read(yaml))
                    .isInstanceOf(ManifestReadException.class)
                    .hasMessageContaining(String.valueOf(ManifestReader.MAX_DEPTH));
        }

        @Test
        void deepBlockNestingIsRejected() {
            StringBuilder yaml = new StringBuilder();
            for (int i = 0; i <= ManifestReader.MAX_DEPTH + 1; i++) {
                yaml.append("  ".repeat(i)).append("k").append(i).append(":\n");
            }
            yaml.append("  ".repeat(ManifestReader.MAX_DEPTH + 2)).append("leaf\n");

            ManifestReadException e = catchThrowableOfType(ManifestReadException.class,
                    () -> ManifestReader.read(yaml.toString()));
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains(String.valueOf(ManifestReader.MAX_DEPTH));
        }

        @Test
        void farDeeperNestingIsRejectedWithoutCrashing() {
            String yaml = nested(50_000);

            assertThatThrownBy(() -> ManifestReader.read(yaml)).isInstanceOf(ManifestReadException.class);
        }
    }

    @Nested
    class Keys {

        @Test
        void aFlowSequenceKeyIsRejected() {
            ManifestReadException e = readFailure("metadata:\n  ? [a, b]\n  : x\n");

            assertThat(e.line()).isEqualTo(2);
            assertThat(e.getMessage()).contains("key");
        }

        @Test
        void aMappingKeyIsRejected() {
            ManifestReadException e = readFailure("apiVersion: v1\n{name: x}: y\n");

            assertThat(e.line()).isEqualTo(2);
            assertThat(e.getMessage()).contains("key");
        }

        @Test
        void aBlockMappingKeyIsRejected() {
            ManifestReadException e = readFailure("? a: 1\n  b: 2\n: value\n");

            assertThat(e.line()).isPositive();
            assertThat(e.getMessage()).contains("key");
        }

        @Test
        void scalarKeysOfEveryShapeAreRead() {
            JsonNode node = single("\"quoted\": 1\nplain: 2\n'single': 3\n");

            assertThat(node.get("quoted").asInt()).isEqualTo(1);
            assertThat(node.get("plain").asInt()).isEqualTo(2);
            assertThat(node.get("single").asInt()).isEqualTo(3);
        }
    }

    /** Cases where Kubernetes's reader (go-yaml v2, then JSON) decides, not the YAML 1.2 core schema. */
    @Nested
    class AsKubernetesReadsIt {

        @ParameterizedTest
        @ValueSource(strings = {"a: .NaN", "a: .INF", "a: -.Inf", "a: .inf", "a: -.inf", "a: .nan"})
        void infinityAndNanAreRejectedBecauseJsonHasNone(String yaml) {
            ManifestReadException e = readFailure(yaml);
            assertReadable(e);
            assertThat(e.getMessage()).contains("infinity or NaN");
        }

        @Test
        void anExplicitStringTagKeepsTheWordAString() {
            JsonNode node = single("a: !!str yes\nb: !!str true\nc: !!str on\nd: !!str 0644\n");
            assertThat(node.get("a").isTextual()).isTrue();
            assertThat(node.get("a").asText()).isEqualTo("yes");
            assertThat(node.get("b").asText()).isEqualTo("true");
            assertThat(node.get("c").asText()).isEqualTo("on");
            assertThat(node.get("d").asText()).isEqualTo("0644");
        }

        @Test
        void anExplicitBoolTagReadsYaml11Words() {
            assertThat(single("a: !!bool \"yes\"\n").get("a").booleanValue()).isTrue();
        }

        @Test
        void integersInEveryFormGoYamlAccepts() {
            JsonNode node = single("a: 1_000\nb: 0b1010\nc: -0x1F\nd: +0x1F\ne: 0o17\nf: 08\ng: 1e3\nh: 8.0\n");
            assertThat(node.get("a").asLong()).isEqualTo(1000);
            assertThat(node.get("b").asLong()).isEqualTo(10);
            assertThat(node.get("c").asLong()).isEqualTo(-31);
            assertThat(node.get("d").asLong()).isEqualTo(31);
            assertThat(node.get("e").asLong()).isEqualTo(15);
            assertThat(node.get("f").isIntegralNumber()).isTrue();
            assertThat(node.get("f").asLong()).isEqualTo(8);
            assertThat(node.get("g").asLong()).isEqualTo(1000);
            assertThat(node.get("h").isIntegralNumber()).as("Go writes 8.0 as 8").isTrue();
        }

        @Test
        void keysAreConvertedToTheirJsonText() {
            JsonNode node = single("yes: b\n0644: c\n0x1F: d\n\"0644\": e\n");
            assertThat(node.fieldNames()).toIterable().containsExactly("true", "420", "31", "0644");
            assertThat(node.get("true").asText()).isEqualTo("b");
            assertThat(readFailure("on: a\nyes: b\n").getMessage()).as("both keys are \"true\"").contains("duplicate key \"true\"");
        }

        @Test
        void emptyDocumentsAreSkippedButKeepTheirPlaceInTheCount() {
            List<Document> docs = ManifestReader.read("---\n---\na: 1\n---\n# only a comment\n---\nb: 2\n---\n");
            assertThat(docs).extracting(Document::index).containsExactly(1, 3);
            assertThat(docs.get(0).content().get("a").asInt()).isEqualTo(1);
            assertThat(docs.get(1).content().get("b").asInt()).isEqualTo(2);
        }
    }
}
