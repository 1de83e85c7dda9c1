package io.coxswain.ls.services;

import io.coxswain.ls.RecordingClient;
import io.coxswain.ls.log.ClientLog;
import io.coxswain.ls.model.ManifestDocument;
import org.eclipse.lsp4j.MessageParams;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Half-typed text everywhere: every feature at random places in randomly cut and damaged manifests, and no failure. */
class RobustnessTest {

    private static final String[] DAMAGE = {"", "\t", "- ", ":", "\"", "'", "[", "{", "&a ", "*a", "---\n", "\n  ", "key", "#"};

    @Test
    void noFeatureFailsOnDamagedText() throws IOException {
        // every failure a feature catches is logged as a warning: the log goes to this client
        RecordingClient log = new RecordingClient();
        ClientLog.connect(log);
        try {
            Random random = new Random(11);
            for (String source : sources()) {
                for (int round = 0; round < 60; round++) {
                    int cut = random.nextInt(source.length() + 1);
                    String text = source.substring(0, cut) + DAMAGE[random.nextInt(DAMAGE.length)]
                            + (random.nextBoolean() ? source.substring(cut) : "");
                    ManifestLanguageService service = ManifestAssert.service();
                    ManifestDocument document = ManifestAssert.open(service, text);
                    service.diagnostics(document);
                    service.symbols(document);
                    service.folding(document);
                    service.formatting(document);
                    service.codeActions(document, service.diagnostics(document));
                    for (int i = 0; i < 10; i++) {
                        int line = random.nextInt(document.lineCount());
                        int character = random.nextInt(document.line(line).length() + 1);
                        service.completion(document, line, character);
                        service.hover(document, line, character);
                        service.definition(document, line, character);
                        service.references(document, line, character);
                    }
                }
            }
        } finally {
            ClientLog.connect(null);
        }
        assertThat(log.logs).extracting(MessageParams::getMessage).isEmpty();
    }

    private static List<String> sources() throws IOException {
        Path root = Path.of(System.getProperty("coxswain.root", "..")).toAbsolutePath().normalize();
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve("examples"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                out.add(Files.readString(file));
            }
        }
        assertThat(out).isNotEmpty();
        return out;
    }
}
