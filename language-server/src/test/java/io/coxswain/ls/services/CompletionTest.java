package io.coxswain.ls.services;

import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.InsertTextFormat;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.coxswain.ls.services.ManifestAssert.assertCompletion;
import static io.coxswain.ls.services.ManifestAssert.assertNoCompletion;
import static io.coxswain.ls.services.ManifestAssert.completion;
import static io.coxswain.ls.services.ManifestAssert.item;
import static org.assertj.core.api.Assertions.assertThat;

class CompletionTest {

    private static final String POD = "apiVersion: v1\nkind: Pod\n";

    @Test
    void keysAtTheCursorPathWithRequiredFirst() {
        List<CompletionItem> items = assertCompletion("kind: Pod\nspec:\n  |", "containers", "restartPolicy", "volumes");
        assertThat(item(items, "containers").getSortText()).startsWith("0");
        assertThat(item(items, "volumes").getSortText()).startsWith("1");
        assertThat(item(items, "containers").getTextEdit().getLeft().getNewText()).isEqualTo("containers:\n    - ");
        assertThat(item(items, "restartPolicy").getTextEdit().getLeft().getNewText()).isEqualTo("restartPolicy: ");
    }

    @Test
    void objectKeysOpenAnIndentedLine() {
        List<CompletionItem> items = assertCompletion(POD + "|", "metadata", "spec");
        assertThat(item(items, "metadata").getTextEdit().getLeft().getNewText()).isEqualTo("metadata:\n  ");
        assertThat(items).extracting(CompletionItem::getLabel).doesNotContain("apiVersion", "kind");
    }

    @Test
    void presentKeysAreLeftOut() {
        assertNoCompletion(POD + "spec:\n  restartPolicy: Never\n  |\n  hostname: x\n", "restartPolicy", "hostname");
    }

    @Test
    void midBrokenLineWithoutColon() {
        List<CompletionItem> items = assertCompletion("apiVersion: apps/v1\nkind: Deployment\nspec:\n  templ|\n  replicas: 2\n"
                + "bad: [unclosed\n", "template");
        assertThat(items).extracting(CompletionItem::getLabel).doesNotContain("replicas");
        assertThat(item(items, "template").getTextEdit().getLeft().getRange().getStart().getCharacter()).isEqualTo(2);
    }

    @Test
    void insideAListItem() {
        assertCompletion(POD + "spec:\n  containers:\n  - name: a\n    ima|", "image", "ports");
        assertNoCompletion(POD + "spec:\n  containers:\n  - name: a\n    ima|", "name");
        assertCompletion(POD + "spec:\n  containers:\n    - |", "name", "image");
        assertCompletion(POD + "spec:\n  containers:\n    - name: a\n      ports:\n        - |", "containerPort", "protocol");
    }

    @Test
    void underAListKeyWithoutADash() {
        List<CompletionItem> items = assertCompletion(POD + "spec:\n  containers:\n    |", "name");
        assertThat(item(items, "name").getTextEdit().getLeft().getNewText()).startsWith("- name");
    }

    @Test
    void enumAndBooleanValues() {
        assertCompletion(POD + "spec:\n  restartPolicy: |", "Always", "OnFailure", "Never");
        assertCompletion(POD + "spec:\n  hostNetwork: |", "true", "false");
        assertCompletion(POD + "spec:\n  containers:\n    - name: a\n      imagePullPolicy: If|", "IfNotPresent");
    }

    @Test
    void aValueRightAfterTheColonGetsItsSpace() {
        List<CompletionItem> items = assertCompletion(POD + "spec:\n  restartPolicy:|", "Never");
        assertThat(item(items, "Never").getTextEdit().getLeft().getNewText()).isEqualTo(" Never");
    }

    @Test
    void theWholeWordUnderTheCursorIsReplaced() {
        List<CompletionItem> items = assertCompletion(POD + "spec:\n  restartPolicy: Ne|ver  \n", "Never");
        var range = item(items, "Never").getTextEdit().getLeft().getRange();
        assertThat(range.getStart().getCharacter()).isEqualTo(17);
        assertThat(range.getEnd().getCharacter()).isEqualTo(24);
        items = assertCompletion(POD + "spec:\n  restart|Policy: Never\n", "restartPolicy");
        assertThat(item(items, "restartPolicy").getTextEdit().getLeft().getRange().getEnd().getCharacter()).isEqualTo(9);
    }

