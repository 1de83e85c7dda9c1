package io.coxswain.tests.lsp;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.lsp4j.Position;

/**
 * Generated multi-document manifest files: Pods, Services, Deployments, Jobs, ConfigMaps and CronJobs in turn, each
 * valid against the schemas, with the places the benchmarks aim at recorded per document.
 */
public final class Manifests {

    /** One generated document: its kind, the line of {@code metadata:}'s {@code name:} key, and the line of a key to hover. */
    public record Doc(String kind, int nameLine, int hoverLine, int hoverColumn) {
        /** Where a new metadata key would be typed: the start of the {@code name:} line, with the indentation. */
        public Position keyCompletion() {
            return new Position(nameLine, 2);
        }

        public Position hover() {
            return new Position(hoverLine, hoverColumn + 1);
        }
    }

    public record File(String text, List<Doc> docs, int lines) {
        public Doc start() {
            return docs.get(0);
        }

        public Doc middle() {
            return docs.get(docs.size() / 2);
        }

        public Doc end() {
            return docs.get(docs.size() - 1);
        }
    }

    private Manifests() {
    }

    public static File generate(int documents) {
        StringBuilder out = new StringBuilder();
        List<Doc> docs = new ArrayList<>();
        int[] line = {0};
        for (int i = 0; i < documents; i++) {
            if (i > 0) {
                append(out, line, "---");
            }
            String name = "app-" + i;
            switch (i % 6) {
                case 0 -> {
                    append(out, line, "apiVersion: v1", "kind: Pod", "metadata:");
                    int nameLine = line[0];
                    append(out, line, "  name: " + name, "  labels:", "    app: " + name, "spec:", "  containers:",
                            "    - name: main");
                    docs.add(new Doc("Pod", nameLine, line[0], 6));
                    append(out, line, "      image: busybox:1.36", "      command: [\"sleep\", \"3600\"]",
                            "      ports:", "        - containerPort: 8080", "  restartPolicy: Always");
                }
                case 1 -> {
                    append(out, line, "apiVersion: v1", "kind: Service", "metadata:");
                    int nameLine = line[0];
                    // selects the Pod generated just before it
                    append(out, line, "  name: " + name, "spec:", "  selector:", "    app: app-" + (i - 1), "  ports:");
                    docs.add(new Doc("Service", nameLine, line[0], 6));
                    append(out, line, "    - port: 80", "      targetPort: 8080", "      protocol: TCP");
                }
                case 2 -> {
                    append(out, line, "apiVersion: apps/v1", "kind: Deployment", "metadata:");
                    int nameLine = line[0];
                    append(out, line, "  name: " + name, "spec:");
                    docs.add(new Doc("Deployment", nameLine, line[0], 2));
                    append(out, line, "  replicas: 3", "  selector:", "    matchLabels:", "      app: " + name,
                            "  template:", "    metadata:", "      labels:", "        app: " + name, "    spec:",
                            "      containers:", "        - name: web", "          image: nginx:1.27",
                            "          resources:", "            limits:", "              cpu: 500m",
                            "              memory: 128Mi");
                }
                case 3 -> {
                    append(out, line, "apiVersion: batch/v1", "kind: Job", "metadata:");
                    int nameLine = line[0];
                    append(out, line, "  name: " + name, "spec:");
                    docs.add(new Doc("Job", nameLine, line[0], 2));
                    append(out, line, "  backoffLimit: 4", "  template:", "    spec:", "      restartPolicy: Never",
                            "      containers:", "        - name: task", "          image: busybox:1.36",
                            "          args: [\"echo\", \"done\"]");
                }
                case 4 -> {
                    append(out, line, "apiVersion: v1", "kind: ConfigMap", "metadata:");
                    int nameLine = line[0];
                    append(out, line, "  name: " + name);
                    docs.add(new Doc("ConfigMap", nameLine, line[0], 0));
                    append(out, line, "data:", "  key: value-" + i, "  other: \"" + i + "\"");
                }
                default -> {
                    append(out, line, "apiVersion: batch/v1", "kind: CronJob", "metadata:");
                    int nameLine = line[0];
                    append(out, line, "  name: " + name, "spec:");
                    docs.add(new Doc("CronJob", nameLine, line[0], 2));
                    append(out, line, "  schedule: \"*/5 * * * *\"", "  jobTemplate:", "    spec:", "      template:",
                            "        spec:", "          restartPolicy: OnFailure", "          containers:",
                            "            - name: tick", "              image: busybox:1.36");
                }
            }
        }
        return new File(out.toString(), docs, line[0]);
    }

    private static void append(StringBuilder out, int[] line, String... lines) {
        for (String l : lines) {
            out.append(l).append('\n');
            line[0]++;
        }
    }
}
