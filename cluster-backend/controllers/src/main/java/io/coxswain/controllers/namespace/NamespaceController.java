package io.coxswain.controllers.namespace;

import io.coxswain.client.Controller;
import io.coxswain.client.Informers;
import io.coxswain.controllers.ControllerOptions;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;

import java.time.Duration;
import java.util.List;

/**
 * kube-controller-manager's namespace controller ({@code pkg/controller/namespace/namespace_controller.go}): a
 * namespace being deleted is emptied of every namespaced kind the apiserver serves, then its {@code kubernetes}
 * finalizer is removed and the apiserver lets it go. While content remains (pods waiting out their grace period, say)
 * the key comes back after half the longest grace period left, as upstream's ResourcesRemainingError.
 */
public final class NamespaceController {

    private final SharedIndexInformer<Namespace> namespaces;
    private final NamespacedResourcesDeleter deleter;
    private final Controller controller;

    private NamespaceController(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        this.namespaces = Informers.shared(informers, Namespace.class);
        this.deleter = new NamespacedResourcesDeleter(client);
        this.controller = new Controller("namespace", Math.max(1, options.workers()), this::sync)
                .watch(namespaces, ns -> ns.getMetadata().getDeletionTimestamp() != null
                        ? List.of(ns.getMetadata().getName()) : List.of());
    }

    public static Controller create(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        return new NamespaceController(client, informers, options).controller;
    }

    private Duration sync(String name) {
        Namespace ns = Informers.get(namespaces, name);
        if (ns == null || ns.getMetadata().getDeletionTimestamp() == null) {
            return null;
        }
        return deleter.delete(name);
    }
}
