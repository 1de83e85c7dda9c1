package io.coxswain.launcher;

import io.coxswain.apiserver.Kubeconfig;
import io.coxswain.apiserver.auth.Pki;
import io.coxswain.apiserver.auth.Security;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Team mode's flags. It is on with {@code --secure}, and by default whenever {@code --listen} is not a loopback
 * address; {@code --no-secure} turns it off. The CA and certificates live in {@code <data-dir>/pki}, the tokens in
 * {@code <data-dir>/tokens.csv} and the audit log in {@code <data-dir>/audit.log} unless flags say otherwise.
 */
final class SecurityOptions {

    @Option(names = "--secure", negatable = true,
            description = "team mode: TLS only, authentication, authorization, audit (default: on unless --listen is loopback)")
    Boolean secure;

    @Option(names = "--tls-san", split = ",", description = "extra names and addresses for the serving certificate")
    List<String> tlsSans = new ArrayList<>();

    @Option(names = "--token-auth-file", description = "bearer tokens, token,user,uid,\"group1,group2\" (default <data-dir>/tokens.csv)")
    Path tokenFile;

    @Option(names = "--audit-log-path", description = "one JSON line per mutating request (default <data-dir>/audit.log)")
    Path auditLog;

    boolean enabled(String host) {
        if (secure != null) {
            return secure;
        }
        try {
            return !InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return true;
        }
    }

    static Path pkiDir(Path dataDir) {
        return dataDir.resolve("pki");
    }

    static Path defaultTokenFile(Path dataDir) {
        return dataDir.resolve("tokens.csv");
    }

    /** Makes (or reuses) the CA and a serving certificate for {@code host} and the SANs asked for. */
    Security prepare(Path dataDir, String host) {
        Pki pki = Pki.open(pkiDir(dataDir));
        List<String> sans = new ArrayList<>(tlsSans);
        if (!host.equals("0.0.0.0") && !host.equals("::") && !host.isEmpty()) {
            sans.add(host);
        }
        pki.ensureServing(sans);
        // kubelets are called with a certificate of the apiserver's own, made at each start, bound to system:kubelet-api-admin
        Pki.Issued kubeletClient = pki.issueClient(io.coxswain.apiserver.rbac.BootstrapPolicy.KUBELET_CLIENT, List.of());
        return new Security(pki.caFile(), pki.serverCertFile(), pki.serverKeyFile(),
                tokenFile != null ? tokenFile : defaultTokenFile(dataDir), auditLog != null ? auditLog : dataDir.resolve("audit.log"),
                kubeletClient);
    }

    /** The URL clients on this machine use: loopback when the server listens on every address. */
    static String url(String host, int port) {
        String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
        return "https://" + h + ":" + port;
    }

    /** Writes {@code <data-dir>/kubeconfig} with an admin client certificate (group system:masters), 0600. */
    static Path writeAdminKubeconfig(Path dataDir, String server) throws IOException {
        Pki pki = Pki.open(pkiDir(dataDir));
        Pki.Issued admin = pki.issueClientFiles("admin", "system:admin", List.of("system:masters"));
        return Kubeconfig.writePrivate(dataDir.resolve("kubeconfig"), Kubeconfig.secure(server, pki.caPem(), "system:admin",
                Kubeconfig.Credential.certificate(admin.certificatePem(), admin.keyPem()), "default"));
    }
}
