package io.coxswain.tests.cluster;

import io.coxswain.client.Controller;
import io.coxswain.controllers.ControllerOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;

import java.util.concurrent.ExecutionException;

/**
 * One controller of the controller-manager running alone against a test's cluster, with a client and informers of
 * its own: started once its informers have synced, stopped with them.
 */
public final class RunningController implements AutoCloseable {

    /** How a controller is made, as each one's {@code create(client, informers, options)}. */
    public interface Factory {
        Controller create(KubernetesClient client, SharedInformerFactory informers, ControllerOptions options);
    }

    private final KubernetesClient client;
    private final SharedInformerFactory informers;
    private final Controller controller;

    private RunningController(KubernetesClient client, Factory factory) {
        this.client = client;
        this.informers = client.informers();
        this.controller = factory.create(client, informers, ControllerOptions.defaults());
        try {
            informers.startAllRegisteredInformers().get();
        } catch (InterruptedException | ExecutionException e) {
            client.close();
            throw new IllegalStateException("the controller's informers did not start", e);
        }
        controller.start();
    }

    public static RunningController start(TestCluster cluster, Factory factory) {
        return new RunningController(cluster.newClient(), factory);
    }

    @Override
    public void close() {
        controller.close();
        informers.stopAllRegisteredInformers();
        client.close();
    }
}
