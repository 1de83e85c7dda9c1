package io.coxswain.launcher.logs;

import picocli.CommandLine.Option;

/** The logging flags of every component, as kube's: {@code --v=N} and {@code --log-format text|json}. */
public final class LogOptions {

    @Option(names = {"-v", "--v"}, paramLabel = "N", defaultValue = "0",
            description = "log verbosity as klog's: 0-1 info, 2+ the libraries' info too, 4+ debug, 6+ trace (default ${DEFAULT-VALUE})")
    public int verbosity;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (one JSON object a line: ts, level, component, msg); default ${DEFAULT-VALUE}")
    public LogFormat format = LogFormat.text;
}
