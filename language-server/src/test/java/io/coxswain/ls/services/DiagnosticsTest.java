package io.coxswain.ls.services;

import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.coxswain.ls.services.ManifestAssert.at;
import static io.coxswain.ls.services.ManifestAssert.diagnostics;
import static org.assertj.core.api.Assertions.assertThat;

class DiagnosticsTest {

    private static final String POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n";
    private static final String DEPLOYMENT = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
            + "  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n"
            + "    spec:\n      containers:\n        - name: web\n          image: nginx\n          ports:\n"
            + "            - name: http\n              containerPort: 80\n";

    @Test
    void validPodHasNoDiagnostics() {
        assertThat(diagnostics(POD + "spec:\n  containers:\n    - name: a\n      image: busybox\n")).isEmpty();
    }

    @Test
    void syntaxErrorIsPlacedExactlyAndOnlyInItsDocument() {
        List<Diagnostic> ds = diagnostics(POD + "spec:\n  containers:\n    - name: a\n      image: busybox\n"
                + "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: \"b\n");
        assertThat(ds).hasSize(1);
        assertThat(ds.get(0).getCode().getLeft()).isEqualTo("syntax");
        assertThat(ds.get(0).getRange().getStart().getLine()).isBetween(12, 13);
    }

    @Test
    void tabIndentationIsASyntaxError() {
        List<Diagnostic> ds = diagnostics(POD + "spec:\n\tcontainers: []\n");
        assertThat(ds).singleElement().satisfies(d -> {
            assertThat(d.getCode().getLeft()).isEqualTo("syntax");
            assertThat(d.getRange().getStart().getLine()).isEqualTo(5);
        });
    }

    @Test
    void unknownFieldSaysDidYouMeanOnTheKey() {
        List<Diagnostic> ds = diagnostics(POD + "spec:\n  containers:\n    - name: a\n      imgae: busybox\n");
        Diagnostic unknown = ds.stream().filter(d -> d.getCode().getLeft().equals("UNKNOWN_FIELD")).findFirst().orElseThrow();
        assertThat(ManifestAssert.message(unknown)).contains("did you mean \"image\"");
        assertThat(at(unknown)).isEqualTo("7:6-11");
        assertThat(unknown.getData()).isEqualTo("image");
    }

    @Test
    void columnsAfterAnEmojiCountUtf16UnitsAsLspDoes() {
        // "😀" is one code point for SnakeYAML but two UTF-16 units for the editor: "5" is at 52, the stray "}" at 32.
        List<Diagnostic> ds = diagnostics("apiVersion: v1\nkind: Pod\nmetadata: {name: a, annotations: {x: \"😀\"}, labels: 5}\n"
                + "spec:\n  containers: [{name: a, image: busybox}]\n");
        assertThat(ds).singleElement().satisfies(d -> assertThat(at(d)).isEqualTo("2:52-53"));
        assertThat(diagnostics("apiVersion: v1\nkind: Pod\nmetadata: {name: \"😀\", labels: [}\n"))
                .singleElement().satisfies(d -> assertThat(d.getRange().getStart().getCharacter()).isEqualTo(32));
    }

    @Test
    void enumAndTypeErrorsAreOnTheValue() {
        List<Diagnostic> ds = diagnostics(POD + "spec:\n  restartPolicy: Sometimes\n  containers:\n    - name: a\n"
                + "      image: busybox\n      ports:\n        - containerPort: \"80\"\n");
        assertThat(ds).extracting(ManifestAssert::at).contains("5:17-26");
        assertThat(ds).anySatisfy(d -> {
            assertThat(d.getCode().getLeft()).isEqualTo("TYPE");
            assertThat(d.getRange().getStart().getLine()).isEqualTo(10);
        });
    }

    @Test
    void missingRequiredFieldIsOnItsParent() {
        List<Diagnostic> ds = diagnostics(POD + "spec:\n  containers:\n    - image: busybox\n");
        assertThat(ds).anySatisfy(d -> {
            assertThat(ManifestAssert.message(d)).contains("\"name\"");
            assertThat(d.getCode().getLeft()).isEqualTo("REQUIRED");
        });
    }

    @Test
    void intOrStringAcceptsBoth() {
        String service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n"
                + "    - port: 80\n      targetPort: %s\n";
        assertThat(diagnostics(service.formatted("8080"), DEPLOYMENT)).isEmpty();
        assertThat(diagnostics(service.formatted("http"), DEPLOYMENT)).isEmpty();
        // A quoted number is a string, so a port name, and "8080" is not a valid name: Kubernetes says the same.
        assertThat(diagnostics(service.formatted("\"8080\""), DEPLOYMENT)).extracting(d -> d.getCode().getLeft())
                .contains("PATTERN");
    }

    @Test
    void unknownKindGetsOneHintAndNoErrors() {
        List<Diagnostic> ds = diagnostics("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  anything: 1\n");
        assertThat(ds).singleElement().satisfies(d -> assertThat(d.getSeverity()).isEqualTo(DiagnosticSeverity.Information));
    }

    @Test
    void wrongApiVersionForAKnownKindNamesTheRightOne() {
        List<Diagnostic> ds = diagnostics("apiVersion: v1\nkind: Deployment\nmetadata:\n  name: w\n");
        assertThat(ds).singleElement().satisfies(d -> {
            assertThat(d.getData()).isEqualTo("apps/v1");
            assertThat(at(d)).isEqualTo("0:12-14");
        });
    }

    @Test
    void aliasBombIsADiagnosticNotACrash() {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (int i = 0; i < 12; i++) {
            bomb.append((char) ('b' + i)).append(": &").append((char) ('b' + i)).append(" [")
                    .append(("*" + (char) ('a' + i) + ", ").repeat(9)).append("*").append((char) ('a' + i)).append("]\n");
        }
        List<Diagnostic> ds = diagnostics(bomb.toString());
        assertThat(ds).isNotEmpty();
        assertThat(ds.get(0).getSeverity()).isEqualTo(DiagnosticSeverity.Error);
    }

    @Test
    void semanticChecksRun() {
        List<Diagnostic> ds = diagnostics("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n"
                + "      containers:\n        - name: a\n          image: busybox\n");
        assertThat(ds).anySatisfy(d -> assertThat(ManifestAssert.message(d)).contains("restartPolicy"));
    }

    @Test
    void serviceSelectorMatchingNoWorkloadIsAWarning() {
        String service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: %s\n  ports:\n"
                + "    - port: 80\n      targetPort: %s\n";
        List<Diagnostic> ds = diagnostics(service.formatted("nothing", "80"), DEPLOYMENT);
        assertThat(ds).singleElement().satisfies(d -> {
            assertThat(d.getSeverity()).isEqualTo(DiagnosticSeverity.Information);
            assertThat(at(d)).isEqualTo("5:2-10");
        });
        ds = diagnostics(DEPLOYMENT + "---\n" + service.formatted("nothing", "80"));
        assertThat(ds).singleElement().satisfies(d -> {
            assertThat(d.getSeverity()).isEqualTo(DiagnosticSeverity.Warning);
            assertThat(at(d)).isEqualTo("25:2-10");
        });
        ds = diagnostics(service.formatted("web", "metrics"), DEPLOYMENT);
        assertThat(ds).singleElement().satisfies(d -> {
            assertThat(ManifestAssert.message(d)).contains("no container of the selected pods has a port named \"metrics\"");
            assertThat(at(d)).isEqualTo("9:18-25");
        });
    }
}
