package io.coxswain.ls.cluster;

import org.eclipse.lsp4j.ProgressParams;
import org.eclipse.lsp4j.WorkDoneProgressBegin;
import org.eclipse.lsp4j.WorkDoneProgressCreateParams;
import org.eclipse.lsp4j.WorkDoneProgressEnd;
import org.eclipse.lsp4j.WorkDoneProgressNotification;
import org.eclipse.lsp4j.WorkDoneProgressReport;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/** One deploy's {@code $/progress}: from the apply until the object is ready, fails, or the timeout passes. */
final class DeployProgress {

    private final String token;
    private final String uri;
    private final int document;
    private final String name;
    private final long deadline;
    private final CompletableFuture<Void> created;
    private String last;

    private DeployProgress(String token, ManifestObject target, long deadline, CompletableFuture<Void> created) {
        this.token = token;
        this.uri = target.uri();
        this.document = target.document();
        this.name = ClusterCommands.resourceName(target);
        this.deadline = deadline;
        this.created = created;
    }

    /** Sends the progress notifications, when the client supports them. */
    static final class Reporter {
        private final AtomicInteger tokens = new AtomicInteger();
        private volatile CoxswainClient client;
        private volatile boolean supported;

        void connect(CoxswainClient client, boolean supported) {
            this.client = client;
            this.supported = supported;
        }

        DeployProgress begin(ManifestObject target, long timeoutMs) {
            String token = "coxswain-deploy-" + tokens.incrementAndGet();
            CoxswainClient c = client;
            CompletableFuture<Void> created = CompletableFuture.completedFuture(null);
            if (c != null && supported) {
                created = c.createProgress(new WorkDoneProgressCreateParams(Either.forLeft(token)))
                        .exceptionally(e -> null);
            }
            DeployProgress p = new DeployProgress(token, target, System.currentTimeMillis() + timeoutMs, created);
            WorkDoneProgressBegin begin = new WorkDoneProgressBegin();
            begin.setTitle("Deploying " + p.name);
            begin.setMessage("applied; waiting for it to be ready");
            begin.setCancellable(false);
            send(p, begin);
            return p;
        }

        /** Reports each deploy's status; ends those that are ready, failed or out of time. */
        void update(Map<String, DeployProgress> deploys, BiFunction<String, Integer, ObjectStatus> statusOf) {
            long now = System.currentTimeMillis();
            deploys.entrySet().removeIf(e -> {
                DeployProgress p = e.getValue();
                ObjectStatus status = statusOf.apply(p.uri, p.document);
                boolean settled = status != null && (ObjectStatus.ERROR.equals(status.severity())
                        || (ObjectStatus.INFO.equals(status.severity()) && !status.text().startsWith("⏳")));
                if (settled) {
                    end(p, status.text());
                    return true;
                }
                if (now > p.deadline) {
                    end(p, "not ready in time: " + (status == null ? "not seen in the cluster" : status.text()));
                    return true;
                }
                if (status != null && !status.text().equals(p.last)) {
                    p.last = status.text();
                    WorkDoneProgressReport report = new WorkDoneProgressReport();
                    report.setMessage(status.text());
                    send(p, report);
                }
                return false;
            });
        }

        private void end(DeployProgress p, String message) {
            WorkDoneProgressEnd end = new WorkDoneProgressEnd();
            end.setMessage(p.name + ": " + message);
            send(p, end);
        }

        private void send(DeployProgress p, WorkDoneProgressNotification notification) {
            CoxswainClient c = client;
            if (c != null && supported) {
                p.created.thenRun(() -> c.notifyProgress(new ProgressParams(Either.forLeft(p.token), Either.forLeft(notification))));
            }
        }
    }
}
