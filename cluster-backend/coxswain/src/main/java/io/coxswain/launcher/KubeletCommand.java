package io.coxswain.launcher;

import io.coxswain.kubelet.Kubelet;
import io.coxswain.kubelet.hollow.HollowNodes;
import io.coxswain.kubelet.hollow.HollowOptions;
import io.vertx.core.Vertx;
import io.coxswain.launcher.logs.LogOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code coxswain kubelet}: one node agent on the Docker engine, against an apiserver; or, with
 * {@code --runtime hollow}, many simulated nodes for scale tests.
 */
@Command(name = "kubelet", mixinStandardHelpOptions = true,
        description = "Run a node: register it and run its pods on Docker (or --runtime hollow: N simulated nodes).")
final class KubeletCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(KubeletCommand.class);

    @Mixin
    LogOptions logs = new LogOptions();

    @picocli.CommandLine.Mixin
    ServerOptions server = new ServerOptions();

    @Option(names = "--root-dir", defaultValue = "${sys:user.home}/.coxswain/kubelet", description = "where pod volumes live (default ${DEFAULT-VALUE})")
    Path rootDir;

    @Mixin
    NodeOptions node = new NodeOptions();

    @Option(names = "--tls-cert-file", description = "the kubelet's serving certificate (PEM), as kube's kubelet takes it "
            + "(default: one from a CA of its own in <root-dir>/pki)")
    Path tlsCertFile;

    @Option(names = "--tls-private-key-file", description = "the key of --tls-cert-file (PEM)")
    Path tlsKeyFile;

    @Option(names = "--client-ca-file", description = "the CA whose client certificates the kubelet's server takes (default: "
            + "the kubeconfig's certificate authority)")
    Path clientCaFile;

    @Option(names = "--runtime", defaultValue = "docker", description = "docker, or hollow: simulated nodes without containers (default ${DEFAULT-VALUE})")
    String runtime;

    @Option(names = "--nodes", defaultValue = "1", description = "with --runtime hollow: how many nodes (default ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--node-name-prefix", defaultValue = "hollow", description = "with --runtime hollow: nodes are named <prefix>-<i> (default ${DEFAULT-VALUE})")
    String prefix;

    @Override
    public Integer call() throws Exception {
        if (!runtime.equals("docker") && !runtime.equals("hollow")) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--runtime must be docker or hollow, not " + runtime);
        }
        var client = server.client("kubelet");
        if (runtime.equals("hollow")) {
            HollowNodes hollow = HollowNodes.start(client, HollowOptions.defaults(nodes).withPrefix(prefix)
                    .withLease(java.time.Duration.ofSeconds(node.statusSeconds), java.time.Duration.ofSeconds(4L * node.statusSeconds)));
            LOG.info("{} hollow nodes {}-0..{} are running against {}", nodes, prefix, nodes - 1, server.describe());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                hollow.close();
                client.close();
            }, "kubelet-shutdown"));
            new CountDownLatch(1).await();
            return 0;
        }
        Vertx vertx = Vertx.vertx();
        Kubelet kubelet = NodeAgents.dockerKubelet(vertx, client, node, rootDir,
                KubeletServing.forClient(client.getConfiguration(), rootDir, node, servingFiles(), clientCaFile));
        LOG.info("kubelet {} is running against {}", kubelet.nodeName(), server.describe());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kubelet.close();
            client.close();
            vertx.close().await();
        }, "kubelet-shutdown"));
        new CountDownLatch(1).await();
        return 0;
    }

    /** The serving certificate and key the flags name, both or neither. */
    private KubeletServing.ServingFiles servingFiles() {
        if ((tlsCertFile == null) != (tlsKeyFile == null)) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--tls-cert-file and --tls-private-key-file go together");
        }
        return tlsCertFile == null ? null : new KubeletServing.ServingFiles(tlsCertFile, tlsKeyFile);
    }
}
