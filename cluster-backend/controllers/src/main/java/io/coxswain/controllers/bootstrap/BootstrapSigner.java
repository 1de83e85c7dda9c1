package io.coxswain.controllers.bootstrap;

import io.coxswain.client.Controller;
import io.coxswain.client.Informers;
import io.coxswain.client.bootstrap.BootstrapToken;
import io.coxswain.client.bootstrap.DetachedJws;
import io.coxswain.controllers.ControllerOptions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kube-controller-manager's bootstrapsigner ({@code pkg/controller/bootstrap/bootstrapsigner.go}): keeps one
 * {@code jws-kubeconfig-<id>} key in kube-public/cluster-info for every bootstrap token that may sign (valid,
 * usage-bootstrap-signing=true, not expired), the detached JWS of the {@code kubeconfig} key under that token, and
 * removes the keys of tokens that are gone or expired. One key on the queue, as upstream: any change to the ConfigMap
 * or to a token Secret re-signs the whole map, and a token's expiration time brings it back.
 */
public final class BootstrapSigner {

    private static final Logger LOG = LoggerFactory.getLogger(BootstrapSigner.class);
    private static final String KEY = BootstrapToken.CLUSTER_INFO_NAMESPACE + "/" + BootstrapToken.CLUSTER_INFO;

    private final KubernetesClient client;
    private final SharedIndexInformer<Secret> secrets;
    private final SharedIndexInformer<ConfigMap> configMaps;
    private final Clock clock;
    private final Controller controller;

    private BootstrapSigner(KubernetesClient client, SharedInformerFactory informers, Clock clock) {
        this.client = client;
        this.clock = clock;
        this.secrets = Informers.shared(informers, Secret.class);
        this.configMaps = Informers.shared(informers, ConfigMap.class);
        this.controller = new Controller("bootstrapsigner", 1, this::sync)
                .watch(configMaps, cm -> isClusterInfo(cm) ? List.of(KEY) : List.of())
                .watch(secrets, s -> TokenSecrets.isTokenSecret(s) ? List.of(KEY) : List.of());
    }

    public static Controller create(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        return new BootstrapSigner(client, informers, Clock.systemUTC()).controller;
    }

    private static boolean isClusterInfo(HasMetadata o) {
        return BootstrapToken.CLUSTER_INFO_NAMESPACE.equals(o.getMetadata().getNamespace())
                && BootstrapToken.CLUSTER_INFO.equals(o.getMetadata().getName());
    }

    private Duration sync(String key) {
        ConfigMap cm = Informers.get(configMaps, KEY);
        if (cm == null || cm.getMetadata().getDeletionTimestamp() != null) {
            return null;
        }
        String content = cm.getData() == null ? null : cm.getData().get(BootstrapToken.CLUSTER_INFO_KUBECONFIG);
        if (content == null) {
            LOG.info("bootstrapsigner: {} has no {} key to sign", KEY, BootstrapToken.CLUSTER_INFO_KUBECONFIG);
            return null;
        }
        Instant now = clock.instant();
        Instant nextExpiry = null;
        Map<String, String> signatures = new HashMap<>();
        for (Secret s : Informers.inNamespace(secrets, TokenSecrets.NAMESPACE)) {
            BootstrapToken token = TokenSecrets.signingToken(s, now);
            if (token == null || s.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            signatures.put(BootstrapToken.JWS_KEY_PREFIX + token.id(), DetachedJws.sign(content, token));
            Instant at = TokenSecrets.expiration(s);
            if (at != null && (nextExpiry == null || at.isBefore(nextExpiry))) {
                nextExpiry = at;
            }
        }
        Map<String, String> data = new HashMap<>(cm.getData());
        data.keySet().removeIf(k -> k.startsWith(BootstrapToken.JWS_KEY_PREFIX));
        data.putAll(signatures);
        if (!data.equals(cm.getData())) {
            // an update with the resourceVersion read: a conflict means a newer map, whose event queues another round
            client.configMaps().inNamespace(BootstrapToken.CLUSTER_INFO_NAMESPACE).resource(new ConfigMapBuilder(cm).withData(data).build())
                    .update();
            LOG.info("bootstrapsigner: {} signed for tokens {}", KEY, signatures.keySet().stream()
                    .map(k -> k.substring(BootstrapToken.JWS_KEY_PREFIX.length())).sorted().toList());
        }
        return nextExpiry == null ? null : Duration.between(now, nextExpiry).plusSeconds(1);
    }
}
