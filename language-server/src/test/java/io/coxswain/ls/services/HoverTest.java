package io.coxswain.ls.services;

import org.junit.jupiter.api.Test;

import static io.coxswain.ls.services.ManifestAssert.hover;
import static org.assertj.core.api.Assertions.assertThat;

class HoverTest {

    private static final String POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n";

    @Test
    void keyShowsTypeRequiredAndDescription() {
        String md = hover(POD + "spec:\n  conta|iners:\n    - name: a\n");
        assertThat(md).startsWith("**containers**: `[]Container` (required)");
    }

    @Test
    void enumShowsAllowedValues() {
        assertThat(hover(POD + "spec:\n  restartPo|licy: Always\n")).contains("Allowed values: `Always`, `OnFailure`, `Never`");
    }

    @Test
    void intOrString() {
        assertThat(hover("apiVersion: v1\nkind: Service\nspec:\n  ports:\n    - targetP|ort: 80\n")).contains("integer or string");
    }

    @Test
    void kindSaysWhatTheResourceIsFor() {
        String md = hover("apiVersion: apps/v1\nki|nd: Deployment\n");
        assertThat(md).startsWith("**Deployment** (`apps/v1`)");
        assertThat(md.length()).isGreaterThan(40);
    }

    @Test
    void worksInABrokenDocument() {
        assertThat(hover(POD + "spec:\n  containers:\n    - name: \"a\n      ima|ge: busybox\n  hostNet\n")).contains("**image**");
    }

    @Test
    void nothingOnBlankLinesOrUnknownKinds() {
        assertThat(hover(POD + "|\n")).isNull();
        assertThat(hover("apiVersion: x/v1\nkind: Widget\nsp|ec: {}\n")).isNull();
    }
}
