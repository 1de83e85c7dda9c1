package io.coxswain.launcher.logs;

/** {@code --log-format}: kube's names. */
public enum LogFormat {
    /** One readable line: time, level, [component], message. */
    text,
    /** One JSON object a line: ts, level, component, msg (and logger, err, key-value pairs). */
    json
}
