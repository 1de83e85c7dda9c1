package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** CronJob: NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE; wide CONTAINERS IMAGES SELECTOR. */
final class CronJobPrinter implements RowPrinter {

    private static final List<ColumnDefinition> COLUMNS = List.of(
            Columns.NAME,
            ColumnDefinition.of("Schedule", "string", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
            ColumnDefinition.of("Timezone", "string", "The time zone name for the given schedule, see "
                    + "https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."),
            ColumnDefinition.of("Suspend", "boolean", "This flag tells the controller to suspend subsequent executions, "
                    + "it does not apply to already started executions.  Defaults to false."),
            ColumnDefinition.of("Active", "integer", "A list of pointers to currently running jobs."),
            ColumnDefinition.of("Last Schedule", "string", "Information when was the last time the job was "
                    + "successfully scheduled."),
            Columns.AGE, Columns.CONTAINERS, Columns.IMAGES,
            Columns.selector(JobPrinter.SELECTOR_DESCRIPTION));

    @Override
    public List<ColumnDefinition> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(JsonNode cj, Instant now) {
        JsonNode spec = Nodes.at(cj, "spec");
        String lastSchedule = Nodes.present(cj, "status", "lastScheduleTime")
                ? Durations.since(Nodes.text(cj, "status", "lastScheduleTime"), now)
                : "<none>";
        String timeZone = Nodes.present(spec, "timeZone") ? Nodes.text(spec, "timeZone") : "<none>";
        // printBoolPtr: "<unset>" for nil, else "true"/"false"
        String suspend = Nodes.present(spec, "suspend") ? Boolean.toString(spec.path("suspend").asBoolean()) : "<unset>";
        JsonNode jobSpec = Nodes.at(spec, "jobTemplate", "spec");
        List<String> containers = Columns.containerCells(Nodes.at(jobSpec, "template", "spec"));
        return Arrays.asList(Nodes.name(cj), Nodes.text(spec, "schedule"), timeZone, suspend,
                (long) Nodes.size(cj, "status", "active"), lastSchedule, Columns.age(cj, now),
                containers.get(0), containers.get(1), Selectors.formatLabelSelector(jobSpec.path("selector")));
    }
}
