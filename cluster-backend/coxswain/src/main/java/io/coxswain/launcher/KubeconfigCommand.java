package io.coxswain.launcher;

import io.coxswain.apiserver.Kubeconfig;
import io.coxswain.apiserver.auth.Pki;
import io.coxswain.apiserver.auth.TokenFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code coxswain kubeconfig --user alice --namespace team-a}: prints a kubeconfig for a team-mode cluster, with the
 * cluster CA and a new credential. By default that is a random bearer token, appended to the token file the
 * apiserver reads (it picks new lines up within a second, no restart); {@code --client-certificate} issues a
 * certificate from the CA instead (CN = user, O = groups), and {@code --node NAME} one for a kubelet
 * ({@code system:node:NAME} in {@code system:nodes}). It needs the data directory the server's CA is in.
 */
@Command(name = "kubeconfig", mixinStandardHelpOptions = true,
        description = "Print a kubeconfig with a new token (or client certificate) for a user of a team-mode cluster.")
final class KubeconfigCommand implements Callable<Integer> {

    @Option(names = "--user", description = "the user name")
    String user;

    @Option(names = "--group", split = ",", description = "groups of the user (repeat or separate with commas)")
    List<String> groups = new ArrayList<>();

    @Option(names = "--namespace", defaultValue = "default", description = "the context's namespace (default ${DEFAULT-VALUE})")
    String namespace;

    @Option(names = "--node", description = "a kubelet's credential: user system:node:NODE in group system:nodes, as a client certificate")
    String node;

    @Option(names = "--client-certificate", description = "issue a client certificate from the CA instead of a token")
    boolean certificate;

    @Option(names = "--data-dir", defaultValue = "${sys:user.home}/.coxswain", description = "the server's data directory (default ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--token-auth-file", description = "the server's token file (default <data-dir>/tokens.csv)")
    Path tokenFile;

    @Option(names = "--server", description = "the server's URL (default: the one in <data-dir>/kubeconfig)")
    String server;

    @Option(names = {"-o", "--output"}, description = "write the kubeconfig to this file (0600) instead of printing it")
    Path output;

    @Override
    public Integer call() throws Exception {
        String name = node != null ? "system:node:" + node : user;
        List<String> memberOf = new ArrayList<>(groups);
        if (node != null) {
            memberOf.add("system:nodes");
        }
        if (name == null || name.isBlank()) {
            System.err.println("give --user NAME (or --node NAME)");
            return 2;
        }
        Path ca = SecurityOptions.pkiDir(dataDir).resolve("ca.crt");
        if (!Files.exists(ca)) {
            System.err.println("no cluster CA in " + ca.getParent() + ": start the apiserver in team mode (--secure) with this --data-dir first");
            return 1;
        }
        String url = server != null ? server : serverOf(dataDir.resolve("kubeconfig"));
        Pki pki = Pki.open(SecurityOptions.pkiDir(dataDir));
        Kubeconfig.Credential credential;
        if (certificate || node != null) {
            Pki.Issued issued = pki.issueClient(name, memberOf);
            credential = Kubeconfig.Credential.certificate(issued.certificatePem(), issued.keyPem());
        } else {
            Path tokens = tokenFile != null ? tokenFile : SecurityOptions.defaultTokenFile(dataDir);
            credential = Kubeconfig.Credential.token(TokenFile.append(tokens, name, memberOf));
        }
        String text = Kubeconfig.secure(url, pki.caPem(), name, credential, namespace);
        if (output != null) {
            Kubeconfig.writePrivate(output, text);
            System.err.println("kubeconfig for " + name + " written to " + output);
        } else {
            System.out.print(text);
        }
        return 0;
    }

    private static String serverOf(Path kubeconfig) throws java.io.IOException {
        if (Files.exists(kubeconfig)) {
            Matcher m = Pattern.compile("(?m)^\\s*server:\\s*(\\S+)").matcher(Files.readString(kubeconfig));
            if (m.find() && m.group(1).startsWith("https://")) {
                return m.group(1);
            }
        }
        return "https://127.0.0.1:6443";
    }
}
