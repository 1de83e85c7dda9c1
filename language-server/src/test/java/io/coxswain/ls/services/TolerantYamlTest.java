package io.coxswain.ls.services;

import org.eclipse.lsp4j.Diagnostic;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.coxswain.ls.services.ManifestAssert.assertCompletion;
import static io.coxswain.ls.services.ManifestAssert.diagnostics;
import static io.coxswain.ls.services.ManifestAssert.hover;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Half-typed YAML of each kind the issue names: completion and hover keep working in the broken document and in
 * its neighbours, and the one syntax error lands on the broken line.
 */
class TolerantYamlTest {

    private static final String POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n";

    /** A broken line after {@code spec:} (line 5), by what is wrong with it. */
    private static final Map<String, String> BROKEN = Map.of(
            "key with no colon", "  hostNetwork\n  restartPolicy: Never\n",
            "bad indent", "  containers:\n    - name: a\n   image: busybox\n",
            "tab", "\tcontainers: []\n",
            "unclosed quote", "  hostname: \"abc\n",
            "unclosed flow", "  containers: [\n",
            "half-written dash", "  containers:\n    -\n  - x: [\n");

    @Test
    void completionAndHoverWorkInAndAroundBrokenDocuments() {
        BROKEN.forEach((what, broken) -> {
            String text = POD + broken;
            // In the broken document, on a fresh line under spec:
            assertThat(ManifestAssert.completion(POD + "  |\n" + broken)).as(what)
                    .extracting(c -> c.getLabel()).contains("nodeName", "volumes");
            assertThat(hover(POD + "  restartPol|icy: Never\n" + broken)).as(what).contains("**restartPolicy**");
            // In the next document.
            assertCompletion(text + "---\napiVersion: v1\nkind: Service\nspec:\n  |", "ports");
        });
    }

    @Test
    void theErrorIsReportedOnceNearTheBrokenLine() {
        BROKEN.forEach((what, broken) -> {
            List<Diagnostic> ds = diagnostics(POD + broken + "---\n" + POD + "  containers:\n    - name: a\n      image: b\n");
            assertThat(ds).as(what).singleElement().satisfies(d -> {
                assertThat(d.getCode().getLeft()).isEqualTo("syntax");
                assertThat(d.getRange().getStart().getLine()).as(what).isBetween(5, 8);
            });
        });
    }

    @Test
    void theErrorPointsAtWhatToFix() {
        Map<String, String> expected = Map.of(
                "key with no colon", "5:2-13 has no colon",
                "bad indent", "7:3-9 bad indentation",
                "tab", "5:0-1 TAB",
                "unclosed quote", "5:12-16 quoted scalar is not closed",
                "unclosed flow", "5:14-15 this [ is not closed");
        expected.forEach((what, where) -> {
            Diagnostic d = diagnostics(POD + BROKEN.get(what)).get(0);
            assertThat(ManifestAssert.at(d)).as(what).isEqualTo(where.substring(0, where.indexOf(' ')));
            assertThat(ManifestAssert.message(d)).as(what).contains(where.substring(where.indexOf(' ') + 1));
        });
    }

    @Test
    void missingValueIsATypeOrRequiredProblemNotASyntaxError() {
        List<Diagnostic> ds = diagnostics(POD + "  containers:\n    - name:\n      image: busybox\n");
        assertThat(ds).isNotEmpty().noneSatisfy(d -> assertThat(d.getCode().getLeft()).isEqualTo("syntax"));
        assertCompletion(POD + "  containers:\n    - name:\n      |", "image");
    }
}
