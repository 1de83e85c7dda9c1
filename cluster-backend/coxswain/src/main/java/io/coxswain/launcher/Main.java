package io.coxswain.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar coxswain.jar [all-in-one|apiserver|scheduler|controller-manager|kubelet|proxy] …}; all-in-one is the default. */
@Command(name = "coxswain", mixinStandardHelpOptions = true, version = "coxswain 0.1.0",
        description = "An editor-first Kubernetes: the control plane and node agents in one jar.",
        subcommands = {AllInOneCommand.class, ApiServerCommand.class, KubeletCommand.class, ProxyCommand.class,
                SchedulerCommand.class, ControllerManagerCommand.class, KubeconfigCommand.class, StatusCommand.class})
public final class Main implements Runnable {

    @Override
    public void run() {
        new CommandLine(new AllInOneCommand()).execute();
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
