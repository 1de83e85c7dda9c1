package io.coxswain.ls.cluster;

import java.util.List;

/**
 * The live status of one object as the editor shows it: a one-line text ("● Running 3/3 ready"), a severity
 * (info, warning, error), its pods, the latest Warning event, and the details a hover shows.
 */
public record ObjectStatus(String text, String severity, List<PodStatus> pods, String latestWarning, String details) {

    public static final String INFO = "info";
    public static final String WARNING = "warning";
    public static final String ERROR = "error";

    public record PodStatus(String name, String phase, String ready, int restarts, String text, String severity) {
    }

    static int rank(String severity) {
        return switch (severity) {
            case ERROR -> 2;
            case WARNING -> 1;
            default -> 0;
        };
    }
}
