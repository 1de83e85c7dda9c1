package io.coxswain.launcher;

import io.coxswain.apiserver.Kubeconfig;
import io.coxswain.apiserver.auth.Security;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The apiserver's security flags. It always serves TLS from the CA in {@code <data-dir>/pki}, authenticates client
 * certificates and bearer tokens ({@code <data-dir>/tokens.csv}), authorizes with RBAC and writes an audit log
 * ({@code <data-dir>/audit.log}), on loopback too. Only {@code --insecure-loopback} keeps plain HTTP, with no
 * authentication, and only on a loopback address.
 */
final class SecurityOptions {

    @Option(names = "--insecure-loopback",
            description = "serve plain HTTP with no authentication: anyone on this machine is cluster-admin (loopback only; for measurements)")
    boolean insecureLoopback;

    /** What team mode was called before it became the default; still accepted, and changes nothing. */
    @Option(names = "--secure", hidden = true, description = "no effect: the apiserver is always secure (see --insecure-loopback)")
    boolean secure;

    @Option(names = "--tls-san", split = ",", description = "extra names and addresses for the serving certificate")
    List<String> tlsSans = new ArrayList<>();

    @Option(names = "--token-auth-file", description = "bearer tokens, token,user,uid,\"group1,group2\" (default <data-dir>/tokens.csv)")
    Path tokenFile;

    @Option(names = "--enable-bootstrap-token-auth", arity = "0..1", defaultValue = "true", fallbackValue = "true",
            description = "authenticate bearer tokens id.secret against the bootstrap-token Secrets of kube-system, as "
                    + "kube-apiserver's flag that kubeadm sets (default ${DEFAULT-VALUE}; =false turns it off)")
    boolean bootstrapTokenAuth = true;

    @Option(names = "--service-account-signing-key-file", paramLabel = "FILE",
            description = "PEM RSA private key that service account tokens are signed with (default <data-dir>/pki/sa.key, made on first start)")
    Path serviceAccountSigningKey;

    @Option(names = "--service-account-key-file", paramLabel = "FILE",
            description = "PEM RSA public (or private) keys that service account tokens are also verified with, as during a key rotation; repeatable")
    List<Path> serviceAccountKeyFiles = new ArrayList<>();

    @Option(names = "--service-account-issuer", paramLabel = "URL",
            defaultValue = io.coxswain.apiserver.serviceaccount.ServiceAccountKeys.DEFAULT_ISSUER,
            description = "the iss of the service account tokens this server issues and accepts (default ${DEFAULT-VALUE})")
    String serviceAccountIssuer = io.coxswain.apiserver.serviceaccount.ServiceAccountKeys.DEFAULT_ISSUER;

    @Option(names = "--api-audiences", split = ",", paramLabel = "AUD",
            description = "the audiences a token must be meant for to reach the API (default: the service account issuer)")
    List<String> apiAudiences = new ArrayList<>();

    @Option(names = "--audit-log-path", description = "one JSON line per mutating request (default <data-dir>/audit.log)")
    Path auditLog;

    @Option(names = "--audit-log-maxsize", paramLabel = "MB", defaultValue = "0",
            description = "rotate the audit log before it passes this many megabytes (0: 100, as kube-apiserver's)")
    int auditLogMaxSize;

    @Option(names = "--audit-log-maxbackup", paramLabel = "N", defaultValue = "0",
            description = "keep this many rotated audit logs, <path>.1 the newest (0: all)")
    int auditLogMaxBackup;

    /**
     * Whether the server is secured: always, unless {@code --insecure-loopback} asks otherwise for a loopback address,
     * which it then warns about in the log. An insecure non-loopback address is refused.
     */
    boolean enabled(String host) {
        if (!insecureLoopback) {
            return true;
        }
        boolean loopback;
        try {
            loopback = InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--insecure-loopback needs a loopback --listen address, not " + host + ": plain HTTP would let anyone who reaches it act as cluster-admin");
        }
        org.slf4j.LoggerFactory.getLogger(SecurityOptions.class).warn("--insecure-loopback: the API on {} is plain HTTP with no authentication; "
                + "every local user is cluster-admin. Leave the flag off to serve TLS with client certificates.", host);
        return false;
    }

    static Path pkiDir(Path dataDir) {
        return dataDir.resolve("pki");
    }

    static Path defaultTokenFile(Path dataDir) {
        return dataDir.resolve("tokens.csv");
    }

    /**
     * Makes (or reuses) the CA and a serving certificate for {@code host}, the SANs asked for and, as kube-apiserver's,
     * the names and the cluster IP of the {@code kubernetes} Service and the advertise address, which pods connect to.
     */
    Security prepare(Path dataDir, String host, String serviceIp, String advertiseAddress) {
        List<String> sans = new ArrayList<>(tlsSans);
        sans.addAll(List.of("kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local",
                serviceIp));
        if (advertiseAddress != null) {
            sans.add(advertiseAddress);
        }
        if (!host.equals("0.0.0.0") && !host.equals("::") && !host.isEmpty()) {
            sans.add(host);
        }
        return Security.fromPki(pkiDir(dataDir), sans, tokenFile != null ? tokenFile : defaultTokenFile(dataDir),
                auditLog != null ? auditLog : dataDir.resolve("audit.log"))
                .withAuditRotation(io.coxswain.apiserver.auth.AuditRotation.ofFlags(auditLogMaxSize, auditLogMaxBackup))
                .withBootstrapTokenAuth(bootstrapTokenAuth)
                .withServiceAccountKeys(io.coxswain.apiserver.serviceaccount.ServiceAccountKeys.load(pkiDir(dataDir),
                        serviceAccountSigningKey, serviceAccountKeyFiles, serviceAccountIssuer, apiAudiences));
    }

    /** The URL clients on this machine use: loopback when the server listens on every address. */
    static String url(String host, int port) {
        String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
        return "https://" + h + ":" + port;
    }

    /** Writes {@code <data-dir>/kubeconfig} with an admin client certificate (group system:masters), 0600. */
    static Path writeAdminKubeconfig(Path dataDir, String server) throws IOException {
        return Kubeconfig.writeAdmin(pkiDir(dataDir), dataDir.resolve("kubeconfig"), server);
    }
}
