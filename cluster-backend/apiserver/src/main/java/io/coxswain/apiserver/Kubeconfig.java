package io.coxswain.apiserver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The kubeconfig that points kubectl and client libraries at an apiserver: on loopback without credentials (dev
 * mode), or in team mode with the cluster CA and a bearer token or a client certificate.
 */
public final class Kubeconfig {

    private Kubeconfig() {
    }

    /**
     * Writes {@code dir/kubeconfig}, readable by its owner only, and returns its path. The server is plain HTTP, so
     * the cluster says there is no certificate to verify: @kubernetes/client-node 1.x refuses an http server otherwise.
     */
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
                    insecure-skip-tls-verify: true
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

    /** A user's credential: a bearer token, or a client certificate and key (PEM). */
    public record Credential(String token, String certificatePem, String keyPem) {
        public static Credential token(String token) {
            return new Credential(token, null, null);
        }

        public static Credential certificate(String certificatePem, String keyPem) {
            return new Credential(null, certificatePem, keyPem);
        }
    }

    /** A team-mode kubeconfig: the server, the CA that signed its certificate, one user and a default namespace. */
    public static String secure(String server, String caPem, String user, Credential credential, String namespace) {
        String userBlock = credential.token() != null
                ? "    token: " + credential.token() + "\n"
                : "    client-certificate-data: " + base64(credential.certificatePem()) + "\n"
                + "    client-key-data: " + base64(credential.keyPem()) + "\n";
        String name = "coxswain";
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: %s
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                contexts:
                - name: %s
                  context:
                    cluster: %s
                    user: %s
                    namespace: %s
                current-context: %s
                users:
                - name: %s
                  user:
                """.formatted(name, server, base64(caPem), quoted(user + "@" + name), name, quoted(user), quoted(namespace),
                quoted(user + "@" + name), quoted(user)) + userBlock;
    }

    /**
     * Writes {@code file} (0600) for the cluster admin: user system:admin in group system:masters, with a client
     * certificate from the CA in {@code pkiDir}, also kept there as {@code admin.crt} and {@code admin.key} (0600).
     */
    public static Path writeAdmin(Path pkiDir, Path file, String server) throws IOException {
        io.coxswain.apiserver.auth.Pki pki = io.coxswain.apiserver.auth.Pki.open(pkiDir);
        io.coxswain.apiserver.auth.Pki.Issued admin = pki.issueClientFiles("admin", "system:admin", java.util.List.of("system:masters"));
        return writePrivate(file, secure(server, pki.caPem(), "system:admin", Credential.certificate(admin.certificatePem(), admin.keyPem()),
                "default"));
    }

    /**
     * The kubeconfig kubeadm's clusterinfo phase puts in kube-public/cluster-info: one unnamed cluster (its server and
     * CA), no users and no contexts, so it holds nothing secret. A joining node reads it anonymously and trusts it only
     * when its CA matches the pin and its jws-kubeconfig-&lt;id&gt; signature matches the token.
     */
    public static String clusterInfo(String server, String caPem) {
        return """
                apiVersion: v1
                clusters:
                - cluster:
                    certificate-authority-data: %s
                    server: %s
                  name: ""
                contexts: null
                current-context: ""
                kind: Config
                preferences: {}
                users: null
                """.formatted(base64(caPem), server);
    }

    /** Writes {@code text} as {@code file}, readable by its owner only. */
    public static Path writePrivate(Path file, String text) throws IOException {
        io.coxswain.apiserver.auth.Pki.writePrivate(file, text);
        return file;
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String base64(String pem) {
        return java.util.Base64.getEncoder().encodeToString(pem.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
