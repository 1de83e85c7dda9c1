package io.coxswain.launcher;

import io.coxswain.client.bootstrap.BootstrapToken;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code coxswain token delete ID|TOKEN...}: revokes tokens at once, as {@code kubeadm token delete}. */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete bootstrap tokens, given by id (abcdef) or whole (abcdef.0123456789abcdef).")
final class TokenDeleteCommand implements Callable<Integer> {

    @Mixin
    TokenClient api = new TokenClient();

    @Parameters(arity = "1..*", paramLabel = "TOKEN", description = "a token's id or the whole token")
    List<String> tokens;

    @Override
    public Integer call() {
        for (String t : tokens) {
            if (!BootstrapToken.isId(t) && !BootstrapToken.looksLikeToken(t)) {
                System.err.println("error: \"" + (t.length() > 6 ? t.substring(0, 6) + "…" : t) + "\" is neither a token id "
                        + "([a-z0-9]{6}) nor a token ([a-z0-9]{6}.[a-z0-9]{16})");
                return 2;
            }
        }
        Config config;
        try {
            config = api.config();
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        int status = 0;
        try (KubernetesClient client = api.client(config)) {
            for (String t : tokens) {
                String id = BootstrapToken.isId(t) ? t : BootstrapToken.parse(t).id();
                var deleted = client.secrets().inNamespace("kube-system").withName(BootstrapToken.SECRET_PREFIX + id).delete();
                if (deleted.isEmpty()) {
                    System.err.println("error: bootstrap token \"" + id + "\" not found");
                    status = 1;
                } else {
                    System.out.println("bootstrap token \"" + id + "\" deleted");
                }
            }
        } catch (KubernetesClientException e) {
            System.err.println("error: " + TokenClient.describe(e, config));
            return 1;
        }
        return status;
    }
}
