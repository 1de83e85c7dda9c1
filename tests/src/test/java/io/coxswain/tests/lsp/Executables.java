package io.coxswain.tests.lsp;

import java.nio.file.Files;
import java.nio.file.Path;

/** Programs the editor tests run, found on PATH. */
final class Executables {

    private Executables() {
    }

    /** The program's path, or an assertion error that says how it gets installed. */
    static String onPath(String name, String howInstalled) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toString();
            }
        }
        throw new AssertionError(name + " is not installed (" + howInstalled + ")");
    }
}
