package io.coxswain.controllers.bootstrap;

import io.coxswain.client.Controller;
import io.coxswain.client.Informers;
import io.coxswain.controllers.ControllerOptions;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * kube-controller-manager's tokencleaner ({@code pkg/controller/bootstrap/tokencleaner.go}): deletes a bootstrap-token
 * Secret of kube-system once its expiration has passed. Level-triggered on a workqueue: a Secret not yet expired is
 * looked at again at its expiration time. The delete carries the resourceVersion it judged (upstream: the uid), so a
 * token renewed or re-made under the same name in between is left alone.
 */
public final class TokenCleaner {

    private static final Logger LOG = LoggerFactory.getLogger(TokenCleaner.class);

    private final KubernetesClient client;
    private final SharedIndexInformer<Secret> secrets;
    private final Clock clock;
    private final Controller controller;

    private TokenCleaner(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options, Clock clock) {
        this.client = client;
        this.clock = clock;
        this.secrets = Informers.shared(informers, Secret.class);
        this.controller = new Controller("tokencleaner", 1, this::sync)
                .watch(secrets, s -> TokenSecrets.isTokenSecret(s) ? List.of(Controller.key(s)) : List.of());
    }

    public static Controller create(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        return new TokenCleaner(client, informers, options, Clock.systemUTC()).controller;
    }

    private Duration sync(String key) {
        Secret s = Informers.get(secrets, key);
        if (!TokenSecrets.isTokenSecret(s) || s.getMetadata().getDeletionTimestamp() != null) {
            return null;
        }
        Instant now = clock.instant();
        if (!TokenSecrets.expired(s, now)) {
            Instant at = TokenSecrets.expiration(s);
            // a second past it: HasExpired is "now after the expiration"
            return at == null ? null : Duration.between(now, at).plusSeconds(1);
        }
        try {
            client.secrets().inNamespace(s.getMetadata().getNamespace()).withName(s.getMetadata().getName())
                    .lockResourceVersion(s.getMetadata().getResourceVersion()).delete();
            LOG.info("tokencleaner: deleted expired bootstrap token {} (expiration {})", key,
                    TokenSecrets.get(s, io.coxswain.client.bootstrap.BootstrapToken.KEY_EXPIRATION));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
                throw e;
            }
        }
        return null;
    }
}