    @Test
    void kindForAnApiVersionAndApiVersionForAKind() {
        assertCompletion("apiVersion: apps/v1\nkind: |", "Deployment", "ReplicaSet");
        assertNoCompletion("apiVersion: apps/v1\nkind: |", "Pod");
        assertCompletion("apiVersion: |\nkind: CronJob\n", "batch/v1");
        assertNoCompletion("apiVersion: |\nkind: CronJob\n", "apps/v1");
    }

    @Test
    void emptyFileOffersKindPairsAndSnippets() {
        List<CompletionItem> items = assertCompletion("|", "Pod", "Deployment", "Service", "new Deployment");
        assertThat(item(items, "Pod").getTextEdit().getLeft().getNewText()).isEqualTo("apiVersion: v1\nkind: Pod\n");
        CompletionItem snippet = item(items, "new Deployment");
        assertThat(snippet.getInsertTextFormat()).isEqualTo(InsertTextFormat.Snippet);
        assertThat(snippet.getTextEdit().getLeft().getNewText()).contains("apiVersion: apps/v1", "${1:name}", "matchLabels");
        // a ReplicationController's selector is a plain map of labels
        String rc = item(items, "new ReplicationController").getTextEdit().getLeft().getNewText();
        assertThat(rc).contains("apiVersion: v1", "kind: ReplicationController", "  selector:\n    app: ${3:app}").doesNotContain("matchLabels");
    }

    @Test
    void afterASeparatorEachDocumentHasItsOwnSchema() {
        assertCompletion(POD + "spec:\n  containers: []\n---\n|", "Deployment", "new Service");
        assertCompletion(POD + "---\napiVersion: v1\nkind: Service\nspec:\n  |", "ports", "selector");
        assertNoCompletion(POD + "---\napiVersion: v1\nkind: Service\nspec:\n  |", "containers");
    }

    @Test
    void aBrokenDocumentDoesNotStopItsNeighbours() {
        assertCompletion(POD + "spec:\n  containers: [\n    - \"unclosed\n---\napiVersion: v1\nkind: Service\nspec:\n  |",
                "ports", "selector");
        assertCompletion(POD + "spec:\n\tcontainers:\n  |", "restartPolicy");
    }

    @Test
    void endOfFileWithoutNewline() {
        assertCompletion(POD + "metadata:\n  name: x\n  lab|", "labels");
    }

    @Test
    void selectorsOfferLabelsOfTheOpenPodTemplates() {
        String deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n"
                + "      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n        tier: front\n"
                + "    spec:\n      containers:\n        - name: web\n          image: nginx\n          ports:\n"
                + "            - name: http\n              containerPort: 80\n";
        List<CompletionItem> items = completion("apiVersion: v1\nkind: Service\nspec:\n  selector:\n    |", deployment);
        assertThat(items).extracting(CompletionItem::getLabel).contains("app: web", "tier: front");
        items = completion("apiVersion: v1\nkind: Service\nspec:\n  selector:\n    app: |", deployment);
        assertThat(items).extracting(CompletionItem::getLabel).contains("web");
        items = completion("apiVersion: v1\nkind: Service\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n"
                + "      targetPort: |\n", deployment);
        assertThat(items).extracting(CompletionItem::getLabel).contains("http");
    }

    @Test
    void portNamesOfTheSamePodTemplate() {
        List<CompletionItem> items = completion(POD + "spec:\n  containers:\n    - name: web\n      image: nginx\n      ports:\n"
                + "        - name: http\n          containerPort: 80\n      readinessProbe:\n        httpGet:\n          port: |\n");
        assertThat(items).extracting(CompletionItem::getLabel).contains("http");
        items = completion(POD + "spec:\n  containers:\n    - name: web\n      image: nginx\n      env:\n        - name: LIMIT\n"
                + "          valueFrom:\n            resourceFieldRef:\n              resource: limits.cpu\n"
                + "              containerName: |\n");
        assertThat(items).extracting(CompletionItem::getLabel).contains("web");
    }

    @Test
    void containerNamesWhereThePodRefersToThem() {
        List<CompletionItem> items = completion("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  annotations:\n"
                + "    kubectl.kubernetes.io/default-container: |\nspec:\n  initContainers:\n    - name: setup\n"
                + "      image: busybox\n  containers:\n    - name: web\n      image: nginx\n    - name: sidecar\n"
                + "      image: busybox\n");
        assertThat(items).extracting(CompletionItem::getLabel).contains("web", "sidecar", "setup");
    }
}
