package io.coxswain.tests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where the project root and the shared folder (corpus, references) are, as the build passes them in. */
public final class SharedFiles {

    private SharedFiles() {
    }

    public static Path projectRoot() {
        return Path.of(System.getProperty("coxswain.root", "..")).toAbsolutePath().normalize();
    }

    /** The shared folder beside the checkout, when this workplace has one. */
    public static Optional<Path> shared() {
        Path shared = Path.of(System.getProperty("coxswain.shared", projectRoot().resolve("../shared").toString()))
                .toAbsolutePath().normalize();
        return Files.isDirectory(shared.resolve("corpus")) ? Optional.of(shared) : Optional.empty();
    }
}
