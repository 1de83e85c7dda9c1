package io.coxswain.tests.controllers;

import io.coxswain.controllers.ControllerManager;
import io.coxswain.controllers.ControllerOptions;
import io.coxswain.proxy.KubeProxy;
import io.coxswain.tests.cluster.DockerNode;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static io.coxswain.tests.cluster.DockerNode.docker;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Endpoints controller against the real apiserver and a real Docker kubelet: a pod's IP moves between
 * notReadyAddresses and addresses as its readiness probe flips, a named targetPort is resolved from the pod, a
 * deleted pod leaves and a deleted Service takes its Endpoints along; kube-proxy then serves a ClusterIP from the
 * host with the Endpoints the controller made.
 */
class EndpointsControllerTest {

    @TempDir
    static Path dir;
    static DockerNode node;
    static ControllerManager controllers;
    static KubeProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        node = DockerNode.start(dir);
        controllers = ControllerManager.start(node.client, ControllerOptions.defaults());
        proxy = node.startProxy("CXE");
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.cleanup();
        }
        if (controllers != null) {
            controllers.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void endpointsFollowReadyPodsAndServeAClusterIpThroughKubeProxy() throws Exception {
        node.apply("""
                apiVersion: v1
                kind: Service
                metadata: {name: web, labels: {tier: front}}
                spec:
                  selector: {app: web}
                  ports: [{name: http, port: 80, targetPort: http}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web-1, labels: {app: web}}
                spec:
                  nodeName: NODE
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: httpd
                    image: coxswain/busybox:1
                    command: [sh, -c, 'mkdir -p /www; echo hello-from-web-1 > /www/index.html; exec httpd -f -p 8080 -h /www']
                    ports: [{name: http, containerPort: 8080}]
                    readinessProbe: {exec: {command: [cat, /tmp/ready]}, periodSeconds: 1}
                """);
        Pod pod = node.waitFor("web-1", Duration.ofSeconds(60), p -> DockerNode.running(p) && p.getStatus().getPodIP() != null);
        String ip = pod.getStatus().getPodIP();
        String container = pod.getStatus().getContainerStatuses().get(0).getContainerID().substring("docker://".length());

        Endpoints notReady = waitForEndpoints("web", e -> notReadyIps(e).contains(ip));
        assertThat(readyIps(notReady)).isEmpty();
        EndpointSubset subset = notReady.getSubsets().get(0);
        assertThat(subset.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort()).as("the named targetPort resolved in the pod").isEqualTo(8080);
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getProtocol()).isEqualTo("TCP");
        });
        EndpointAddress address = subset.getNotReadyAddresses().get(0);
        assertThat(address.getNodeName()).isEqualTo(node.nodeName);
        assertThat(address.getTargetRef().getKind()).isEqualTo("Pod");
        assertThat(address.getTargetRef().getName()).isEqualTo("web-1");
        assertThat(address.getTargetRef().getUid()).isEqualTo(pod.getMetadata().getUid());
        assertThat(notReady.getMetadata().getLabels()).containsEntry("tier", "front");
        assertThat(notReady.getMetadata().getAnnotations()).containsKey("endpoints.kubernetes.io/last-change-trigger-time");

        docker("exec", container, "touch", "/tmp/ready");
        Endpoints ready = waitForEndpoints("web", e -> readyIps(e).contains(ip));
        assertThat(notReadyIps(ready)).isEmpty();

        String clusterIp = node.client.services().inNamespace("default").withName("web").get().getSpec().getClusterIP();
        assertThat(DockerNode.httpGetWithRetry("http://" + clusterIp + ":80/")).contains("hello-from-web-1");

        String version = node.client.endpoints().inNamespace("default").withName("web").get().getMetadata().getResourceVersion();
        Thread.sleep(3000); // status reports and probes keep coming; nothing in the Endpoints changes
        assertThat(node.client.endpoints().inNamespace("default").withName("web").get().getMetadata().getResourceVersion())
                .as("written only on change").isEqualTo(version);

        docker("exec", container, "rm", "/tmp/ready");
        waitForEndpoints("web", e -> notReadyIps(e).contains(ip) && readyIps(e).isEmpty());

        node.client.pods().inNamespace("default").withName("web-1").withGracePeriod(0).delete();
        waitForEndpoints("web", e -> readyIps(e).isEmpty() && notReadyIps(e).isEmpty());

        node.client.services().inNamespace("default").withName("web").delete();
        waitUntil("the Endpoints go with their Service",
                () -> node.client.endpoints().inNamespace("default").withName("web").get() == null);
    }

    @Test
    void servicesWithoutSelectorKeepTheirOwnEndpointsAndPublishNotReadyListsUnreadyPods() throws Exception {
        node.apply("""
                apiVersion: v1
                kind: Service
                metadata: {name: external}
                spec:
                  ports: [{port: 80}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: peers}
                spec:
                  clusterIP: None
                  publishNotReadyAddresses: true
                  selector: {app: peer}
                  ports: [{port: 7000, targetPort: 7000}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: peer-1, labels: {app: peer}}
                spec:
                  nodeName: NODE
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: coxswain/busybox:1
                    command: [sleep, '3600']
                    readinessProbe: {exec: {command: [cat, /tmp/never]}, periodSeconds: 1}
                """);
        node.client.endpoints().inNamespace("default").resource(new EndpointsBuilder().withNewMetadata().withName("external").endMetadata()
                .addNewSubset().addNewAddress().withIp("192.0.2.10").endAddress().addNewPort().withPort(80).withProtocol("TCP").endPort()
                .endSubset().build()).create();

        String ip = node.waitFor("peer-1", Duration.ofSeconds(60), p -> p.getStatus().getPodIP() != null).getStatus().getPodIP();
        Endpoints peers = waitForEndpoints("peers", e -> readyIps(e).contains(ip));
        assertThat(DockerNode.ready(node.pod("peer-1"))).isFalse();
        assertThat(peers.getMetadata().getLabels()).containsEntry("service.kubernetes.io/headless", "");

        Thread.sleep(1000);
        assertThat(readyIps(node.client.endpoints().inNamespace("default").withName("external").get()))
                .as("a service without selector is its owner's").containsExactly("192.0.2.10");
        node.client.pods().inNamespace("default").withName("peer-1").withGracePeriod(0).delete();
    }

    static List<String> readyIps(Endpoints e) {
        return ips(e, EndpointSubset::getAddresses);
    }

    static List<String> notReadyIps(Endpoints e) {
        return ips(e, EndpointSubset::getNotReadyAddresses);
    }

    private static List<String> ips(Endpoints e, java.util.function.Function<EndpointSubset, List<EndpointAddress>> list) {
        if (e == null || e.getSubsets() == null) {
            return List.of();
        }
        return e.getSubsets().stream().flatMap(s -> list.apply(s) == null ? Stream.empty() : list.apply(s).stream())
                .map(EndpointAddress::getIp).filter(Objects::nonNull).toList();
    }

    private static Endpoints waitForEndpoints(String name, Predicate<Endpoints> condition) throws InterruptedException {
        Endpoints[] last = new Endpoints[1];
        waitUntil("Endpoints " + name + " as expected", () -> {
            last[0] = node.client.endpoints().inNamespace("default").withName(name).get();
            return last[0] != null && condition.test(last[0]);
        });
        return last[0];
    }

    static void waitUntil(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting: " + what);
    }
}
