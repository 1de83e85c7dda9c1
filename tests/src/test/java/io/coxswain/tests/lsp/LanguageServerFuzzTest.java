package io.coxswain.tests.lsp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our server under hostile input: thousands of random incremental edits (YAML fragments, garbage bytes, tabs,
 * unicode), a billion-laughs alias bomb, 10,000-deep nesting and a 10 MB file. It must not crash, must answer every
 * request, must keep its memory bounded and must answer the alias bomb with a diagnostic within seconds.
 * Fails, and says why, when the jar is missing; -Dcoxswain.lsp.server=peer runs it against yaml-language-server.
 */
class LanguageServerFuzzTest {

    private static final Duration ANSWER = Duration.ofSeconds(30);
    /** The resident set may not pass this, whatever the input. */
    private static final long RSS_BOUND_KB = 1536L * 1024;
    private static final String[] FRAGMENTS = {
        "\n", "\n  ", "\n- ", ": ", "key: value\n", "  containers:\n    - name: x\n      image: y\n", "kind: Pod\n",
        "apiVersion: apps/v1\n", "---\n", "...\n", "\t", "\t\tkey:\tvalue\n", "[", "]", "{", "}", "{a: [b, {c: d}]}",
        "&anchor ", "*anchor", "*missing", "!!binary ", "!custom ", "? complex\n: key\n", "|\n  block\n", ">-\n  folded\n",
        "\"unterminated", "'quote", "#", "# comment\n", "%YAML 1.2\n", "@", "`", "replicas: -1\n", "port: 99999999999999999999\n",
        "é", "ß", "日本語", "😀", "👨‍👩‍👧", "\u200B", "\u202E", "\uFEFF", "\u0000", "\u0007", "\r", "\r\n", "\u2028",
        "a".repeat(500), " ".repeat(200), "- ".repeat(50) + "x\n",
    };

    private LspClient client;
    private final List<CompletableFuture<?>> requests = new ArrayList<>();
    private long peakRssKb;
    private int errorAnswers;

