package io.coxswain.tests.kubelet;

import io.coxswain.tests.cluster.DockerNode;
import io.coxswain.tests.cluster.Kubectl;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;

import static io.coxswain.tests.cluster.DockerNode.docker;
import static org.assertj.core.api.Assertions.assertThat;

/** Pods as real Docker containers: shared network and volumes, env, init order, limits, probes, kubectl wait. */
class KubeletPodsTest extends DockerNodeSuite {


    @Test
    void containersOfAPodTalkOverLocalhostAndShareAnEmptyDir() throws Exception {
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: pair}
                spec:
                  nodeName: NODE
                  volumes: [{name: shared, emptyDir: {}}]
                  containers:
                  - name: server
                    image: coxswain/busybox:1
                    command: [sh, -c, 'echo written-by-server > /shared/note; mkdir -p /www; echo page-from-server > /www/index.html; exec httpd -f -p 8080 -h /www']
                    volumeMounts: [{name: shared, mountPath: /shared}]
                  - name: client
                    image: coxswain/busybox:1
                    command: [sh, -c, 'until [ -f /shared/note ]; do sleep 0.2; done; cat /shared/note; until timeout 5 wget -qO- http://127.0.0.1:8080/; do sleep 0.5; done; exec sleep 3600']
                    volumeMounts: [{name: shared, mountPath: /shared}]
                """);
        node.waitFor("pair", Duration.ofSeconds(60), DockerNode::running);
        String logs = node.waitForLog("pair", "client", "page-from-server");
        assertThat(logs).contains("written-by-server").contains("page-from-server");
        Pod pod = node.pod("pair");
        assertThat(pod.getStatus().getPodIP()).startsWith("10.244.");
        assertThat(pod.getStatus().getContainerStatuses()).allSatisfy(s -> assertThat(s.getContainerID()).startsWith("docker://"));
    }

    @Test
    void envCommandAndArgsReachTheProcess() throws Exception {
        node.apply("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings}
                data: {color: blue, size: L}
                """);
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: envy, labels: {tier: web}}
                spec:
                  nodeName: NODE
                  containers:
                  - name: main
                    image: coxswain/busybox:1
                    command: [sh, -c]
                    args: ['echo "A=$A B=$B POD=$POD NODE_NAME=$NODE_NAME MEM=$MEM COLOR=$COLOR CFG_size=$CFG_size TIER=$TIER K8S=$KUBERNETES_SERVICE_HOST ARG=$(A)"; exec sleep 3600']
                    workingDir: /tmp
                    env:
                    - {name: A, value: first}
                    - {name: B, value: 'b-$(A)'}
                    - name: POD
                      valueFrom: {fieldRef: {fieldPath: metadata.name}}
                    - name: NODE_NAME
                      valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
                    - name: TIER
                      valueFrom: {fieldRef: {fieldPath: "metadata.labels['tier']"}}
                    - name: MEM
                      valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}
                    - name: COLOR
                      valueFrom: {configMapKeyRef: {name: settings, key: color}}
                    envFrom:
                    - {prefix: CFG_, configMapRef: {name: settings}}
                    resources: {limits: {memory: 48Mi}}
                """);
        String logs = node.waitForLog("envy", "main", "A=");
        assertThat(logs).contains("A=first B=b-first POD=envy NODE_NAME=" + node.nodeName + " MEM=48 COLOR=blue CFG_size=L TIER=web")
                .contains("K8S=10.96.0.1").contains("ARG=first");
    }

    @Test
    void initContainersRunInOrderBeforeTheApp() throws Exception {
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: inits}
                spec:
                  nodeName: NODE
                  volumes: [{name: work, emptyDir: {}}]
                  initContainers:
                  - {name: one, image: coxswain/busybox:1, command: [sh, -c, 'sleep 1; echo one >> /w/order'], volumeMounts: [{name: work, mountPath: /w}]}
                  - {name: two, image: coxswain/busybox:1, command: [sh, -c, 'echo two >> /w/order'], volumeMounts: [{name: work, mountPath: /w}]}
                  containers:
                  - {name: app, image: coxswain/busybox:1, command: [sh, -c, 'echo app >> /w/order; cat /w/order; exec sleep 3600'], volumeMounts: [{name: work, mountPath: /w}]}
                """);
        Pod pod = node.waitFor("inits", Duration.ofSeconds(60), DockerNode::running);
        assertThat(node.waitForLog("inits", "app", "app")).isEqualTo("one\ntwo\napp");
        pod = node.pod("inits");
        assertThat(pod.getStatus().getInitContainerStatuses()).extracting(s -> s.getState().getTerminated().getReason())
                .containsExactly("Completed", "Completed");
        assertThat(pod.getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Initialized");
            assertThat(c.getStatus()).isEqualTo("True");
        });
    }

    @Test
    void resourceLimitsBecomeDockerLimits() throws Exception {
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: limited}
                spec:
                  nodeName: NODE
                  containers:
                  - name: main
                    image: coxswain/busybox:1
                    command: [sleep, '3600']
                    resources: {requests: {cpu: 250m, memory: 32Mi}, limits: {cpu: 500m, memory: 64Mi}}
                """);
        Pod pod = node.waitFor("limited", Duration.ofSeconds(60), DockerNode::running);
        String id = pod.getStatus().getContainerStatuses().get(0).getContainerID().substring("docker://".length());
        assertThat(docker("inspect", "-f", "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.CpuShares}}", id))
                .isEqualTo("67108864 500000000 256");
    }

    @Test
    void readinessGatesReadyAndAFailingLivenessProbeRestarts() throws Exception {
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: probed}
                spec:
                  nodeName: NODE
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: coxswain/busybox:1
                    command: [sh, -c, 'touch /tmp/alive; exec sleep 3600']
                    readinessProbe: {exec: {command: [cat, /tmp/ready]}, periodSeconds: 1}
                    livenessProbe: {exec: {command: [cat, /tmp/alive]}, periodSeconds: 1, failureThreshold: 2}
                """);
        Pod pod = node.waitFor("probed", Duration.ofSeconds(60), DockerNode::running);
        String id = pod.getStatus().getContainerStatuses().get(0).getContainerID().substring("docker://".length());
        Thread.sleep(2500);
        assertThat(DockerNode.ready(node.pod("probed"))).as("not ready before /tmp/ready exists").isFalse();
        docker("exec", id, "touch", "/tmp/ready");
        node.waitFor("probed", Duration.ofSeconds(20), DockerNode::ready);
        docker("exec", id, "rm", "/tmp/ready");
        node.waitFor("probed", Duration.ofSeconds(20), p -> !DockerNode.ready(p));

        docker("exec", id, "rm", "/tmp/alive");
        pod = node.waitFor("probed", Duration.ofSeconds(40), p -> p.getStatus().getContainerStatuses().get(0).getRestartCount() >= 1);
        assertThat(pod.getStatus().getContainerStatuses().get(0).getLastState().getTerminated()).isNotNull();
        Kubectl.Result events = node.kubectl("get", "events", "--field-selector", "involvedObject.name=probed", "-o",
                "custom-columns=REASON:.reason,MESSAGE:.message", "--no-headers");
        assertThat(events.stdout()).contains("Unhealthy").contains("Liveness probe failed").contains("Killing")
                .contains("failed liveness probe, will be restarted");
    }

    @Test
    void aHostPortIsPublishedOnTheNode() throws Exception {
        // Pod Security's baseline (the default) allows no hostPort: this namespace opts out, as kube's would have to.
        assertThat(node.kubectl("label", "--overwrite", "namespace", "default", "pod-security.kubernetes.io/enforce=privileged")
                .exitCode()).isZero();
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: published}
                spec:
                  nodeName: NODE
                  containers:
                  - name: web
                    image: coxswain/busybox:1
                    command: [sh, -c, 'mkdir -p /www; echo via-host-port > /www/index.html; exec httpd -f -p 8080 -h /www']
                    ports: [{containerPort: 8080, hostPort: 18080}]
                """);
        node.waitFor("published", Duration.ofSeconds(60), DockerNode::running);
        var http = java.net.http.HttpClient.newHttpClient();
        String body = "";
        for (int i = 0; i < 50 && !body.contains("via-host-port"); i++) {
            try {
                body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:18080/")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            } catch (java.io.IOException e) {
                Thread.sleep(200);
            }
        }
        assertThat(body).contains("via-host-port");
    }

    @Test
    void kubectlWaitForReadySucceeds() throws Exception {
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: waited}
                spec:
                  nodeName: NODE
                  containers:
                  - {name: main, image: coxswain/busybox:1, command: [sleep, '3600']}
                """);
        Kubectl.Result r = node.kubectl("wait", "--for=condition=Ready", "pod/waited", "--timeout=60s");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("pod/waited condition met");
    }
}
