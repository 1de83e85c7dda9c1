package io.coxswain.launcher;

import io.coxswain.client.bootstrap.BootstrapToken;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code coxswain token list}: the bootstrap tokens, as {@code kubeadm token list} prints them. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the bootstrap tokens.")
final class TokenListCommand implements Callable<Integer> {

    @Mixin
    TokenClient api = new TokenClient();

    @Override
    public Integer call() {
        Config config;
        try {
            config = api.config();
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        List<List<String>> rows = new ArrayList<>();
        try (KubernetesClient client = api.client(config)) {
            Instant now = Instant.now();
            for (Secret s : client.secrets().inNamespace("kube-system").withField("type", BootstrapToken.SECRET_TYPE).list().getItems()) {
                List<String> row = TokenSecrets.row(decoded(s), now);
                if (row == null) {
                    System.err.println("Secret kube-system/" + s.getMetadata().getName() + " holds no well-formed token; skipped");
                } else {
                    rows.add(row);
                }
            }
        } catch (KubernetesClientException e) {
            System.err.println("error: " + TokenClient.describe(e, config));
            return 1;
        }
        System.out.print(TokenSecrets.table(rows));
        return 0;
    }

    static Map<String, String> decoded(Secret s) {
        Map<String, String> out = new HashMap<>();
        if (s.getData() != null) {
            s.getData().forEach((k, v) -> out.put(k, new String(Base64.getMimeDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        return out;
    }
}
