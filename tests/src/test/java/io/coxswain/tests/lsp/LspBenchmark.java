package io.coxswain.tests.lsp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.coxswain.tests.bench.FigureTable;
import org.eclipse.lsp4j.Position;
import org.junit.jupiter.api.Test;

/**
 * Our language server next to yaml-language-server on generated manifest files of 100, 1,000 and 5,000 documents:
 * initialize, open to first diagnostics, completion at the start, middle and end of the file, hover, edit to updated
 * diagnostics, and peak RSS. It prints figures; it asserts only that requests are answered.
 */
class LspBenchmark {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration DIAGNOSTICS_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration EDIT_TIMEOUT = Duration.ofSeconds(20);
    /** Per measure and server, sampling stops after this long, so that a slow server keeps the run short. */
    private static final long MEASURE_BUDGET_NANOS = Duration.ofSeconds(6).toNanos();

    /** A figure: nanoseconds or KiB; NaN when the server gave no answer in time. */
    private record Figure(double value, boolean memory, String note) {
        static Figure time(double nanos) {
            return new Figure(nanos, false, null);
        }

        static Figure missing(String note) {
            return new Figure(Double.NaN, false, note);
        }

        String show() {
            if (note != null) {
                return note;
            }
            return memory ? String.format("%.0f MB", value / 1024) : FigureTable.ms((long) value);
        }
    }

    @Test
    void oursNextToYamlLanguageServer() throws Exception {
        // 1,000 documents is the size of DESIGN.md's budgets; 5,000 at full size only
        int[] sizes = io.coxswain.tests.bench.BenchSize.FULL ? new int[] {100, 1_000, 5_000} : new int[] {100, 1_000};
        for (int documents : sizes) {
            Manifests.File file = Manifests.generate(documents);
            int samples = documents >= 5_000 ? 8 : documents >= 1_000 ? 20 : 30;
            int edits = documents >= 5_000 ? 2 : 4;
            // both servers are installed by ./coxswain test: a missing one fails the benchmark
            Map<String, Figure> ours = run(LspServers.OURS, LspServers.oursOrFail(), file, documents, samples, edits);
            Map<String, Figure> peer = run(LspServers.PEER, LspServers.peer().orElseThrow(() -> new AssertionError(
                    "yaml-language-server is not installed in tests/lsp-peer (./coxswain test installs it)")),
                    file, documents, samples, edits);
            Map<String, Map<String, String>> columns = new LinkedHashMap<>();
            columns.put("coxswain", show(ours));
            columns.put(LspServers.PEER, show(peer));
            Map<String, String> ratio = new LinkedHashMap<>();
            ours.forEach((measure, o) -> {
                Figure p = peer.get(measure);
                ratio.put(measure, o.note() == null && p.note() == null && p.value() > 0
                        ? ratio(o.value() / p.value()) : "n/a");
            });
            columns.put("ours / theirs", ratio);
            FigureTable.print(String.format("LSP benchmark: %,d documents, %,d lines, %,d KB; %d samples per position "
                    + "(fewer where a server used up its %d s per measure)", documents, file.lines(),
                    file.text().length() / 1024, samples, MEASURE_BUDGET_NANOS / 1_000_000_000L), columns,
                    "yaml-language-server: the version pinned in tests/lsp-peer; both servers get the same schema bundled from schemas/;"
                            + " ours runs as editors start it: " + String.join(" ", LspServers.ours().orElse(List.of("java")))
                            + " (-Dcoxswain.ls.jvmArgs changes the options before the archive's)."
                            + (LspServers.ours().isPresent() ? ""
                                    : "\nour server: no jar at " + LspServers.ourJar() + ", so its column is empty"));
        }
    }

