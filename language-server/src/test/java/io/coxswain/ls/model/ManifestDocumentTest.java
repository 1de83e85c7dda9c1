package io.coxswain.ls.model;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ManifestDocumentTest {

    private static final String TEXT = "apiVersion: v1\nkind: Pod\n---\napiVersion: v1\nkind: Service\n---\nkind: ConfigMap\n";

    @Test
    void splitsAtSeparatorLinesKeepingLines() {
        ManifestDocument d = ManifestDocument.of("u", 1, TEXT);
        assertThat(d.sections()).hasSize(3);
        assertThat(d.startLine(1)).isEqualTo(2);
        assertThat(d.startLine(2)).isEqualTo(5);
        assertThat(d.line(6)).isEqualTo("kind: ConfigMap");
        assertThat(d.sectionIndex(4)).isEqualTo(1);
        assertThat(d.text()).isEqualTo(TEXT);
    }

    @Test
    void anEditKeepsUntouchedSectionsAndTheirParse() {
        ManifestDocument d = ManifestDocument.of("u", 1, TEXT);
        SectionParse first = d.sections().get(0).parse();
        ManifestDocument e = d.apply(6, 6, 6, 15, "Secret", 2);
        assertThat(e.text()).isEqualTo(TEXT.replace("ConfigMap", "Secret"));
        assertThat(e.sections().get(0)).isSameAs(d.sections().get(0));
        assertThat(e.sections().get(0).parse()).isSameAs(first);
    }

    @Test
    void addingAndRemovingSeparatorsSplitsAndMerges() {
        ManifestDocument d = ManifestDocument.of("u", 1, TEXT);
        ManifestDocument merged = d.apply(2, 0, 3, 0, "", 2);
        assertThat(merged.sections()).hasSize(2);
        assertThat(merged.text()).isEqualTo(TEXT.replaceFirst("---\n", ""));
        ManifestDocument split = merged.apply(1, 0, 1, 0, "---\n", 3);
        assertThat(split.sections()).hasSize(3);
    }

    @Test
    void randomEditsMatchAFullReparse() {
        Random random = new Random(7);
        String text = TEXT.repeat(5);
        ManifestDocument d = ManifestDocument.of("u", 1, text);
        String[] inserts = {"", "x", "\n", "---\n", "-", "a: b\n", ": "};
        for (int i = 0; i < 500; i++) {
            int lines = d.lineCount();
            int l1 = random.nextInt(lines);
            int l2 = Math.min(lines - 1, l1 + random.nextInt(3));
            int c1 = random.nextInt(d.line(l1).length() + 1);
            int c2 = l2 == l1 ? c1 + random.nextInt(d.line(l1).length() - c1 + 1) : random.nextInt(d.line(l2).length() + 1);
            String insert = inserts[random.nextInt(inserts.length)];
            String expected = replace(d.text(), l1, c1, l2, c2, insert);
            d = d.apply(l1, c1, l2, c2, insert, i + 2);
            assertThat(d.text()).isEqualTo(expected);
            ManifestDocument fresh = ManifestDocument.of("u", 1, expected);
            assertThat(d.sections()).extracting(Section::text).isEqualTo(fresh.sections().stream().map(Section::text).toList());
        }
    }

    private static String replace(String text, int l1, int c1, int l2, int c2, String insert) {
        return text.substring(0, offset(text, l1, c1)) + insert + text.substring(offset(text, l2, c2));
    }

    private static int offset(String text, int line, int column) {
        int at = 0;
        for (int l = 0; l < line; l++) {
            at = text.indexOf('\n', at) + 1;
        }
        return at + column;
    }
}
