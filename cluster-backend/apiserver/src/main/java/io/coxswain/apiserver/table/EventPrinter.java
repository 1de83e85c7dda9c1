package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** core/v1 Event: LAST SEEN TYPE REASON OBJECT MESSAGE; wide SUBOBJECT SOURCE FIRST SEEN COUNT NAME. */
final class EventPrinter implements RowPrinter {

    private static final List<ColumnDefinition> COLUMNS = List.of(
            ColumnDefinition.of("Last Seen", "string", "The time at which the most recent occurrence of this event was "
                    + "recorded."),
            ColumnDefinition.of("Type", "string", "Type of this event (Normal, Warning), new types could be added in "
                    + "the future"),
            ColumnDefinition.of("Reason", "string", "This should be a short, machine understandable string that gives "
                    + "the reason for the transition into the object's current status."),
            ColumnDefinition.of("Object", "string", "The object that this event is about."),
            ColumnDefinition.wide("Subobject", "string", "If referring to a piece of an object instead of an entire "
                    + "object, this string should contain a valid JSON/Go field access statement, such as "
                    + "desiredState.manifest.containers[2]."),
            ColumnDefinition.wide("Source", "string", "The component reporting this event. Should be a short machine "
                    + "understandable string."),
            ColumnDefinition.of("Message", "string", "A human-readable description of the status of this operation."),
            ColumnDefinition.wide("First Seen", "string", "The time at which the event was first recorded. (Time of "
                    + "server receipt is in TypeMeta.)"),
            ColumnDefinition.wide("Count", "string", "The number of times this event has occurred."),
            new ColumnDefinition("Name", "string", "name", Columns.NAME_DESCRIPTION, 1));

    @Override
    public List<ColumnDefinition> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(JsonNode ev, Instant now) {
        String firstSeen = Durations.parse(Nodes.text(ev, "firstTimestamp")).isPresent()
                ? Durations.since(Nodes.text(ev, "firstTimestamp"), now)
                : Durations.since(Nodes.text(ev, "eventTime"), now);
        String lastSeen = Durations.parse(Nodes.text(ev, "lastTimestamp")).isPresent()
                ? Durations.since(Nodes.text(ev, "lastTimestamp"), now)
                : firstSeen;
        long count = Nodes.integer(ev, "count");
        if (Nodes.present(ev, "series")) {
            lastSeen = Durations.since(Nodes.text(ev, "series", "lastObservedTime"), now);
            count = Nodes.integer(ev, "series", "count");
        } else if (count == 0) {
            count = 1; // singleton events have no count in the new API
        }
        JsonNode involved = Nodes.at(ev, "involvedObject");
        String kind = Nodes.text(involved, "kind").toLowerCase(Locale.ROOT);
        String target = Nodes.text(involved, "name").isEmpty() ? kind : kind + "/" + Nodes.text(involved, "name");
        return List.of(lastSeen, Nodes.text(ev, "type"), Nodes.text(ev, "reason"), target,
                Nodes.text(involved, "fieldPath"), source(ev), Nodes.text(ev, "message").strip(), firstSeen, count,
                Nodes.name(ev));
    }

    /** {@code formatEventSource}: "component, host", falling back to reportingController/reportingInstance. */
    static String source(JsonNode ev) {
        String component = firstNonEmpty(Nodes.text(ev, "source", "component"), Nodes.text(ev, "reportingComponent"));
        String instance = firstNonEmpty(Nodes.text(ev, "source", "host"), Nodes.text(ev, "reportingInstance"));
        return instance.isEmpty() ? component : component + ", " + instance;
    }

    private static String firstNonEmpty(String a, String b) {
        return a.isEmpty() ? b : a;
    }
}
