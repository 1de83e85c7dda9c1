package io.coxswain.controllers.serviceaccount;

import io.coxswain.client.Controller;
import io.coxswain.client.Informers;
import io.coxswain.controllers.ControllerOptions;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * kube-controller-manager's serviceaccount controller ({@code pkg/controller/serviceaccount/serviceaccounts_controller.go}):
 * every active namespace has a ServiceAccount {@code default}, made when the namespace appears and made again when it
 * is deleted. Keyed by namespace: a namespace's events, and the deletion of a managed account, queue it.
 */
public final class ServiceAccountsController {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceAccountsController.class);
    /** The accounts every namespace gets (kube's --service-account... ServiceAccounts option: only default). */
    static final List<String> MANAGED = List.of("default");

    private final KubernetesClient client;
    private final SharedIndexInformer<Namespace> namespaces;
    private final SharedIndexInformer<ServiceAccount> accounts;
    private final Controller controller;

    private ServiceAccountsController(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        this.client = client;
        this.namespaces = Informers.shared(informers, Namespace.class);
        this.accounts = Informers.shared(informers, ServiceAccount.class);
        this.controller = new Controller("serviceaccount", options.workers(), this::sync)
                .watch(namespaces, ns -> List.of(ns.getMetadata().getName()))
                // any event of a managed account: a delete is what matters, an add or update costs one cache read
                .watch(accounts, sa -> MANAGED.contains(sa.getMetadata().getName()) ? List.of(sa.getMetadata().getNamespace()) : List.of());
    }

    public static Controller create(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        return new ServiceAccountsController(client, informers, options).controller;
    }

    private Duration sync(String namespace) {
        Namespace ns = Informers.get(namespaces, namespace);
        if (ns == null || ns.getMetadata().getDeletionTimestamp() != null
                || ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase())) {
            return null;
        }
        for (String name : MANAGED) {
            if (Informers.get(accounts, namespace + "/" + name) != null) {
                continue;
            }
            try {
                client.serviceAccounts().inNamespace(namespace)
                        .resource(new ServiceAccountBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata().build())
                        .create();
                LOG.info("serviceaccount: created {}/{}", namespace, name);
            } catch (KubernetesClientException e) {
                // already there (the cache is behind), or the namespace began terminating meanwhile
                if (e.getCode() != 409 && e.getCode() != 403 && e.getCode() != 404) {
                    throw e;
                }
            }
        }
        return null;
    }
}
