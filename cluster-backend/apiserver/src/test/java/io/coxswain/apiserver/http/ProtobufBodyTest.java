package io.coxswain.apiserver.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import com.google.protobuf.UnknownFieldSet;
import io.coxswain.api.ApiException;
import io.kubernetes.client.proto.IntStr.IntOrString;
import io.kubernetes.client.proto.Meta.Duration;
import io.kubernetes.client.proto.Meta.LabelSelector;
import io.kubernetes.client.proto.Meta.MicroTime;
import io.kubernetes.client.proto.Meta.ObjectMeta;
import io.kubernetes.client.proto.Meta.Time;
import io.kubernetes.client.proto.Resource.Quantity;
import io.kubernetes.client.proto.Runtime.RawExtension;
import io.kubernetes.client.proto.Runtime.TypeMeta;
import io.kubernetes.client.proto.Runtime.Unknown;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Batch;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtobufBodyTest {

    private static final String PROTOBUF = "application/vnd.kubernetes.protobuf";

    /** The metadata as kubectl's Go code writes it: every value field, zero or not. */
    private static ObjectMeta.Builder meta(String name) {
        return ObjectMeta.newBuilder().setName(name).setGenerateName("").setNamespace("default").setSelfLink("")
                .setUid("").setResourceVersion("").setGeneration(0).setCreationTimestamp(Time.getDefaultInstance());
    }

    private static V1.PodTemplateSpec template(V1.Container.Builder container) {
        if (!container.hasResources()) {
            container.setResources(V1.ResourceRequirements.getDefaultInstance());
        }
        return V1.PodTemplateSpec.newBuilder()
                .setMetadata(ObjectMeta.newBuilder().setName("").setGeneration(0).putLabels("app", "web")
                        .setCreationTimestamp(Time.getDefaultInstance()))
                .setSpec(V1.PodSpec.newBuilder().addContainers(container.setWorkingDir("").setStdin(false).setTty(false))
                        .setRestartPolicy("Never").setHostNetwork(false).setDnsPolicy("")).build();
    }

    private static byte[] envelope(String apiVersion, String kind, MessageLite object) {
        return envelope(Unknown.newBuilder().setTypeMeta(TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
                .setRaw(object.toByteString()).setContentEncoding("").setContentType("").build());
    }

    private static byte[] envelope(Unknown unknown) {
        return ByteString.copyFrom(ProtobufBody.MAGIC).concat(unknown.toByteString()).toByteArray();
    }

    private static JsonNode decode(byte[] body) {
        return Json.parse(Buffer.buffer(body), PROTOBUF);
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ApiException failure(byte[] body) {
        try {
            decode(body);
        } catch (ApiException e) {
            return e;
        }
        throw new AssertionError("decoded a body that should have failed");
    }

    @Test
    void configMapWithDataAndBinaryData() {
        V1.ConfigMap cm = V1.ConfigMap.newBuilder().setMetadata(meta("c").putLabels("team", "a"))
                .putData("a", "b").putData("empty", "")
                .putBinaryData("bin", ByteString.copyFrom(new byte[] {0, 1, (byte) 0xff})).build();
        assertThat(decode(envelope("v1", "ConfigMap", cm))).isEqualTo(json("""
                {'apiVersion':'v1','kind':'ConfigMap',
                 'metadata':{'name':'c','namespace':'default','labels':{'team':'a'}},
                 'data':{'a':'b','empty':''},'binaryData':{'bin':'AAH/'}}"""));
    }

    @Test
    void secretDataIsBase64AndTypeIsKept() {
        V1.Secret secret = V1.Secret.newBuilder().setMetadata(meta("s")).setType("Opaque")
                .putData("password", ByteString.copyFrom("hunter2", StandardCharsets.UTF_8)).setImmutable(false).build();
        assertThat(decode(envelope("v1", "Secret", secret))).isEqualTo(json("""
                {'apiVersion':'v1','kind':'Secret','metadata':{'name':'s','namespace':'default'},
                 'type':'Opaque','data':{'password':'aHVudGVyMg=='},'immutable':false}"""));
    }

    @Test
    void deploymentWithIntOrStringAndQuantities() {
        V1Apps.Deployment d = V1Apps.Deployment.newBuilder().setMetadata(meta("web").putLabels("app", "web"))
                .setSpec(V1Apps.DeploymentSpec.newBuilder().setReplicas(0).setMinReadySeconds(0).setPaused(false)
                        .setSelector(LabelSelector.newBuilder().putMatchLabels("app", "web"))
                        .setTemplate(template(V1.Container.newBuilder().setName("busybox").setImage("busybox")
                                .addPorts(V1.ContainerPort.newBuilder().setContainerPort(80).setHostPort(0).setProtocol(""))
                                .setResources(V1.ResourceRequirements.newBuilder()
                                        .putLimits("memory", Quantity.newBuilder().setString("128Mi").build())
                                        .putRequests("cpu", Quantity.newBuilder().setString("250m").build()))))
                        .setStrategy(V1Apps.DeploymentStrategy.newBuilder().setType("RollingUpdate")
                                .setRollingUpdate(V1Apps.RollingUpdateDeployment.newBuilder()
                                        .setMaxSurge(IntOrString.newBuilder().setType(1).setStrVal("25%").setIntVal(0))
                                        .setMaxUnavailable(IntOrString.newBuilder().setType(0).setIntVal(0).setStrVal("")))))
                .setStatus(V1Apps.DeploymentStatus.newBuilder().setReplicas(0).setObservedGeneration(0)).build();
        assertThat(decode(envelope("apps/v1", "Deployment", d))).isEqualTo(json("""
                {'apiVersion':'apps/v1','kind':'Deployment',
                 'metadata':{'name':'web','namespace':'default','labels':{'app':'web'}},
                 'spec':{'replicas':0,'selector':{'matchLabels':{'app':'web'}},
                   'template':{'metadata':{'labels':{'app':'web'}},
                     'spec':{'containers':[{'name':'busybox','image':'busybox','ports':[{'containerPort':80}],
                        'resources':{'limits':{'memory':'128Mi'},'requests':{'cpu':'250m'}}}],
                       'restartPolicy':'Never'}},
                   'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'25%','maxUnavailable':0}}},
                 'status':{}}"""));
    }

    @Test
    void jobWithPointerZerosAndTimes() {
        V1Batch.Job job = V1Batch.Job.newBuilder()
                .setMetadata(meta("j").setCreationTimestamp(Time.newBuilder().setSeconds(1704067200).setNanos(5)))
                .setSpec(V1Batch.JobSpec.newBuilder().setBackoffLimit(0).setSuspend(false).setParallelism(2)
                        .setTemplate(template(V1.Container.newBuilder().setName("j").setImage("busybox")
                                .addCommand("sh").addCommand("-c").addCommand(""))))
                .setStatus(V1Batch.JobStatus.newBuilder().setActive(0).setCompletedIndexes("")).build();
        assertThat(decode(envelope("batch/v1", "Job", job))).isEqualTo(json("""
                {'apiVersion':'batch/v1','kind':'Job',
                 'metadata':{'name':'j','namespace':'default','creationTimestamp':'2024-01-01T00:00:00Z'},
                 'spec':{'parallelism':2,'backoffLimit':0,'suspend':false,
                   'template':{'metadata':{'labels':{'app':'web'}},
                     'spec':{'containers':[{'name':'j','image':'busybox','command':['sh','-c',''],'resources':{}}],
                       'restartPolicy':'Never'}}},
                 'status':{}}"""));
    }

    @Test
    void cronJob() {
        V1Batch.CronJob cj = V1Batch.CronJob.newBuilder().setMetadata(meta("cj"))
                .setSpec(V1Batch.CronJobSpec.newBuilder().setSchedule("*/5 * * * *").setConcurrencyPolicy("")
                        .setJobTemplate(V1Batch.JobTemplateSpec.newBuilder().setMetadata(ObjectMeta.newBuilder().setName("cj"))
                                .setSpec(V1Batch.JobSpec.newBuilder().setTemplate(template(
                                        V1.Container.newBuilder().setName("cj").setImage("busybox"))))))
                .build();
        assertThat(decode(envelope("batch/v1", "CronJob", cj))).isEqualTo(json("""
                {'apiVersion':'batch/v1','kind':'CronJob','metadata':{'name':'cj','namespace':'default'},
                 'spec':{'schedule':'*/5 * * * *',
                   'jobTemplate':{'metadata':{'name':'cj'},'spec':{'template':{'metadata':{'labels':{'app':'web'}},
                     'spec':{'containers':[{'name':'cj','image':'busybox','resources':{}}],'restartPolicy':'Never'}}}}}}"""));
    }

    @Test
    void microTimeDurationAndRawExtension() {
        V1.Event event = V1.Event.newBuilder().setMetadata(ObjectMeta.newBuilder().setName("e"))
                .setEventTime(MicroTime.newBuilder().setSeconds(1704067200).setNanos(123_456_789)).build();
        assertThat(decode(envelope("v1", "Event", event)).get("eventTime").asText())
                .isEqualTo("2024-01-01T00:00:00.123456Z");
        assertThat(ProtobufBody.goDuration(0)).isEqualTo("0s");
        assertThat(ProtobufBody.goDuration(1_500_000_000L)).isEqualTo("1.5s");
        assertThat(ProtobufBody.goDuration(3_723_000_000_000L)).isEqualTo("1h2m3s");
        assertThat(ProtobufBody.goDuration(60_000_000_000L)).isEqualTo("1m0s");
        assertThat(ProtobufBody.goDuration(2_500_000L)).isEqualTo("2.5ms");
        assertThat(ProtobufBody.goDuration(-42)).isEqualTo("-42ns");
        // a ControllerRevision carries its data as a RawExtension of JSON
        V1Apps.ControllerRevision rev = V1Apps.ControllerRevision.newBuilder().setMetadata(ObjectMeta.newBuilder().setName("r"))
                .setRevision(1).setData(RawExtension.newBuilder()
                        .setRaw(ByteString.copyFromUtf8("{\"spec\":{\"replicas\":3}}"))).build();
        assertThat(decode(envelope("apps/v1", "ControllerRevision", rev))).isEqualTo(json("""
                {'apiVersion':'apps/v1','kind':'ControllerRevision','metadata':{'name':'r'},'revision':1,
                 'data':{'spec':{'replicas':3}}}"""));
        assertThat(Duration.getDescriptor().getFullName()).isEqualTo("k8s.io.apimachinery.pkg.apis.meta.v1.Duration");
    }

    @Test
    void aFieldTheMessageDoesNotKnowIsRefusedNotDropped() {
        ObjectMeta meta = ObjectMeta.newBuilder().setName("c").setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build()).build();
        V1.ConfigMap cm = V1.ConfigMap.newBuilder().setMetadata(meta).build();
        ApiException e = failure(envelope("v1", "ConfigMap", cm));
        assertThat(e.code()).isEqualTo(400);
        assertThat(e.getMessage()).contains("ConfigMap.metadata").contains("k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta")
                .contains("[99]");

        Unknown envelope = Unknown.newBuilder().setTypeMeta(TypeMeta.newBuilder().setApiVersion("v1").setKind("ConfigMap"))
                .setRaw(cm.toBuilder().setMetadata(ObjectMeta.newBuilder().setName("c")).build().toByteString())
                .setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(7, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build()).build();
        ApiException outer = failure(envelope(envelope));
        assertThat(outer.code()).isEqualTo(400);
        assertThat(outer.getMessage()).contains("envelope").contains("[7]");
    }

    @Test
    void malformedBodiesGet400WithTheReason() {
        ApiException noMagic = failure("{\"kind\":\"ConfigMap\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(noMagic.code()).isEqualTo(400);
        assertThat(noMagic.getMessage()).contains("magic prefix");

        byte[] truncated = envelope("v1", "ConfigMap", V1.ConfigMap.newBuilder().setMetadata(meta("c")).build());
        ApiException cut = failure(java.util.Arrays.copyOf(truncated, truncated.length - 3));
        assertThat(cut.code()).isEqualTo(400);
        assertThat(cut.getMessage()).contains("error decoding protobuf body");

        Unknown badRaw = Unknown.newBuilder().setTypeMeta(TypeMeta.newBuilder().setApiVersion("v1").setKind("ConfigMap"))
                .setRaw(ByteString.copyFrom(new byte[] {0x0a, 0x7f, 0x01})).build();
        ApiException raw = failure(envelope(badRaw));
        assertThat(raw.code()).isEqualTo(400);
        assertThat(raw.getMessage()).contains("malformed k8s.io.api.core.v1.ConfigMap");

        ApiException noType = failure(envelope(Unknown.newBuilder().setRaw(ByteString.EMPTY).build()));
        assertThat(noType.code()).isEqualTo(400);
        assertThat(noType.getMessage()).contains("apiVersion and kind");
    }

    @Test
    void aKindWithoutAMessageGets415() {
        byte[] body = envelope("example.com/v1", "Widget", V1.ConfigMap.getDefaultInstance());
        ApiException e = failure(body);
        assertThat(e.code()).isEqualTo(415);
        assertThat(e.getMessage()).endsWith("accepted media types include: application/json, application/yaml");
        assertThat(failure(envelope("v1", "NoSuchKind", V1.ConfigMap.getDefaultInstance())).code()).isEqualTo(415);
        assertThat(failure(envelope("coordination.k8s.io/v1", "Lease", V1.ConfigMap.getDefaultInstance())).code())
                .isEqualTo(415);
        assertThat(failure(envelope("../v1", "ConfigMap", V1.ConfigMap.getDefaultInstance())).code()).isEqualTo(415);
    }

    @Test
    void otherGroupsAndTheOptionsKindsResolve() {
        assertThat(ProtobufBody.messageType("rbac.authorization.k8s.io/v1", "Role").orElseThrow().getFullName())
                .isEqualTo("k8s.io.api.rbac.v1.Role");
        assertThat(ProtobufBody.messageType("networking.k8s.io/v1", "Ingress").orElseThrow().getFullName())
                .isEqualTo("k8s.io.api.networking.v1.Ingress");
        assertThat(ProtobufBody.messageType("v1", "DeleteOptions").orElseThrow().getFullName())
                .isEqualTo("k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions");
    }
}
