package io.coxswain.launcher;

import io.coxswain.kubelet.Kubelet;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code coxswain kubelet}: one node agent on the Docker engine, against an apiserver. */
@Command(name = "kubelet", mixinStandardHelpOptions = true, description = "Run a node: register it and run its pods on Docker.")
final class KubeletCommand implements Callable<Integer> {

    @Option(names = "--server", required = true, description = "the apiserver's URL, e.g. http://127.0.0.1:6443")
    String server;

    @Option(names = "--root-dir", defaultValue = "${sys:user.home}/.coxswain/kubelet", description = "where pod volumes live (default ${DEFAULT-VALUE})")
    Path rootDir;

    @Mixin
    NodeOptions node = new NodeOptions();

    @Override
    public Integer call() throws Exception {
        Vertx vertx = Vertx.vertx();
        var client = NodeAgents.client(server);
        Kubelet kubelet = Kubelet.start(vertx, client, node.kubeletOptions(rootDir), NodeAgents.dockerRuntime(node));
        System.out.println("kubelet " + kubelet.nodeName() + " is running against " + server);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kubelet.close();
            client.close();
            vertx.close().await();
        }, "kubelet-shutdown"));
        new CountDownLatch(1).await();
        return 0;
    }
}
