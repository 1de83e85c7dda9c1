package io.coxswain.ls.services;

import java.util.logging.Level;
import java.util.logging.Logger;

/** The server's log goes to stderr (java.util.logging), never to stdout, which carries the protocol. */
public final class Log {

    private static final Logger LOGGER = Logger.getLogger("io.coxswain.ls");

    private Log() {
    }

    public static void warn(String message, Throwable error) {
        LOGGER.log(Level.WARNING, message, error);
    }
}
