package io.coxswain.ls.services;

import io.coxswain.ls.model.ManifestDocument;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 1,000-document file: an edit re-cuts one section, and completion, hover and diagnostics after it stay fast.
 * It prints its figures (p50/p95) and asserts only the shape of the work, not time: benchmarks live in tests/.
 */
class LargeFileTest {

    private static final String DOCUMENT = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-%d\nspec:\n"
            + "  replicas: 2\n  selector:\n    matchLabels:\n      app: web-%d\n  template:\n    metadata:\n      labels:\n"
            + "        app: web-%d\n    spec:\n      containers:\n        - name: web\n          image: nginx\n"
            + "          ports:\n            - name: http\n              containerPort: 80\n"
            + "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web-%d\nspec:\n  selector:\n    app: web-%d\n"
            + "  ports:\n    - port: 80\n      targetPort: http\n";

    @Test
    void editsTouchOneSectionAndFeaturesStayFast() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            text.append(i == 0 ? "" : "---\n").append(DOCUMENT.replace("%d", String.valueOf(i)));
        }
        ManifestLanguageService service = ManifestAssert.service();
        ManifestDocument document = ManifestAssert.open(service, text.toString());
        assertThat(document.sections()).hasSize(1000);
        assertThat(service.diagnostics(document)).isEmpty();

        int line = document.startLine(600) + 6; // "  replicas: 2" of a Deployment, after its "---"
        long[] diagnostics = new long[50];
        long[] completion = new long[50];
        long[] hover = new long[50];
        for (int i = 0; i < 50; i++) {
            ManifestDocument next = document.apply(line, 12, line, 13, String.valueOf(i % 9 + 1), i + 2);
            assertThat(next.sections().get(599)).isSameAs(document.sections().get(599));
            document = next;
            service.workspace().put(document);
            long t0 = System.nanoTime();
            assertThat(service.diagnostics(document)).isEmpty();
            long t1 = System.nanoTime();
            assertThat(service.completion(document, line + 1, 2)).isNotEmpty();
            long t2 = System.nanoTime();
            assertThat(service.hover(document, line, 4)).isNotNull();
            long t3 = System.nanoTime();
            diagnostics[i] = t1 - t0;
            completion[i] = t2 - t1;
            hover[i] = t3 - t2;
        }
        System.out.printf("1,000-document file: diagnostics after an edit %s, completion %s, hover %s%n",
                figures(diagnostics), figures(completion), figures(hover));
    }

    private static String figures(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        List<String> out = new ArrayList<>();
        out.add(String.format("p50 %.2f ms", sorted[sorted.length / 2] / 1e6));
        out.add(String.format("p95 %.2f ms", sorted[(int) (sorted.length * 0.95)] / 1e6));
        return String.join(" / ", out);
    }
}
