package io.coxswain.ls.services;

import io.coxswain.ls.model.YamlContext;
import io.coxswain.schemas.GroupVersionKind;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemKind;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * apiVersion and kind: the pair for a document that has neither, the apiVersion that serves a kind and the kinds
 * an apiVersion serves, and a snippet with tab stops for a new document of each kind.
 */
public final class KindCompletionParticipant implements CompletionParticipant {

    private static final Map<String, String> BODIES = Map.of(
            "Pod", "spec:\n  containers:\n    - name: ${2:app}\n      image: ${3:busybox}\n$0",
            "Deployment", "spec:\n  replicas: ${2:1}\n  selector:\n    matchLabels:\n      app: ${3:app}\n  template:\n"
                    + "    metadata:\n      labels:\n        app: ${3:app}\n    spec:\n      containers:\n"
                    + "        - name: ${4:app}\n          image: ${5:busybox}\n$0",
            "ReplicaSet", "spec:\n  replicas: ${2:1}\n  selector:\n    matchLabels:\n      app: ${3:app}\n  template:\n"
                    + "    metadata:\n      labels:\n        app: ${3:app}\n    spec:\n      containers:\n"
                    + "        - name: ${4:app}\n          image: ${5:busybox}\n$0",
            "ReplicationController", "spec:\n  replicas: ${2:1}\n  selector:\n    app: ${3:app}\n  template:\n"
                    + "    metadata:\n      labels:\n        app: ${3:app}\n    spec:\n      containers:\n"
                    + "        - name: ${4:app}\n          image: ${5:busybox}\n$0",
            "Service", "spec:\n  selector:\n    app: ${2:app}\n  ports:\n    - port: ${3:80}\n      targetPort: ${4:8080}\n$0",
            "Job", "spec:\n  template:\n    spec:\n      restartPolicy: ${2|Never,OnFailure|}\n      containers:\n"
                    + "        - name: ${3:job}\n          image: ${4:busybox}\n$0",
            "CronJob", "spec:\n  schedule: \"${2:*/5 * * * *}\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
                    + "          restartPolicy: ${3|Never,OnFailure|}\n          containers:\n"
                    + "            - name: ${4:job}\n              image: ${5:busybox}\n$0",
            "ConfigMap", "data:\n  ${2:key}: ${3:value}\n$0");

    @Override
    public void onKey(CompletionRequest request, List<CompletionItem> out) {
        if (!request.context().path().isEmpty() || request.kind().isPresent()) {
            return;
        }
        Set<String> present = request.context().present();
        boolean hasApiVersion = present.contains("apiVersion");
        for (GroupVersionKind gvk : request.schemas().catalog().kinds()) {
            String insert = (hasApiVersion ? "" : "apiVersion: " + gvk.apiVersion() + "\n") + "kind: " + gvk.kind() + "\n";
            out.add(request.item(gvk.kind(), CompletionItemKind.Class, insert, false, "0" + gvk.kind(),
                    "apiVersion: " + gvk.apiVersion() + ", kind: " + gvk.kind(), null));
        }
        if (present.isEmpty()) {
            for (GroupVersionKind gvk : request.schemas().catalog().kinds()) {
                String body = BODIES.getOrDefault(gvk.kind(), "$0");
                String snippet = "apiVersion: " + gvk.apiVersion() + "\nkind: " + gvk.kind() + "\nmetadata:\n  name: ${1:name}\n" + body;
                out.add(request.item("new " + gvk.kind(), CompletionItemKind.Snippet, snippet, true, "1" + gvk.kind(),
                        "a new " + gvk.kind() + " document", null));
            }
        }
    }

    @Override
    public void onValue(CompletionRequest request, List<CompletionItem> out) {
        if (request.context().path().size() != 1) {
            return;
        }
        String apiVersion = YamlContext.topLevel(request.section(), "apiVersion");
        String kind = YamlContext.topLevel(request.section(), "kind");
        if ("kind".equals(request.context().valueOf())) {
            Set<String> kinds = new LinkedHashSet<>();
            for (GroupVersionKind gvk : request.schemas().catalog().kinds()) {
                if (apiVersion == null || gvk.apiVersion().equals(apiVersion)) {
                    kinds.add(gvk.kind());
                }
            }
            kinds.forEach(k -> out.add(request.item(k, CompletionItemKind.Class, k, false, "0" + k, "kind", null)));
        } else if ("apiVersion".equals(request.context().valueOf())) {
            Set<String> versions = new LinkedHashSet<>();
            for (GroupVersionKind gvk : request.schemas().catalog().kinds()) {
                if (kind == null || gvk.kind().equals(kind) || request.schemas().catalog().kindsNamed(kind).isEmpty()) {
                    versions.add(gvk.apiVersion());
                }
            }
            versions.forEach(v -> out.add(request.item(v, CompletionItemKind.Module, v, false, "0" + v, "apiVersion", null)));
        }
    }
}
