package io.coxswain.tests.kubelet;

import io.coxswain.controllers.ControllerManager;
import io.coxswain.controllers.ControllerOptions;
import io.coxswain.proxy.KubeProxy;
import io.coxswain.tests.cluster.DockerNode;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Pods on the Docker kubelet reached through Services that kube-proxy programs: a ClusterIP found through the
 * injected environment, a NodePort from the host, and a service with no endpoints refused at once. The first test
 * writes EndpointSlices by hand; the second leaves them to the controllers.
 */
class KubeletServicesTest extends DockerNodeSuite {

    static KubeProxy proxy;

    @BeforeAll
    static void startProxy() throws Exception {
        proxy = node.startProxy("CXK");
    }

    @AfterAll
    static void stopProxy() {
        if (proxy != null) {
            proxy.cleanup();
        }
    }

    @Test
    void servicesAnswerFromPodsAndTheHostAndRefuseWithoutEndpoints() throws Exception {
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: web, labels: {app: web}}
                spec:
                  nodeName: NODE
                  containers:
                  - name: httpd
                    image: coxswain/busybox:1
                    command: [sh, -c, 'mkdir -p /www; echo hello-from-web > /www/index.html; exec httpd -f -p 8080 -h /www']
                    ports: [{name: http, containerPort: 8080}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  selector: {app: web}
                  ports: [{port: 80, targetPort: http}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web-np}
                spec:
                  type: NodePort
                  selector: {app: web}
                  ports: [{port: 80, targetPort: 8080}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: nobody}
                spec:
                  selector: {app: nobody}
                  ports: [{port: 80, targetPort: 8080}]
                """);
        Pod web = node.waitFor("web", Duration.ofSeconds(60), DockerNode::running);
        String podIp = web.getStatus().getPodIP();
        for (String name : List.of("web", "web-np")) {
            node.client.discovery().v1().endpointSlices().inNamespace("default").resource(new EndpointSliceBuilder().withNewMetadata()
                    .withName(name).addToLabels("kubernetes.io/service-name", name).endMetadata().withAddressType("IPv4")
                    .addNewEndpoint().withAddresses(podIp).endEndpoint().addNewPort().withName("").withPort(8080).withProtocol("TCP").endPort()
                    .build()).create();
        }

        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: client}
                spec:
                  nodeName: NODE
                  containers:
                  - name: main
                    image: coxswain/busybox:1
                    command: [sh, -c, 'echo "via $WEB_SERVICE_HOST:$WEB_SERVICE_PORT"; until timeout 5 wget -qO- http://$WEB_SERVICE_HOST:$WEB_SERVICE_PORT/; do sleep 0.5; done; exec sleep 3600']
                """);
        Service svc = node.client.services().inNamespace("default").withName("web").get();
        String logs = node.waitForLog("client", "main", "hello-from-web");
        assertThat(logs).contains("via " + svc.getSpec().getClusterIP() + ":80");

        int nodePort = node.client.services().inNamespace("default").withName("web-np").get().getSpec().getPorts().get(0).getNodePort();
        assertThat(DockerNode.httpGetWithRetry("http://127.0.0.1:" + nodePort + "/")).contains("hello-from-web");

        String nobody = node.client.services().inNamespace("default").withName("nobody").get().getSpec().getClusterIP();
        long start = System.nanoTime();
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(nobody, 80), 5000);
            }
        }).isInstanceOf(ConnectException.class);
        assertThat((System.nanoTime() - start) / 1_000_000).as("refused at once, not timed out").isLessThan(1000);
    }

    @Test
    void aNodePortAnswersWithEndpointsFromTheEndpointsController() throws Exception {
        try (ControllerManager controllers = ControllerManager.start(node.client, ControllerOptions.defaults())) {
            node.apply("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: api, labels: {app: api}}
                    spec:
                      nodeName: NODE
                      terminationGracePeriodSeconds: 1
                      containers:
                      - name: httpd
                        image: coxswain/busybox:1
                        command: [sh, -c, 'mkdir -p /www; echo hello-from-api > /www/index.html; exec httpd -f -p 8081 -h /www']
                        ports: [{name: web, containerPort: 8081}]
                    ---
                    apiVersion: v1
                    kind: Service
                    metadata: {name: api}
                    spec:
                      type: NodePort
                      selector: {app: api}
                      ports: [{port: 80, targetPort: web}]
                    """);
            node.waitFor("api", Duration.ofSeconds(60), DockerNode::ready);
            int nodePort = node.client.services().inNamespace("default").withName("api").get().getSpec().getPorts().get(0).getNodePort();
            assertThat(DockerNode.httpGetWithRetry("http://127.0.0.1:" + nodePort + "/")).contains("hello-from-api");
            assertThat(node.client.endpoints().inNamespace("default").withName("api").get().getSubsets().get(0).getPorts().get(0).getPort())
                    .isEqualTo(8081);
        }
    }
}
