package io.coxswain.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code <data-dir>/components}: what an all-in-one started, one {@code component<TAB>state} line each
 * ("running", or "not started: why"), for {@code coxswain status}. Written whole at each change and renamed into
 * place, so a reader never sees half a file; it says what the last all-in-one started, so a reader checks that its
 * process still lives.
 */
final class ComponentsFile {

    static final String NAME = "components";

    private final Path file;
    private final Map<String, String> states = new LinkedHashMap<>();

    ComponentsFile(Path dataDir) {
        this.file = dataDir.resolve(NAME);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void record(String component, String state) {
        states.put(component, state.replace('\n', ' ').replace('\t', ' '));
        StringBuilder text = new StringBuilder();
        states.forEach((c, s) -> text.append(c).append('\t').append(s).append('\n'));
        try {
            Path tmp = file.resolveSibling(NAME + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The states the file holds, in the order they were started; empty when there is none. */
    static Map<String, String> read(Path dataDir) throws IOException {
        Map<String, String> states = new LinkedHashMap<>();
        Path file = dataDir.resolve(NAME);
        if (Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file)) {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    states.put(line.substring(0, tab), line.substring(tab + 1));
                }
            }
        }
        return states;
    }
}
