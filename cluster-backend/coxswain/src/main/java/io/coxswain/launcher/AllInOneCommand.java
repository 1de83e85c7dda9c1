package io.coxswain.launcher;

import io.coxswain.apiserver.Kubeconfig;
import io.coxswain.launcher.logs.LogComponent;
import io.coxswain.launcher.logs.LogOptions;
import org.slf4j.MDC;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.coxswain.metrics.ComponentMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import io.coxswain.kubelet.Kubelet;
import io.coxswain.scheduler.Scheduler;
import io.coxswain.controllers.ControllerManager;
import io.coxswain.controllers.ControllerOptions;
import io.coxswain.proxy.KubeProxy;
import io.coxswain.proxy.ProxyOptions;
import java.util.List;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code coxswain all-in-one}: every component in one process, for a developer's machine. For now that is
 * the store and the apiserver; the scheduler, controllers, kubelet and kube-proxy join as they are built.
 * It writes a kubeconfig into the data directory so that kubectl works at once.
 */
@Command(name = "all-in-one", mixinStandardHelpOptions = true, description = "Run the whole cluster in one process.")
final class AllInOneCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(AllInOneCommand.class);

    @Mixin
    LogOptions logs = new LogOptions();

    @Mixin
    StoreOptions store = new StoreOptions();

    @Mixin
    ListenOption listen = new ListenOption();

    @Mixin
    NodeOptions node = new NodeOptions();

    @Mixin
    SecurityOptions security = new SecurityOptions();

    @Mixin
    ShutdownOptions shutdown = new ShutdownOptions();

    @Mixin
    NodeCidrOptions nodeCidrs = new NodeCidrOptions();

    @Mixin
    DnsFlags dns = new DnsFlags();

    @Mixin
    EndpointSliceOptions endpointSlices = new EndpointSliceOptions();

    private ControllerOptions controllerOptions;

    /** In team mode: the admin kubeconfig (certificate of system:admin in system:masters); null on plain HTTP. */
    private io.fabric8.kubernetes.client.Config adminConfig;

    /** What this all-in-one started, for {@code coxswain status}. */
    private ComponentsFile components;

    @Option(names = "--no-kubelet", description = "run the control plane only, with no node")
    boolean noKubelet;

    @Option(names = "--scheduler-config", description = "a KubeSchedulerConfiguration file for the scheduler")
    java.nio.file.Path schedulerConfig;

    @Option(names = "--scheduler-metrics-bind-address", defaultValue = "127.0.0.1:10259",
            description = "where the scheduler serves /metrics: HTTPS with authentication and RBAC in team mode, else plain HTTP on loopback only; port 0 picks one, empty serves none (default ${DEFAULT-VALUE})")
    String schedulerMetricsAddress;

    @Option(names = "--controller-manager-metrics-bind-address", defaultValue = "127.0.0.1:10257",
            description = "where the controller-manager serves /metrics: HTTPS with authentication and RBAC in team mode, else plain HTTP on loopback only; port 0 picks one, empty serves none (default ${DEFAULT-VALUE})")
    String controllerManagerMetricsAddress;

    @Override
    public Integer call() throws Exception {
        controllerOptions = endpointSlices.apply(nodeCidrs.apply(ControllerOptions.defaults()));
        if (store.dataDir == null) {
            store.dataDir = Path.of(System.getProperty("user.home"), ".coxswain");
            store.kind = "embedded";
            listen.listen = "127.0.0.1:6443";
            listen.serviceRange = "10.96.0.0/16";
        }
        java.nio.file.Files.createDirectories(store.dataDir);
        components = new ComponentsFile(store.dataDir);
        ApiServerCommand.Running running = ApiServerCommand.start(store, listen, security, shutdown);
        String server;
        Path kubeconfig;
        if (running.secure()) {
            server = SecurityOptions.url(listen.host(), running.apiServer().port());
            kubeconfig = SecurityOptions.writeAdminKubeconfig(store.dataDir, server);
            adminConfig = io.fabric8.kubernetes.client.Config.fromKubeconfig(null, kubeconfig.toFile());
        } else {
            server = "http://" + listen.host() + ":" + running.apiServer().port();
            kubeconfig = Kubeconfig.write(store.dataDir, server);
        }
        LOG.info("coxswain all-in-one: API ready at {} in {} ms", server, running.startMillis());
        LOG.info("kubeconfig: {}", kubeconfig);
        components.record("apiserver", "running at " + server + " (store: " + store.kind + ")");
        startControlLoops(running, server);
        node.serviceRange = listen.serviceRange;
        if (!noKubelet) {
            startKubelet(running, server);
            startProxy(running, server);
            if (!dns.disabled) {
                startDns(running, server);
            }
        }
        running.awaitShutdown();
        return 0;
    }

    /** The scheduler and the controllers, each with its own client of the API, as separate processes would have. */
    private void startControlLoops(ApiServerCommand.Running running, String server) throws java.io.IOException {
        // each its own registry and port, as separate processes would have
        ComponentMetrics schedulerMetrics = new ComponentMetrics();
        ComponentMetrics controllerMetrics = new ComponentMetrics();
        KubernetesClient schedulerClient = client(server, "kube-scheduler");
        KubernetesClient controllersClient = client(server, "kube-controller-manager");
        // in team mode their ports are HTTPS with the cluster CA's certificates, and each asks the apiserver who may read
        MetricsPort.serve(running.vertx(), schedulerMetrics, schedulerMetricsAddress, "scheduler", metricsSecurity("kube-scheduler", schedulerClient));
        MetricsPort.serve(running.vertx(), controllerMetrics, controllerManagerMetricsAddress, "controller-manager",
                metricsSecurity("kube-controller-manager", controllersClient));
        Scheduler scheduler;
        try (var tagged = MDC.putCloseable(LogComponent.MDC_KEY, "scheduler")) {
            scheduler = Scheduler.start(schedulerClient, SchedulerCommand.options(schedulerConfig), schedulerMetrics.registry());
        }
        ControllerManager.reportTo(controllerMetrics.registry());
        ControllerManager controllers;
        try (var tagged = MDC.putCloseable(LogComponent.MDC_KEY, "controller-manager")) {
            controllers = ControllerManager.start(controllersClient, controllerOptions());
        }
        running.onStop(() -> {
            controllers.close();
            controllersClient.close();
            scheduler.close();
            schedulerClient.close();
            schedulerMetrics.close();
            controllerMetrics.close();
        });
        LOG.info("scheduler and controllers: running");
        components.record("scheduler", "running");
        components.record("controller-manager", "running");
    }

    /**
     * The controllers' options; in team mode csrsigning signs with the cluster CA, as kubeadm passes kube-controller-manager
     * {@code --cluster-signing-cert-file}/{@code --cluster-signing-key-file} of its own CA.
     */
    private ControllerOptions controllerOptions() {
        if (adminConfig == null) {
            return controllerOptions;
        }
        Path pki = SecurityOptions.pkiDir(store.dataDir);
        return controllerOptions.withClusterSigning(pki.resolve("ca.crt"), pki.resolve("ca.key"), Duration.ofDays(365))
                .withServiceAccountKey(pki.resolve(io.coxswain.apiserver.serviceaccount.ServiceAccountKeys.KEY_FILE));
    }

    /** A component's secure metrics port in team mode; null (plain HTTP on loopback) without it. */
    private MetricsPort.Secure metricsSecurity(String component, KubernetesClient reviews) {
        return adminConfig == null ? null
                : MetricsPort.Secure.fromClusterCa(io.coxswain.apiserver.auth.Pki.open(SecurityOptions.pkiDir(store.dataDir)), component, reviews);
    }

    /** kube-proxy needs root and iptables; without them services have no virtual IPs, and the log says why. */
    private void startProxy(ApiServerCommand.Running running, String server) {
        MDC.put(LogComponent.MDC_KEY, "proxy");
        KubernetesClient client = client(server, "kube-proxy");
        try {
            KubeProxy proxy = KubeProxy.start(client, ProxyOptions.defaults(node.nodeName())
                    .withNodeIps(List.of(node.nodeIp)).withServiceCidr(listen.serviceRange).withClusterCidr(controllerOptions.clusterCidr()));
            running.onStop(() -> {
                proxy.close();
                client.close();
            });
            LOG.info("proxy: services of {} are programmed into iptables", listen.serviceRange);
            components.record("proxy", "running, services of " + listen.serviceRange + " in iptables");
        } catch (RuntimeException e) {
            client.close();
            LOG.warn("proxy: not started, so service addresses will not answer: {}", e.getMessage());
            components.record("proxy", "not started: " + e.getMessage());
        } finally {
            MDC.remove(LogComponent.MDC_KEY);
        }
    }

    /**
     * Cluster DNS on the kube-dns Service's address (made here if absent, so no other Service takes it), as a node's
     * NodeLocal DNSCache answers on it; without root (port 53, iptables) pods' names do not resolve, and the log says why.
     */
    private void startDns(ApiServerCommand.Running running, String server) {
        MDC.put(LogComponent.MDC_KEY, "dns");
        KubernetesClient client = client(server, "coredns");
        try {
            String address = node.clusterDns().get(0);
            io.coxswain.dns.ClusterDns.ensureService(client, address);
            io.coxswain.dns.ClusterDns clusterDns = io.coxswain.dns.ClusterDns.start(running.vertx(), client,
                    dns.options(List.of(address), node.clusterDomain));
            running.onStop(() -> {
                clusterDns.close();
                client.close();
            });
            components.record("dns", "running on " + address + ":" + dns.port + " for " + node.clusterDomain);
        } catch (RuntimeException e) {
            client.close();
            LOG.warn("dns: not started, so pods cannot resolve the cluster's names: {}", e.getMessage());
            components.record("dns", "not started: " + e.getMessage());
        } finally {
            MDC.remove(LogComponent.MDC_KEY);
        }
    }

    /** Without a Docker engine the API still serves; pods then wait for a node, and the log says why. */
    private void startKubelet(ApiServerCommand.Running running, String server) {
        MDC.put(LogComponent.MDC_KEY, "kubelet");
        KubernetesClient client = kubeletClient(server);
        try {
            KubeletServing serving = adminConfig == null ? KubeletServing.PLAIN
                    : KubeletServing.fromClusterCa(io.coxswain.apiserver.auth.Pki.open(SecurityOptions.pkiDir(store.dataDir)), node);
            ComponentMetrics kubeletMetrics = new ComponentMetrics();
            Kubelet kubelet = NodeAgents.dockerKubelet(running.vertx(), client, node, store.dataDir.resolve("kubelet"), serving,
                    kubeletMetrics);
            running.onStop(() -> {
                kubelet.close();
                client.close();
                kubeletMetrics.close();
            });
            // ./coxswain down removes this node's containers, and only those
            java.nio.file.Files.writeString(store.dataDir.resolve("node-name"), kubelet.nodeName());
            LOG.info("kubelet: node {} is ready on Docker", kubelet.nodeName());
            components.record("kubelet", "running node " + kubelet.nodeName() + " on Docker");
        } catch (RuntimeException | java.io.IOException e) {
            client.close();
            LOG.warn("kubelet: not started, so pods will stay Pending: {}", e.getMessage());
            components.record("kubelet", "not started: " + e.getMessage());
        } finally {
            MDC.remove(LogComponent.MDC_KEY);
        }
    }

    /**
     * A component's client: plain on loopback. In team mode a client certificate of its own, made in memory at
     * start, as user {@code system:<component>} in group {@code system:masters}, so the audit log names it.
     */
    private KubernetesClient client(String server, String component) {
        if (adminConfig == null) {
            return NodeAgents.client(server, component);
        }
        var pki = io.coxswain.apiserver.auth.Pki.open(SecurityOptions.pkiDir(store.dataDir));
        var issued = pki.issueClient("system:" + component, List.of("system:masters"));
        return NodeAgents.client(io.fabric8.kubernetes.client.Config.fromKubeconfig(Kubeconfig.secure(server, pki.caPem(),
                "system:" + component, Kubeconfig.Credential.certificate(issued.certificatePem(), issued.keyPem()), "default")), component);
    }

    /**
     * The kubelet's client. In team mode it is the node {@code system:node:<name>} (group system:nodes), with a
     * certificate issued into {@code <data-dir>/kubelet/pki}, so node restriction holds for it too.
     */
    private KubernetesClient kubeletClient(String server) {
        if (adminConfig == null) {
            return NodeAgents.client(server, "kubelet");
        }
        io.coxswain.apiserver.auth.Pki pki = io.coxswain.apiserver.auth.Pki.open(SecurityOptions.pkiDir(store.dataDir));
        var issued = pki.issueClient("system:node:" + node.nodeName(), List.of("system:nodes"));
        Path dir = store.dataDir.resolve("kubelet").resolve("pki");
        try {
            Kubeconfig.writePrivate(dir.resolve("kubelet.crt"), issued.certificatePem());
            Kubeconfig.writePrivate(dir.resolve("kubelet.key"), issued.keyPem());
            Path file = Kubeconfig.writePrivate(dir.resolve("kubeconfig"), Kubeconfig.secure(server, pki.caPem(),
                    "system:node:" + node.nodeName(), Kubeconfig.Credential.certificate(issued.certificatePem(), issued.keyPem()),
                    "default"));
            return NodeAgents.client(io.fabric8.kubernetes.client.Config.fromKubeconfig(null, file.toFile()), "kubelet");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
