package io.coxswain.controllers.serviceaccount;

import io.coxswain.client.Controller;
import io.coxswain.client.Informers;
import io.coxswain.controllers.ControllerOptions;
import io.coxswain.controllers.rootca.RootCaPublisher;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of kube-controller-manager's tokens controller ({@code pkg/controller/serviceaccount/tokens_controller.go})
 * that kube 1.24+ keeps: a Secret of type kubernetes.io/service-account-token that a user made with the annotation
 * {@code kubernetes.io/service-account.name} gets {@code token} (a legacy token signed with
 * {@code --service-account-private-key-file}), {@code ca.crt} and {@code namespace}, and the account's uid in
 * {@code kubernetes.io/service-account.uid}. A Secret whose account is gone, or has another uid than the annotation
 * names, is deleted, and so are an account's token Secrets when the account is deleted.
 */
public final class TokensController {

    private static final Logger LOG = LoggerFactory.getLogger(TokensController.class);
    static final String TYPE = "kubernetes.io/service-account-token";
    static final String NAME_ANNOTATION = "kubernetes.io/service-account.name";
    static final String UID_ANNOTATION = "kubernetes.io/service-account.uid";

    private final KubernetesClient client;
    private final LegacyTokenSigner signer;
    private final String rootCa;
    private final SharedIndexInformer<Secret> secrets;
    private final SharedIndexInformer<ServiceAccount> accounts;
    private final Controller controller;

    private TokensController(KubernetesClient client, SharedInformerFactory informers, LegacyTokenSigner signer, String rootCa) {
        this.client = client;
        this.signer = signer;
        this.rootCa = rootCa;
        this.secrets = Informers.shared(informers, Secret.class);
        this.accounts = Informers.shared(informers, ServiceAccount.class);
        this.controller = new Controller("serviceaccount-token", 1, this::sync)
                .watch(secrets, s -> TYPE.equals(s.getType()) ? List.of(Controller.key(s)) : List.of())
                // an account's change or deletion: each of its token Secrets again
                .watch(accounts, sa -> Informers.inNamespace(secrets, sa.getMetadata().getNamespace()).stream()
                        .filter(s -> TYPE.equals(s.getType()) && sa.getMetadata().getName().equals(annotation(s, NAME_ANNOTATION)))
                        .map(Controller::key).toList());
    }

    /** Null without {@code --service-account-private-key-file}, as kube runs the controller only with a key. */
    public static Controller create(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        if (options.serviceAccountKey() == null) {
            return null;
        }
        String ca = options.rootCa() != null ? options.rootCa() : RootCaPublisher.clientCa(client);
        return new TokensController(client, informers, LegacyTokenSigner.fromFile(options.serviceAccountKey()), ca).controller;
    }

    private Duration sync(String key) {
        Secret secret = Informers.get(secrets, key);
        if (secret == null || !TYPE.equals(secret.getType()) || secret.getMetadata().getDeletionTimestamp() != null) {
            return null;
        }
        String namespace = secret.getMetadata().getNamespace();
        String name = annotation(secret, NAME_ANNOTATION);
        String uid = annotation(secret, UID_ANNOTATION);
        ServiceAccount account = name == null ? null : Informers.get(accounts, namespace + "/" + name);
        if (account == null) {
            // the cache may be behind a create: ask the server before deleting
            account = name == null ? null : client.serviceAccounts().inNamespace(namespace).withName(name).get();
        }
        if (account == null || uid != null && !uid.equals(account.getMetadata().getUid())) {
            delete(secret, account == null ? "its service account " + name + " does not exist" : "its service account has another uid");
            return null;
        }
        Map<String, String> data = secret.getData() == null ? new HashMap<>() : new HashMap<>(secret.getData());
        boolean complete = data.containsKey("token") && namespace.equals(decoded(data.get("namespace")))
                && (rootCa == null || rootCa.equals(decoded(data.get("ca.crt"))))
                && account.getMetadata().getUid().equals(uid);
        if (complete) {
            return null;
        }
        data.put("token", encoded(signer.sign(namespace, name, account.getMetadata().getUid(), secret.getMetadata().getName())));
        data.put("namespace", encoded(namespace));
        if (rootCa != null) {
            data.put("ca.crt", encoded(rootCa));
        }
        try {
            // an update with the resourceVersion read: a conflict brings the newer Secret and another round
            client.secrets().inNamespace(namespace).resource(new SecretBuilder(secret).withData(data).editMetadata()
                    .addToAnnotations(UID_ANNOTATION, account.getMetadata().getUid()).endMetadata().build()).update();
            LOG.info("serviceaccount-token: filled {} with a token of {}/{}", key, namespace, name);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409 && e.getCode() != 404) {
                throw e;
            }
        }
        return null;
    }

    private void delete(Secret secret, String why) {
        try {
            client.secrets().inNamespace(secret.getMetadata().getNamespace()).withName(secret.getMetadata().getName())
                    .lockResourceVersion(secret.getMetadata().getResourceVersion()).delete();
            LOG.info("serviceaccount-token: deleted {}/{}: {}", secret.getMetadata().getNamespace(), secret.getMetadata().getName(), why);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
                throw e;
            }
        }
    }

    private static String annotation(Secret s, String key) {
        Map<String, String> annotations = s.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(key);
        return value == null || value.isEmpty() ? null : value;
    }

    private static String encoded(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String decoded(String base64) {
        try {
            return base64 == null ? null : new String(Base64.getMimeDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
