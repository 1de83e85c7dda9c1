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

    @Option(names = "--role", defaultValue = "edit", description = "bind the user to this role in --namespace: view, edit, "
            + "admin, cluster-admin (cluster-wide) or none (default ${DEFAULT-VALUE}); needs the running server and the "
            + "admin kubeconfig of --data-dir")
    String role;

    @Option(names = "--create-namespace", description = "create --namespace first if it does not exist (as helm install --create-namespace)")
    boolean createNamespace;

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
            System.err.println("no cluster CA in " + ca.getParent() + ": start the apiserver (./coxswain up, or coxswain apiserver) with this --data-dir first");
            return 1;
        }
        String url = server != null ? server : serverOf(dataDir.resolve("kubeconfig"));
        // bind before issuing: a refused binding leaves no unused token or certificate behind
        if (node == null && !"none".equals(role) && !bind(name, url)) {
            return 1;
        }
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

    /**
     * A RoleBinding (or, for cluster-admin, a ClusterRoleBinding) named after the user, made with the admin
     * kubeconfig the server wrote: a new user can work in the namespace at once, and only there.
     */
    private boolean bind(String name, String url) {
        if (!List.of("view", "edit", "admin", "cluster-admin").contains(role)) {
            System.err.println("--role must be view, edit, admin, cluster-admin or none, not " + role);
            return false;
        }
        Path admin = dataDir.resolve("kubeconfig");
        var config = io.fabric8.kubernetes.client.Config.fromKubeconfig(null, admin.toFile());
        config.setMasterUrl(url);
        String binding = (name + "-" + role).replaceAll("[^a-z0-9.:-]", "-");
        var subject = new io.fabric8.kubernetes.api.model.rbac.SubjectBuilder().withKind("User")
                .withApiGroup("rbac.authorization.k8s.io").withName(name).build();
        var roleRef = new io.fabric8.kubernetes.api.model.rbac.RoleRefBuilder().withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole").withName(role).build();
        try (var client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build()) {
            if (createNamespace && !"cluster-admin".equals(role) && client.namespaces().withName(namespace).get() == null) {
                client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                        .withName(namespace).endMetadata().build()).create();
                System.err.println("namespace " + namespace + " created");
            }
            if ("cluster-admin".equals(role)) {
                client.rbac().clusterRoleBindings().resource(new io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder()
                        .withNewMetadata().withName(binding).endMetadata().withSubjects(subject).withRoleRef(roleRef).build())
                        .createOr(existing -> existing.update());
            } else {
                client.rbac().roleBindings().inNamespace(namespace).resource(new io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder()
                        .withNewMetadata().withName(binding).withNamespace(namespace).endMetadata().withSubjects(subject)
                        .withRoleRef(roleRef).build()).createOr(existing -> existing.update());
            }
            System.err.println(name + " may " + role + (role.equals("cluster-admin") ? " the whole cluster" : " in namespace " + namespace)
                    + " (binding " + binding + ")");
            return true;
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            System.err.println(bindingRefused(e, name, url, admin));
            return false;
        }
    }

    /** Why a binding failed, in the words a user can act on: a missing namespace, a server that does not answer, or its Status. */
    private String bindingRefused(io.fabric8.kubernetes.client.KubernetesClientException e, String name, String url, Path admin) {
        String why = "could not bind " + name + " to " + role + ": ";
        if (e.getCode() == 404 && e.getStatus() != null && e.getStatus().getDetails() != null
                && "namespaces".equals(e.getStatus().getDetails().getKind())) {
            return why + "namespace \"" + namespace + "\" does not exist; create it (kubectl create namespace " + namespace
                    + "), or give --create-namespace";
        }
        if (e.getCode() == 0) {
            return why + "the server at " + url + " does not answer (" + RootCause.describe(e) + "); start it first (./coxswain up), "
                    + "or give --role none to bind nothing";
        }
        return why + "the server at " + url + " answered " + e.getCode() + " to " + admin + "'s user: "
                + (e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : RootCause.describe(e));
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
