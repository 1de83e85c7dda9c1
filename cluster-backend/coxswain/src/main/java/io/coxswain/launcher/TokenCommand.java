package io.coxswain.launcher;

import picocli.CommandLine.Command;

/** {@code coxswain token create|list|delete}: bootstrap tokens for joining machines, as {@code kubeadm token}. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Manage bootstrap tokens, with which a new machine joins the cluster (coxswain node --token).",
        subcommands = {TokenCreateCommand.class, TokenListCommand.class, TokenDeleteCommand.class})
final class TokenCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give a subcommand: create, list or delete");
    }
}
