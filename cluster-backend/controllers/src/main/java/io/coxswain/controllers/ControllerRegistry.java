package io.coxswain.controllers;

import io.coxswain.client.Controller;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;

import java.util.ArrayList;
import java.util.List;

/** The controllers that kube-controller-manager runs; each line adds one. */
final class ControllerRegistry {

    private ControllerRegistry() {
    }

    static List<Controller> create(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options) {
        List<Controller> controllers = new ArrayList<>();
        controllers.add(io.coxswain.controllers.endpoints.EndpointsController.create(client, informers, options));
        controllers.add(io.coxswain.controllers.endpointslice.EndpointSliceController.create(client, informers, options));
        controllers.add(io.coxswain.controllers.endpointslice.EndpointSliceMirroringController.create(client, informers, options));
        controllers.add(io.coxswain.controllers.nodelifecycle.NodeLifecycleController.create(client, informers, options));
        controllers.add(io.coxswain.controllers.replicaset.ReplicaSetController.create(client, informers, options));
        // pkg/controller/replication: the ReplicaSet controller's reconcile, run on ReplicationControllers
        controllers.add(io.coxswain.controllers.replicaset.ReplicaSetController.create(client, informers, options,
                io.coxswain.controllers.replicaset.ReplicaOwnerKind.REPLICATION_CONTROLLER));
        controllers.add(io.coxswain.controllers.deployment.DeploymentController.create(client, informers, options));
        controllers.add(io.coxswain.controllers.job.JobController.create(client, informers, options));
        controllers.add(io.coxswain.controllers.cronjob.CronJobController.create(client, informers, options));
        controllers.add(io.coxswain.controllers.gc.GarbageCollector.create(client, informers, options));
        controllers.add(io.coxswain.controllers.namespace.NamespaceController.create(client, informers, options));
        controllers.addAll(io.coxswain.controllers.nodeipam.NodeIpamController.create(client, informers, options));
        controllers.add(io.coxswain.controllers.certificates.CsrApprovingController.create(client, informers, options));
        // bootstrap tokens: their signatures in kube-public/cluster-info, and their removal once expired
        controllers.add(io.coxswain.controllers.bootstrap.BootstrapSigner.create(client, informers, options));
        controllers.add(io.coxswain.controllers.bootstrap.TokenCleaner.create(client, informers, options));
        // service accounts: a default one in every namespace, and the CA that verifies the apiserver beside it
        controllers.add(io.coxswain.controllers.serviceaccount.ServiceAccountsController.create(client, informers, options));
        Controller rootCa = io.coxswain.controllers.rootca.RootCaPublisher.create(client, informers, options);
        if (rootCa != null) {
            controllers.add(rootCa);
        }
        Controller tokens = io.coxswain.controllers.serviceaccount.TokensController.create(client, informers, options);
        if (tokens != null) {
            controllers.add(tokens);
        }
        Controller signing = io.coxswain.controllers.certificates.CsrSigningController.create(client, informers, options);
        if (signing != null) {
            controllers.add(signing);
        }
        return controllers;
    }
}
