package io.coxswain.launcher;

import io.coxswain.launcher.logs.LogOptions;
import io.coxswain.launcher.logs.LogSetup;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/** {@code java -jar coxswain.jar [all-in-one|apiserver|scheduler|controller-manager|kubelet|proxy|overlay|node] …}; all-in-one is the default. */
@Command(name = "coxswain", mixinStandardHelpOptions = true, version = "coxswain 0.1.0",
        description = "An editor-first Kubernetes: the control plane and node agents in one jar.",
        subcommands = {AllInOneCommand.class, ApiServerCommand.class, KubeletCommand.class, ProxyCommand.class,
                SchedulerCommand.class, ControllerManagerCommand.class, KubeconfigCommand.class, StatusCommand.class,
                OverlayCommand.class, TokenCommand.class, NodeCommand.class, DnsCommand.class})
public final class Main implements Runnable {

    @Mixin
    LogOptions logs = new LogOptions();

    @Override
    public void run() {
        new CommandLine(new AllInOneCommand()).execute();
    }

    public static void main(String[] args) {
        CommandLine line = new CommandLine(new Main());
        line.setExecutionStrategy(parsed -> {
            applyLogOptions(parsed);
            return new CommandLine.RunLast().execute(parsed);
        });
        System.exit(line.execute(args));
    }

    /** Configures logging from the flags of the command that runs, before it runs; the command names the component. */
    static void applyLogOptions(ParseResult parsed) {
        ParseResult last = parsed;
        while (last.subcommand() != null) {
            last = last.subcommand();
        }
        CommandSpec spec = last.commandSpec();
        String component = spec.userObject() instanceof Main ? "all-in-one" : spec.name();
        for (CommandSpec mixin : spec.mixins().values()) {
            if (mixin.userObject() instanceof LogOptions options) {
                try {
                    LogSetup.apply(options, component);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
                }
            }
        }
    }
}
