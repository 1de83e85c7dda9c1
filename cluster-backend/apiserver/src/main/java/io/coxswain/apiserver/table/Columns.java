package io.coxswain.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Column definitions shared by several kinds, and {@code layoutContainerCells}. */
final class Columns {

    private Columns() {
    }

    static final String NAME_DESCRIPTION = "Name must be unique within a namespace. Is required when creating resources, "
            + "although some resources may allow a client to request the generation of an appropriate name "
            + "automatically. Name is primarily intended for creation idempotence and configuration definition. "
            + "Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

    static final String CREATION_TIMESTAMP_DESCRIPTION = "CreationTimestamp is a timestamp representing the server time "
            + "when this object was created. It is not guaranteed to be set in happens-before order across separate "
            + "operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\n"
            + "Populated by the system. Read-only. Null for lists. More info: "
            + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    static final ColumnDefinition NAME = new ColumnDefinition("Name", "string", "name", NAME_DESCRIPTION, 0);
    static final ColumnDefinition AGE = ColumnDefinition.of("Age", "string", CREATION_TIMESTAMP_DESCRIPTION);
    static final ColumnDefinition CONTAINERS =
            ColumnDefinition.wide("Containers", "string", "Names of each container in the template.");
    static final ColumnDefinition IMAGES =
            ColumnDefinition.wide("Images", "string", "Images referenced by each container in the template.");

    static ColumnDefinition selector(String description) {
        return ColumnDefinition.wide("Selector", "string", description);
    }

    static final String LABEL_SELECTOR_DESCRIPTION = "Label selector for pods. Existing ReplicaSets whose pods are "
            + "selected by this will be the ones affected by this deployment. It must match the pod template's labels.";

    /** The creation-timestamp age cell. */
    static String age(JsonNode object, Instant now) {
        return Durations.since(Nodes.creationTimestamp(object), now);
    }

    /** {@code layoutContainerCells}: container names and images, each comma-joined. */
    static List<String> containerCells(JsonNode podSpec) {
        List<String> names = new ArrayList<>();
        List<String> images = new ArrayList<>();
        for (JsonNode c : Nodes.items(podSpec, "containers")) {
            names.add(Nodes.text(c, "name"));
            images.add(Nodes.text(c, "image"));
        }
        return List.of(String.join(",", names), String.join(",", images));
    }
}
