package io.coxswain.launcher;

import io.coxswain.apiserver.Kubeconfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code coxswain all-in-one}: every component in one process, for a developer's machine. For now that is
 * the store and the apiserver; the scheduler, controllers, kubelet and kube-proxy join as they are built.
 * It writes a kubeconfig into the data directory so that kubectl works at once.
 */
@Command(name = "all-in-one", mixinStandardHelpOptions = true, description = "Run the whole cluster in one process.")
final class AllInOneCommand implements Callable<Integer> {

    @Mixin
    StoreOptions store = new StoreOptions();

    @Mixin
    ListenOption listen = new ListenOption();

    @Override
    public Integer call() throws Exception {
        if (store.dataDir == null) {
            store.dataDir = Path.of(System.getProperty("user.home"), ".coxswain");
            store.kind = "embedded";
            listen.listen = "127.0.0.1:6443";
            listen.serviceRange = "10.96.0.0/16";
        }
        ApiServerCommand.Running running = ApiServerCommand.start(store, listen);
        String server = "http://" + listen.host() + ":" + running.apiServer().port();
        Path kubeconfig = Kubeconfig.write(store.dataDir, server);
        System.out.println("coxswain all-in-one: API ready at " + server + " in " + running.startMillis() + " ms");
        System.out.println("kubeconfig: " + kubeconfig);
        running.awaitShutdown();
        return 0;
    }
}
