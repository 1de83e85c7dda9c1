package io.coxswain.controllers.rootca;

import io.coxswain.client.Controller;
import io.coxswain.client.Informers;
import io.coxswain.controllers.ControllerOptions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kube-controller-manager's root-ca-cert-publisher ({@code pkg/controller/certificates/rootcacertpublisher}): a ConfigMap
 * {@code kube-root-ca.crt} in every active namespace whose {@code ca.crt} is the CA bundle that verifies the apiserver
 * (from {@code --root-ca-file}, else the controller-manager's own client CA), which the projected service account
 * volume mounts. Put back when deleted, and its data put back when edited.
 */
public final class RootCaPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(RootCaPublisher.class);
    public static final String NAME = "kube-root-ca.crt";
    public static final String KEY = "ca.crt";
    static final String DESCRIPTION_ANNOTATION = "kubernetes.io/description";
    static final String DESCRIPTION = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal "
            + "endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across "
            + "distributions of Kubernetes clusters.";

    private final KubernetesClient client;
    private final String rootCa;
    private final SharedIndexInformer<Namespace> namespaces;
    private final SharedIndexInformer<ConfigMap> configMaps;
    private final Controller controller;

    private RootCaPublisher(KubernetesClient client, SharedInformerFactory informers, String rootCa) {
        this.client = client;
        this.rootCa = rootCa;
        this.namespaces = Informers.shared(informers, Namespace.class);
        this.configMaps = Informers.shared(informers, ConfigMap.class);
        this.controller = new Controller("root-ca-cert-publisher", 1, this::sync)
                .watch(namespaces, ns -> List.of(ns.getMetadata().getName()))
                .watch(configMaps, cm -> NAME.equals(cm.getMetadata().getName()) ? List.of(cm.getMetadata().getNamespace()) : List.of());
    }

    /** Null when there is no CA to publish (a plain-HTTP apiserver with no --root-ca-file). */
    public static Controller create(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        String ca = options.rootCa() != null ? options.rootCa() : clientCa(client);
        if (ca == null || ca.isBlank()) {
            LOG.info("root-ca-cert-publisher: no root CA (--root-ca-file, or a CA in the client's kubeconfig); not publishing {}", NAME);
            return null;
        }
        return new RootCaPublisher(client, informers, ca).controller;
    }

    /** kube's fallback: the CA the controller-manager's own kubeconfig trusts the apiserver with. */
    public static String clientCa(KubernetesClient client) {
        var config = client.getConfiguration();
        try {
            if (config.getCaCertData() != null && !config.getCaCertData().isBlank()) {
                return new String(java.util.Base64.getMimeDecoder().decode(config.getCaCertData()), java.nio.charset.StandardCharsets.UTF_8);
            }
            if (config.getCaCertFile() != null && !config.getCaCertFile().isBlank()) {
                return java.nio.file.Files.readString(java.nio.file.Path.of(config.getCaCertFile()));
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            LOG.warn("root-ca-cert-publisher: cannot read the client's CA: {}", e.getMessage());
        }
        return null;
    }

    private Duration sync(String namespace) {
        Namespace ns = Informers.get(namespaces, namespace);
        if (ns == null || ns.getMetadata().getDeletionTimestamp() != null) {
            return null;
        }
        ConfigMap cm = Informers.get(configMaps, namespace + "/" + NAME);
        Map<String, String> data = Map.of(KEY, rootCa);
        try {
            if (cm == null) {
                client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata().withName(NAME)
                        .withNamespace(namespace).addToAnnotations(DESCRIPTION_ANNOTATION, DESCRIPTION).endMetadata()
                        .withData(data).build()).create();
                LOG.debug("root-ca-cert-publisher: created {}/{}", namespace, NAME);
                return null;
            }
            Map<String, String> annotations = cm.getMetadata().getAnnotations() == null ? Map.of() : cm.getMetadata().getAnnotations();
            if (data.equals(cm.getData()) && DESCRIPTION.equals(annotations.get(DESCRIPTION_ANNOTATION))) {
                return null;
            }
            Map<String, String> fixed = new HashMap<>(annotations);
            fixed.put(DESCRIPTION_ANNOTATION, DESCRIPTION);
            // an update with the resourceVersion read: a conflict brings a newer map and another round
            client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder(cm).withData(data).withBinaryData(null)
                    .editMetadata().withAnnotations(fixed).endMetadata().build()).update();
            LOG.info("root-ca-cert-publisher: put the CA back into {}/{}", namespace, NAME);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409 && e.getCode() != 403 && e.getCode() != 404) {
                throw e;
            }
        }
        return null;
    }
}