    @BeforeEach
    void start() throws Exception {
        Path dir = LspServers.workDir();
        client = LspClient.start("fuzz", LspServers.serverUnderTest(), dir.resolve("fuzz.stderr.log"));
        client.initialize(dir, LspServers.settings(), Duration.ofSeconds(60));
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void survivesHostileInput() throws Exception {
        Path dir = LspServers.workDir();
        Random random = new Random(20261129L);

        // 1. thousands of random incremental edits, with completion and hover in between
        String uri = dir.resolve("fuzz-edits.yaml").toUri().toString();
        StringBuilder text = new StringBuilder(Manifests.generate(30).text());
        client.open(uri, text.toString());
        long started = System.nanoTime();
        for (int i = 0; i < 3_000; i++) {
            int from = safe(text, random.nextInt(text.length() + 1));
            int to = random.nextInt(4) == 0 ? safe(text, Math.min(text.length(), from + random.nextInt(40))) : from;
            String insert = random.nextInt(5) == 0 ? garbage(random) : FRAGMENTS[random.nextInt(FRAGMENTS.length)];
            Position start = position(text, from);
            Position end = position(text, to);
            text.replace(from, to, insert);
            client.change(uri, new org.eclipse.lsp4j.Range(start, end), insert);
            if (i % 25 == 0) {
                Position at = position(text, safe(text, random.nextInt(text.length() + 1)));
                track(client.completion(uri, at));
                track(client.hover(uri, at));
                watchMemory("random edits");
            }
            if (text.length() > 200_000) {
                int cut = safe(text, 100_000);
                Position end2 = position(text, text.length());
                client.change(uri, new org.eclipse.lsp4j.Range(position(text, cut), end2), "");
                text.setLength(cut);
            }
        }
        int asked = requests.size();
        awaitAll("random edits");
        System.out.printf("fuzz: 3,000 random edits with %d requests answered in %.1f s (%d error answers)%n",
                asked, (System.nanoTime() - started) / 1e9, errorAnswers);
        assertThat(client.alive()).as("server alive after random edits").isTrue();

        // 2. the alias bomb: a diagnostic, quickly, and requests on it answered
        String bombUri = dir.resolve("fuzz-bomb.yaml").toUri().toString();
        StringBuilder bomb = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n");
        bomb.append("  a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (int level = 1; level <= 9; level++) {
            bomb.append("  a").append(level).append(": &a").append(level).append(" [");
            for (int k = 0; k < 9; k++) {
                bomb.append(k == 0 ? "" : ",").append("*a").append(level - 1);
            }
            bomb.append("]\n");
        }
        int seen = client.publishedCount(bombUri);
        long sent = System.nanoTime();
        client.open(bombUri, bomb.toString());
        LspClient.Published bombDiagnostics = client.awaitDiagnostics(bombUri, seen, p -> !p.diagnostics().isEmpty(),
                Duration.ofSeconds(5));
        assertThat(bombDiagnostics).as("a diagnostic on the alias bomb within 5 s").isNotNull();
        System.out.printf("fuzz: alias bomb answered with \"%s\" in %.0f ms%n",
                bombDiagnostics.diagnostics().get(0).getMessage().getLeft(), (bombDiagnostics.nanos() - sent) / 1e6);
        track(client.completion(bombUri, new Position(15, 0)));
        track(client.hover(bombUri, new Position(14, 4)));
        awaitAll("alias bomb");

        // 3. 10,000-deep nesting, in flow style and as nested block sequences
        String deepUri = dir.resolve("fuzz-deep.yaml").toUri().toString();
        String deep = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\n  labels: " + "[".repeat(10_000)
                + "]".repeat(10_000) + "\ndata:\n  x: " + "{a: ".repeat(10_000) + "}".repeat(10_000) + "\n---\n"
                + "- ".repeat(10_000) + "x\n";
        client.open(deepUri, deep);
        assertThat(client.awaitDiagnostics(deepUri, 0, p -> true, ANSWER)).as("diagnostics on 10,000-deep nesting").isNotNull();
        track(client.completion(deepUri, new Position(4, 20)));
        track(client.hover(deepUri, new Position(1, 2)));
        awaitAll("deep nesting");

        // 4. a 10 MB file
        String bigUri = dir.resolve("fuzz-10mb.yaml").toUri().toString();
        Manifests.File big = Manifests.generate(46_000);
        assertThat(big.text().length()).isGreaterThan(10_000_000);
        sent = System.nanoTime();
        client.open(bigUri, big.text());
        track(client.completion(bigUri, big.end().keyCompletion()));
        track(client.hover(bigUri, big.middle().hover()));
        awaitAll("10 MB file");
        System.out.printf("fuzz: 10 MB file (%,d lines): completion and hover answered after %.1f s%n", big.lines(),
                (System.nanoTime() - sent) / 1e9);
        // diagnostics on 10 MB are reported, not required: no budget covers a file this size
        LspClient.Published bigDiagnostics = client.awaitDiagnostics(bigUri, 0, p -> true, Duration.ofSeconds(60));
        System.out.println("fuzz: 10 MB file: " + (bigDiagnostics == null ? "no diagnostics within 60 s"
                : String.format("diagnostics after %.1f s", (bigDiagnostics.nanos() - sent) / 1e9)));
        watchMemory("10 MB file, after its diagnostics");

        // still itself afterwards
        track(client.completion(uri, new Position(0, 0)));
        awaitAll("after everything");
        System.out.printf("fuzz: peak VmRSS seen %d MB, VmHWM %d MB%n", peakRssKb / 1024, client.peakRssKb() / 1024);
        assertThat(client.alive()).as("server alive at the end").isTrue();
        assertThat(peakRssKb).as("VmRSS stays below " + RSS_BOUND_KB / 1024 + " MB").isLessThan(RSS_BOUND_KB);
    }

    private void track(CompletableFuture<?> request) {
        requests.add(request);
    }

    private void awaitAll(String phase) throws Exception {
        long deadline = System.nanoTime() + ANSWER.toNanos();
        for (CompletableFuture<?> request : requests) {
            try {
                request.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof ResponseErrorException)) {
                    throw new AssertionError(phase + ": a request failed: " + e.getCause(), e);
                }
                errorAnswers++;
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError(phase + ": a request was not answered within " + ANSWER.toSeconds()
                        + " s (server alive: " + client.alive() + ")");
            }
        }
        requests.clear();
        watchMemory(phase);
        assertThat(client.alive()).as("server alive after " + phase).isTrue();
    }

    private void watchMemory(String phase) {
        long now = client.rssKb();
        peakRssKb = Math.max(peakRssKb, now);
        assertThat(now).as("VmRSS stays below " + RSS_BOUND_KB / 1024 + " MB (" + phase + ", server started as "
                + LspServers.serverUnderTest() + ")").isLessThan(RSS_BOUND_KB);
    }

    private static String garbage(Random random) {
        StringBuilder out = new StringBuilder();
        int n = 1 + random.nextInt(30);
        for (int i = 0; i < n; i++) {
            char c = (char) random.nextInt(0xD800); // no lone surrogates: JSON cannot carry them
            out.append(c);
        }
        return out.toString();
    }

    /** An offset that does not split a surrogate pair. */
    private static int safe(CharSequence text, int offset) {
        if (offset > 0 && offset < text.length() && Character.isLowSurrogate(text.charAt(offset))
                && Character.isHighSurrogate(text.charAt(offset - 1))) {
            return offset - 1;
        }
        return offset;
    }

    /** LSP position (UTF-16 units, like Java chars) of an offset; lines end at \n, \r\n or \r. */
    private static Position position(CharSequence text, int offset) {
        int line = 0;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
                line++;
                lineStart = i + 1;
            }
        }
        return new Position(line, offset - lineStart);
    }
}
