package io.coxswain.apiserver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The kubeconfig that points kubectl and client libraries at an apiserver on loopback (no credentials in dev mode). */
public final class Kubeconfig {

    private Kubeconfig() {
    }

    /** Writes {@code dir/kubeconfig}, readable by its owner only, and returns its path. */
    public static Path write(Path dir, String server) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: coxswain
                  cluster:
                    server: %s
                contexts:
                - name: coxswain
                  context:
                    cluster: coxswain
                    user: coxswain
                    namespace: default
                current-context: coxswain
                users:
                - name: coxswain
                  user: {}
                """.formatted(server));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
