package io.coxswain.controllers;

import io.coxswain.client.Controller;
import io.coxswain.client.LeaderElection;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * kube-controller-manager: every controller in one process, sharing one informer per resource. With leader
 * election only the holder of the {@code kube-controller-manager} Lease runs them.
 */
public final class ControllerManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerManager.class);

    private final KubernetesClient client;
    private final ControllerOptions options;
    private final List<Controller> controllers = new ArrayList<>();
    private SharedInformerFactory informers;
    private LeaderElection election;

    private ControllerManager(KubernetesClient client, ControllerOptions options) {
        this.client = client;
        this.options = options;
    }

    /**
     * Where the controllers' workqueues report, as kube-controller-manager sets client-go's workqueue provider to its
     * registry; call it before {@link #start}.
     */
    public static void reportTo(io.micrometer.core.instrument.MeterRegistry registry) {
        io.coxswain.client.WorkQueueMetrics.setProvider(registry);
    }

    /** Runs the controllers now, without leader election (one controller-manager per cluster). */
    public static ControllerManager start(KubernetesClient client, ControllerOptions options) {
        ControllerManager manager = new ControllerManager(client, options);
        manager.lead();
        return manager;
    }

    /** Runs the controllers only while this process holds the Lease. */
    public static ControllerManager startWithLeaderElection(KubernetesClient client, ControllerOptions options, String identity,
                                                          LeaderElection.Timing timing) {
        ControllerManager manager = new ControllerManager(client, options);
        manager.election = LeaderElection.start(client, "kube-controller-manager", identity, timing, manager::lead, manager::stopControllers);
        return manager;
    }

    private synchronized void lead() {
        informers = client.informers();
        // each controller registers its informers on the shared factory and returns itself, not yet started
        controllers.addAll(ControllerRegistry.create(client, informers, options));
        try {
            informers.startAllRegisteredInformers().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the informers did not sync", e.getCause());
        }
        controllers.forEach(Controller::start);
        LOG.info("controller-manager runs {} controllers", controllers.size());
    }

    private synchronized void stopControllers() {
        controllers.forEach(Controller::close);
        controllers.clear();
        if (informers != null) {
            informers.stopAllRegisteredInformers();
            informers = null;
        }
    }

    public synchronized boolean leading() {
        return !controllers.isEmpty();
    }

    @Override
    public void close() {
        if (election != null) {
            election.close();
        }
        stopControllers();
    }
}
