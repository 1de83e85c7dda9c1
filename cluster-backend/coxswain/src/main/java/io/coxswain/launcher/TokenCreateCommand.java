package io.coxswain.launcher;

import io.coxswain.apiserver.Kubeconfig;
import io.coxswain.client.bootstrap.BootstrapToken;
import io.coxswain.client.bootstrap.CaCertHash;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code coxswain token create}: a new bootstrap token (kubeadm's {@code token create --print-join-command}). It writes
 * the Secret kube-system/bootstrap-token-&lt;id&gt;, makes sure kube-public/cluster-info exists for the joining node to
 * discover the cluster, and prints the join command with the token and the CA's pin.
 */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create a bootstrap token and print the command that joins a machine with it.")
final class TokenCreateCommand implements Callable<Integer> {

    @Mixin
    TokenClient api = new TokenClient();

    @Option(names = "--ttl", defaultValue = "24h", converter = GoDuration.class,
            description = "how long the token is valid, e.g. 2h30m; 0 never expires (default ${DEFAULT-VALUE})")
    Duration ttl;

    @Option(names = "--description", description = "a note on what the token is for")
    String description;

    @Option(names = "--groups", split = ",", description = "extra groups the token authenticates as, each system:bootstrappers:... "
            + "(default " + TokenSecrets.DEFAULT_GROUP + ")")
    List<String> groups = new ArrayList<>(List.of(TokenSecrets.DEFAULT_GROUP));

    @Option(names = "--usages", split = ",", description = "what the token may be used for: signing (of cluster-info, for "
            + "discovery), authentication (default signing,authentication)")
    List<String> usages = new ArrayList<>(List.of("signing", "authentication"));

    @Option(names = "--server", paramLabel = "URL", description = "the apiserver's URL as the new machine reaches it (default: the "
            + "kubeconfig's server); also written into cluster-info")
    String server;

    @Override
    public Integer call() {
        BootstrapToken token = BootstrapToken.generate(new SecureRandom());
        Map<String, String> data;
        try {
            data = TokenSecrets.data(token, ttl, Instant.now(), description, groups, usages);
            if (server != null && !server.matches("https://[^\\s/]+(:\\d+)?/?")) {
                throw new IllegalArgumentException("--server must be an https:// URL such as https://10.0.0.1:6443, not " + server);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        Config config;
        X509Certificate ca;
        try {
            config = api.config();
            ca = TokenClient.ca(config);
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        String url = server != null ? server.replaceAll("/$", "") : config.getMasterUrl().replaceAll("/$", "");
        try (KubernetesClient client = api.client(config)) {
            ensureClusterInfo(client, url, TokenClient.pem(ca));
            client.secrets().inNamespace("kube-system").resource(new SecretBuilder().withNewMetadata()
                    .withName(token.secretName()).withNamespace("kube-system").endMetadata()
                    .withType(BootstrapToken.SECRET_TYPE).withStringData(data).build()).create();
        } catch (KubernetesClientException e) {
            System.err.println("error: " + TokenClient.describe(e, config));
            return 1;
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        if (server == null && loopback(url)) {
            System.err.println("note: " + url + " is a loopback address, which only this machine reaches; for a machine "
                    + "elsewhere give --server with an address it reaches (and that the serving certificate covers, --tls-san)");
        }
        System.out.println("coxswain node --server " + url + " --token " + token + " --discovery-token-ca-cert-hash " + CaCertHash.of(ca));
        return 0;
    }

    private static boolean loopback(String url) {
        try {
            String host = java.net.URI.create(url).getHost();
            return host != null && (host.equals("localhost") || java.net.InetAddress.getByName(host).isLoopbackAddress());
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * kubeadm's clusterinfo phase: the ConfigMap a joining node reads first. Made when missing; when it names another
     * server than {@code url} and --server was given, it is pointed at that one, so the join command and cluster-info agree.
     */
    private void ensureClusterInfo(KubernetesClient client, String url, String caPem) {
        var resource = client.configMaps().inNamespace(BootstrapToken.CLUSTER_INFO_NAMESPACE).withName(BootstrapToken.CLUSTER_INFO);
        ConfigMap existing = resource.get();
        String kubeconfig = Kubeconfig.clusterInfo(url, caPem);
        if (existing == null) {
            resource.create(new ConfigMapBuilder().withNewMetadata().withName(BootstrapToken.CLUSTER_INFO)
                    .withNamespace(BootstrapToken.CLUSTER_INFO_NAMESPACE).endMetadata()
                    .withData(Map.of(BootstrapToken.CLUSTER_INFO_KUBECONFIG, kubeconfig)).build());
            System.err.println("created " + BootstrapToken.CLUSTER_INFO_NAMESPACE + "/" + BootstrapToken.CLUSTER_INFO + " for server " + url);
        } else if (server != null && !kubeconfig.equals(existing.getData() == null ? null
                : existing.getData().get(BootstrapToken.CLUSTER_INFO_KUBECONFIG))) {
            resource.edit(cm -> {
                cm.getData().put(BootstrapToken.CLUSTER_INFO_KUBECONFIG, kubeconfig);
                return cm;
            });
            System.err.println("updated " + BootstrapToken.CLUSTER_INFO_NAMESPACE + "/" + BootstrapToken.CLUSTER_INFO + " to server " + url);
        }
    }
}
