package io.coxswain.apiserver.admission;

import static io.coxswain.apiserver.admission.Nodes.isEmpty;
import static io.coxswain.apiserver.admission.Nodes.isNull;
import static io.coxswain.apiserver.admission.Nodes.isTrue;
import static io.coxswain.apiserver.admission.Nodes.object;
import static io.coxswain.apiserver.admission.Nodes.objectOrNull;
import static io.coxswain.apiserver.admission.Nodes.objects;
import static io.coxswain.apiserver.admission.Nodes.setIfNull;
import static io.coxswain.apiserver.admission.Nodes.setIfZero;
import static io.coxswain.apiserver.admission.Nodes.text;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** batch/v1 Job and CronJob: {@code SetDefaults_Job}, {@code SetDefaults_CronJob} and the Job strategy's selector. */
final class BatchDefaults {

    static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
    static final String JOB_NAME = "batch.kubernetes.io/job-name";
    static final String LEGACY_CONTROLLER_UID = "controller-uid";
    static final String LEGACY_JOB_NAME = "job-name";

    private BatchDefaults() {
    }

    /**
     * On create, unless {@code spec.manualSelector} is true, selects the pods by the Job's uid and labels the template
     * with it and the Job's name, so {@code metadata.uid} must already be set.
     *
     * @throws IllegalArgumentException when creating a Job with a generated selector but no {@code metadata.uid}
     */
    static void job(ObjectNode job, boolean create) {
        ObjectNode spec = object(job, "spec");
        if (isNull(spec, "completions") && isNull(spec, "parallelism")) {
            spec.put("completions", 1);
        }
        setIfNull(spec, "parallelism", 1);
        setIfNull(spec, "backoffLimit", isNull(spec, "backoffLimitPerIndex") ? 6 : Integer.MAX_VALUE);
        setIfNull(spec, "completionMode", "NonIndexed");
        setIfNull(spec, "suspend", false);
        ObjectNode failurePolicy = objectOrNull(spec, "podFailurePolicy");
        objects(failurePolicy, "rules").forEach(rule ->
                objects(rule, "onPodConditions").forEach(pattern -> setIfZero(pattern, "status", "True")));
        setIfNull(spec, "podReplacementPolicy", failurePolicy == null ? "TerminatingOrFailed" : "Failed");
        setIfNull(spec, "manualSelector", false);
        ObjectNode template = object(spec, "template");
        PodDefaults.template(template);
        if (create) {
            WorkloadDefaults.prepareForCreate(job);
            if (!isTrue(spec, "manualSelector")) {
                generateSelector(job, spec, template);
            }
        }
        // SetDefaults_Job copies the template's labels to an unlabelled Job; kube-apiserver runs it again when it
        // reads the stored Job back, so the copy includes the generated labels.
        ObjectNode metadata = object(job, "metadata");
        ObjectNode templateLabels = objectOrNull(object(template, "metadata"), "labels");
        if (templateLabels != null && isEmpty(metadata, "labels")) {
            metadata.set("labels", templateLabels.deepCopy());
        }
    }

    private static void generateSelector(ObjectNode job, ObjectNode spec, ObjectNode template) {
        ObjectNode metadata = object(job, "metadata");
        String uid = text(metadata, "uid");
        if (uid.isEmpty()) {
            throw new IllegalArgumentException("metadata.uid must be set before defaulting a Job on create");
        }
        String name = text(metadata, "name");
        ObjectNode labels = object(object(template, "metadata"), "labels");
        setIfNull(labels, LEGACY_JOB_NAME, name);
        setIfNull(labels, JOB_NAME, name);
        setIfNull(labels, LEGACY_CONTROLLER_UID, uid);
        setIfNull(labels, CONTROLLER_UID, uid);
        setIfNull(object(object(spec, "selector"), "matchLabels"), CONTROLLER_UID, uid);
    }

    static void cronJob(ObjectNode cronJob, boolean create) {
        ObjectNode spec = object(cronJob, "spec");
        setIfZero(spec, "concurrencyPolicy", "Allow");
        setIfNull(spec, "suspend", false);
        setIfNull(spec, "successfulJobsHistoryLimit", 3);
        setIfNull(spec, "failedJobsHistoryLimit", 1);
        ObjectNode jobTemplate = object(spec, "jobTemplate");
        ObjectNode jobMetadata = object(jobTemplate, "metadata");
        if (!jobMetadata.has("creationTimestamp")) {
            jobMetadata.putNull("creationTimestamp");
        }
        PodDefaults.template(object(object(jobTemplate, "spec"), "template"));
        if (create) {
            WorkloadDefaults.prepareForCreate(cronJob);
        }
    }
}
