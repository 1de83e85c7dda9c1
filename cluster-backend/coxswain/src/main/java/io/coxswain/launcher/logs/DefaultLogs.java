package io.coxswain.launcher.logs;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration until the command's flags are read (found through the ServiceLoader, instead of a
 * logback.xml): text lines at {@code --v=0} on standard error, as the flags' defaults give.
 */
public final class DefaultLogs extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        LogSetup.configure(context, Verbosity.of(0), LogFormat.text, "coxswain", null);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
