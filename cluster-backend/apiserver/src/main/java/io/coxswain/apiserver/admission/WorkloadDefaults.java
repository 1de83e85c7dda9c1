package io.coxswain.apiserver.admission;

import static io.coxswain.apiserver.admission.Nodes.object;
import static io.coxswain.apiserver.admission.Nodes.setIfNull;
import static io.coxswain.apiserver.admission.Nodes.setIfZero;
import static io.coxswain.apiserver.admission.Nodes.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * v1 ReplicationController and apps/v1 ReplicaSet and Deployment: {@code SetDefaults_ReplicationController},
 * {@code SetDefaults_ReplicaSet}, {@code SetDefaults_Deployment}, create-time.
 */
final class WorkloadDefaults {

    private WorkloadDefaults() {
    }

    static void replicaSet(ObjectNode replicaSet, boolean create) {
        ObjectNode spec = object(replicaSet, "spec");
        setIfNull(spec, "replicas", 1);
        PodDefaults.template(object(spec, "template"));
        if (create) {
            prepareForCreate(replicaSet);
            // ReplicaSetStatus.replicas is a plain int32, so an empty status is written with replicas: 0.
            object(replicaSet, "status").put("replicas", 0);
        }
    }

    /**
     * The selector and the object's labels, when empty, are the template's labels (only when the template has labels);
     * then as a ReplicaSet, whose status has the same plain int32 replicas.
     */
    static void replicationController(ObjectNode controller, boolean create) {
        ObjectNode spec = object(controller, "spec");
        JsonNode labels = spec.path("template").path("metadata").path("labels");
        if (labels.isObject()) {
            if (spec.path("selector").isEmpty()) {
                spec.set("selector", labels.deepCopy());
            }
            ObjectNode meta = object(controller, "metadata");
            if (meta.path("labels").isEmpty()) {
                meta.set("labels", labels.deepCopy());
            }
        }
        replicaSet(controller, create);
    }

    static void deployment(ObjectNode deployment, boolean create) {
        ObjectNode spec = object(deployment, "spec");
        setIfNull(spec, "replicas", 1);
        ObjectNode strategy = object(spec, "strategy");
        setIfZero(strategy, "type", "RollingUpdate");
        if (text(strategy, "type").equals("RollingUpdate")) {
            ObjectNode rollingUpdate = object(strategy, "rollingUpdate");
            setIfNull(rollingUpdate, "maxUnavailable", "25%");
            setIfNull(rollingUpdate, "maxSurge", "25%");
        }
        setIfNull(spec, "revisionHistoryLimit", 10);
        setIfNull(spec, "progressDeadlineSeconds", 600);
        PodDefaults.template(object(spec, "template"));
        if (create) {
            prepareForCreate(deployment);
        }
    }

    /** The controller strategies' PrepareForCreate: an empty status and generation 1. */
    static void prepareForCreate(ObjectNode object) {
        object.putObject("status");
        object(object, "metadata").put("generation", 1);
    }
}
