package io.coxswain.apiserver.admission;

import static io.coxswain.apiserver.admission.Nodes.object;
import static io.coxswain.apiserver.admission.Nodes.objectOrNull;
import static io.coxswain.apiserver.admission.Nodes.setIfZero;
import static io.coxswain.apiserver.admission.Nodes.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Cluster-scoped core kinds: Namespace ({@code SetDefaults_Namespace}, its strategy's create) and Node status. */
final class CoreDefaults {

    static final String KUBERNETES_FINALIZER = "kubernetes";

    private CoreDefaults() {
    }

    static void namespace(ObjectNode namespace, boolean create) {
        ObjectNode metadata = object(namespace, "metadata");
        String name = text(metadata, "name");
        if (!name.isEmpty()) {
            object(metadata, "labels").put("kubernetes.io/metadata.name", name);
        }
        if (create) {
            namespace.putObject("status");
            JsonNode finalizers = object(namespace, "spec").get("finalizers");
            ArrayNode list = finalizers != null && finalizers.isArray()
                    ? (ArrayNode) finalizers : object(namespace, "spec").putArray("finalizers");
            boolean present = false;
            for (JsonNode f : list) {
                present |= KUBERNETES_FINALIZER.equals(f.asText());
            }
            if (!present) {
                list.add(KUBERNETES_FINALIZER);
            }
        }
        setIfZero(object(namespace, "status"), "phase", "Active");
    }

    /** SetDefaults_NodeStatus: allocatable starts as a copy of capacity. */
    static void node(ObjectNode node) {
        ObjectNode status = objectOrNull(node, "status");
        ObjectNode capacity = objectOrNull(status, "capacity");
        if (capacity != null && Nodes.isNull(status, "allocatable")) {
            status.set("allocatable", capacity.deepCopy());
        }
    }
}