    /**
     * Process start to initialize response, what a user waits for when the editor opens a manifest: our server with the
     * AppCDS archive the build makes, without it, and yaml-language-server, started in turns so that all three share
     * the machine's load alike.
     */
    @Test
    void startToInitializeResponse() throws Exception {
        int starts = Integer.getInteger("coxswain.lsp.starts", 12);
        Map<String, List<String>> servers = new LinkedHashMap<>();
        servers.put("coxswain + AppCDS", LspServers.oursOrFail());
        assertThat(servers.get("coxswain + AppCDS")).as("the build's archive next to the jar, "
                + LspServers.ourArchive()).contains(LspServers.archiveArgs(LspServers.ourArchive()).get(0));
        servers.put("coxswain, no AppCDS", LspServers.ours(false).orElseThrow());
        servers.put(LspServers.PEER, LspServers.peer().orElseThrow(() -> new AssertionError(
                "yaml-language-server is not installed in tests/lsp-peer (./coxswain test installs it)")));
        Map<String, List<Double>> nanos = new LinkedHashMap<>();
        servers.keySet().forEach(name -> nanos.put(name, new ArrayList<>()));
        Path dir = LspServers.workDir();
        for (int i = 0; i < starts; i++) {
            for (Map.Entry<String, List<String>> server : servers.entrySet()) {
                try (LspClient client = LspClient.start(server.getKey(), server.getValue(),
                        dir.resolve("start-" + server.getKey().replaceAll("[^a-zA-Z]+", "-") + ".stderr.log"))) {
                    client.initialize(dir, LspServers.settings(), Duration.ofSeconds(60));
                    nanos.get(server.getKey()).add((double) client.startToInitializeNanos());
                }
            }
        }
        Map<String, Map<String, String>> columns = new LinkedHashMap<>();
        nanos.forEach((name, samples) -> {
            double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            Map<String, String> column = new LinkedHashMap<>();
            column.put("start (process start to initialize response)", FigureTable.ms((long) at(sorted, 0.50)));
            column.put("  fastest", FigureTable.ms((long) sorted[0]));
            column.put("  p90", FigureTable.ms((long) at(sorted, 0.90)));
            columns.put(name, column);
        });
        FigureTable.print(String.format("LSP start: %d starts of each server, in turns; median, fastest and p90", starts),
                columns, "ours: java " + LspServers.EDITOR_JVM_ARGS + " [" + String.join(" ",
                        LspServers.archiveArgs(LspServers.ourArchive())) + "] -jar coxswain-language-server.jar;"
                        + " yaml-language-server: node, the version pinned in tests/lsp-peer. Every server is sent the"
                        + " initialize request as soon as it is started.");
    }

    private static String ratio(double r) {
        return r < 0.01 ? "<0.01×" : String.format("%.2f×", r);
    }

    private static Map<String, Figure> unavailable(String why) {
        Map<String, Figure> out = new LinkedHashMap<>();
        for (String m : measures()) {
            out.put(m, Figure.missing(why));
        }
        return out;
    }

    private static List<String> measures() {
        List<String> m = new ArrayList<>(List.of("start (process start to initialize response)", "initialize",
                "open → first diagnostics"));
        for (String where : List.of("start", "middle", "end")) {
            m.add("completion p50, " + where + " of file");
            m.add("completion p95, " + where + " of file");
        }
        m.addAll(List.of("hover p50", "hover p95", "edit → updated diagnostics (median)", "peak RSS (VmHWM)"));
        return m;
    }

    private static Map<String, String> show(Map<String, Figure> figures) {
        Map<String, String> out = new LinkedHashMap<>();
        figures.forEach((k, v) -> out.put(k, v.show()));
        return out;
    }

    private static Map<String, Figure> run(String name, List<String> command, Manifests.File file, int documents,
            int samples, int edits) {
        Map<String, Figure> out = unavailable("no answer");
        try {
            Path dir = LspServers.workDir();
            String uri = dir.resolve("bench-" + documents + ".yaml").toUri().toString();
            try (LspClient client = LspClient.start(name, command, dir.resolve(name + "-bench-" + documents + ".stderr.log"))) {
                client.initialize(dir, LspServers.settings(), Duration.ofSeconds(60));
                out.put("start (process start to initialize response)", Figure.time(client.startToInitializeNanos()));
                out.put("initialize", Figure.time(client.initializeNanos()));

                long opened = System.nanoTime();
                client.open(uri, file.text());
                LspClient.Published first = client.awaitDiagnostics(uri, 0, p -> true, DIAGNOSTICS_TIMEOUT);
                out.put("open → first diagnostics", first == null ? Figure.missing("none in 60 s")
                        : Figure.time(first.nanos() - opened));

                // warm-up, not counted: the JIT for ours, the schema load for both
                for (int i = 0; i < 3; i++) {
                    LspClient.await(client.completion(uri, file.middle().keyCompletion()), REQUEST_TIMEOUT);
                    LspClient.await(client.hover(uri, file.middle().hover()), REQUEST_TIMEOUT);
                }
                Map<String, Manifests.Doc> places = Map.of("start", file.start(), "middle", file.middle(), "end", file.end());
                for (String where : List.of("start", "middle", "end")) {
                    Position at = places.get(where).keyCompletion();
                    Figure[] p = percentiles(sample(samples, () -> client.completion(uri, at)));
                    out.put("completion p50, " + where + " of file", p[0]);
                    out.put("completion p95, " + where + " of file", p[1]);
                }
                Figure[] hover = percentiles(sample(samples, () -> client.hover(uri, file.middle().hover())));
                out.put("hover p50", hover[0]);
                out.put("hover p95", hover[1]);

                out.put("edit → updated diagnostics (median)", editToDiagnostics(client, uri, file.middle(), edits));
                out.put("peak RSS (VmHWM)", new Figure(client.peakRssKb(), true, null));
                assertThat(client.alive()).as(name + " still running after the benchmark").isTrue();
            }
        } catch (Exception e) {
            System.out.println(name + " on " + documents + " documents failed: " + e);
        }
        return out;
    }

