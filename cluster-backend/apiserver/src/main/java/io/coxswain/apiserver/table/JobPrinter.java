package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Job: NAME STATUS COMPLETIONS DURATION AGE; wide CONTAINERS IMAGES SELECTOR. */
final class JobPrinter implements RowPrinter {

    static final String SELECTOR_DESCRIPTION = "A label query over pods that should match the pod count. "
            + "Normally, the system sets this field for you.";

    private static final List<ColumnDefinition> COLUMNS = List.of(
            Columns.NAME,
            ColumnDefinition.of("Status", "string", "Status of the job."),
            ColumnDefinition.of("Completions", "string", "The number of pods which reached phase Succeeded."),
            ColumnDefinition.of("Duration", "string", "Time required to complete the job."),
            Columns.AGE, Columns.CONTAINERS, Columns.IMAGES,
            Columns.selector(SELECTOR_DESCRIPTION));

    @Override
    public List<ColumnDefinition> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(JsonNode job, Instant now) {
        List<String> containers = Columns.containerCells(Nodes.at(job, "spec", "template", "spec"));
        return List.of(Nodes.name(job), status(job), completions(job), duration(job, now), Columns.age(job, now),
                containers.get(0), containers.get(1), Selectors.formatLabelSelector(Nodes.at(job, "spec", "selector")));
    }

    static String completions(JsonNode job) {
        long succeeded = Nodes.integer(job, "status", "succeeded");
        if (Nodes.present(job, "spec", "completions")) {
            return succeeded + "/" + Nodes.integer(job, "spec", "completions");
        }
        long parallelism = Nodes.integer(job, "spec", "parallelism");
        return parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
    }

    static String duration(JsonNode job, Instant now) {
        Optional<Instant> start = Durations.parse(Nodes.text(job, "status", "startTime"));
        if (start.isEmpty()) {
            return "";
        }
        Instant end = Durations.parse(Nodes.text(job, "status", "completionTime")).orElse(now);
        return Durations.human(Duration.between(start.get(), end));
    }

    static String status(JsonNode job) {
        if (hasCondition(job, "Complete")) {
            return "Complete";
        } else if (hasCondition(job, "Failed")) {
            return "Failed";
        } else if (Nodes.present(job, "metadata", "deletionTimestamp")) {
            return "Terminating";
        } else if (hasCondition(job, "Suspended")) {
            return "Suspended";
        } else if (hasCondition(job, "FailureTarget")) {
            return "FailureTarget";
        } else if (hasCondition(job, "SuccessCriteriaMet")) {
            return "SuccessCriteriaMet";
        }
        return "Running";
    }

    private static boolean hasCondition(JsonNode job, String type) {
        for (JsonNode c : Nodes.items(job, "status", "conditions")) {
            if (type.equals(Nodes.text(c, "type"))) {
                return "True".equals(Nodes.text(c, "status"));
            }
        }
        return false;
    }
}