    /** Latencies in nanoseconds; a request without an answer in time counts as NaN and ends the sampling. */
    private static double[] sample(int samples, Supplier<CompletableFuture<?>> request) throws Exception {
        List<Double> nanos = new ArrayList<>();
        long budgetEnd = System.nanoTime() + MEASURE_BUDGET_NANOS;
        for (int i = 0; i < samples && (i < 3 || System.nanoTime() < budgetEnd); i++) {
            long start = System.nanoTime();
            Object answer = LspClient.await(request.get(), REQUEST_TIMEOUT);
            long took = System.nanoTime() - start;
            if (answer == null && took >= REQUEST_TIMEOUT.toNanos()) {
                nanos.add(Double.NaN);
                break;
            }
            nanos.add((double) took);
        }
        return nanos.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static Figure[] percentiles(double[] nanos) {
        if (nanos.length == 0 || Arrays.stream(nanos).anyMatch(Double::isNaN)) {
            Figure none = Figure.missing("timeout " + REQUEST_TIMEOUT.toSeconds() + " s");
            return new Figure[] {none, none};
        }
        double[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Figure[] {Figure.time(at(sorted, 0.50)), Figure.time(at(sorted, 0.95))};
    }

    private static double at(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    /**
     * Adds an unknown metadata field below the middle document's name and waits for diagnostics with one problem more
     * than before, then removes it and waits for the count to come back; every wait is one sample.
     */
    private static Figure editToDiagnostics(LspClient client, String uri, Manifests.Doc doc, int edits) throws Exception {
        int line = doc.nameLine() + 1;
        List<LspClient.Published> before = client.published(uri);
        int baseline = before.isEmpty() ? 0 : before.get(before.size() - 1).diagnostics().size();
        List<Double> nanos = new ArrayList<>();
        for (int i = 0; i < edits; i++) {
            int seen = client.publishedCount(uri);
            long start = System.nanoTime();
            client.change(uri, LspClient.range(line, 0, line, 0), "  bogusField" + i + ": 1\n");
            LspClient.Published bad = client.awaitDiagnostics(uri, seen, p -> p.diagnostics().size() > baseline,
                    EDIT_TIMEOUT);
            if (bad == null) {
                return Figure.missing("none in " + EDIT_TIMEOUT.toSeconds() + " s");
            }
            nanos.add((double) (bad.nanos() - start));
            seen = client.publishedCount(uri);
            start = System.nanoTime();
            client.change(uri, LspClient.range(line, 0, line + 1, 0), "");
            LspClient.Published good = client.awaitDiagnostics(uri, seen, p -> p.diagnostics().size() == baseline,
                    EDIT_TIMEOUT);
            if (good == null) {
                List<LspClient.Published> last = client.published(uri);
                System.out.println(client.name() + ": after removing the field again, the last diagnostics were "
                        + (last.isEmpty() ? "none" : last.get(last.size() - 1).diagnostics()));
                return Figure.missing("not cleared in " + EDIT_TIMEOUT.toSeconds() + " s");
            }
            nanos.add((double) (good.nanos() - start));
        }
        return percentiles(nanos.stream().mapToDouble(Double::doubleValue).toArray())[0];
    }

}
