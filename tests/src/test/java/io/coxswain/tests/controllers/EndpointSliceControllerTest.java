package io.coxswain.tests.controllers;

import io.coxswain.client.Controller;
import io.coxswain.controllers.ControllerOptions;
import io.coxswain.controllers.endpointslice.EndpointSliceController;
import io.coxswain.controllers.endpointslice.EndpointSliceMirroringController;
import io.coxswain.kubelet.hollow.HollowNodes;
import io.coxswain.kubelet.hollow.HollowOptions;
import io.coxswain.tests.cluster.Kubectl;
import io.coxswain.tests.cluster.TestCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The EndpointSlice and EndpointSliceMirroring controllers against a real apiserver, with hollow nodes running the
 * pods (no containers): slices with kube's labels, owner, ports and conditions, a terminating pod kept not ready but
 * serving, 250 pods in slices of at most 100, hand-made Endpoints of a selectorless Service mirrored, and kubectl's
 * view of all of it.
 */
class EndpointSliceControllerTest {

    private static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
    private static final String SERVICE_NAME = "kubernetes.io/service-name";

    @TempDir
    static Path dir;
    static TestCluster cluster;
    static KubernetesClient client;
    static Kubectl kubectl;
    static HollowNodes nodes;
    static SharedInformerFactory informers;
    static List<Controller> controllers;

    @BeforeAll
    static void start() throws Exception {
        cluster = TestCluster.embedded(dir.resolve("cluster"));
        client = cluster.newClient();
        kubectl = new Kubectl(cluster, Files.createDirectories(dir.resolve("kubectl")));
        nodes = HollowNodes.start(client, HollowOptions.defaults(3).withLease(Duration.ofSeconds(5), Duration.ofSeconds(20)));
        informers = client.informers();
        controllers = List.of(EndpointSliceController.create(client, informers, ControllerOptions.defaults()),
                EndpointSliceMirroringController.create(client, informers, ControllerOptions.defaults()));
        informers.startAllRegisteredInformers().get();
        controllers.forEach(Controller::start);
    }

    @AfterAll
    static void stop() throws Exception {
        if (controllers != null) {
            controllers.forEach(Controller::close);
            informers.stopAllRegisteredInformers();
        }
        if (nodes != null) {
            nodes.close();
        }
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void slicesListTheServicesPodsAndKeepATerminatingPodNotReadyUntilItIsGone() throws Exception {
        client.nodes().withName("hollow-1").edit(n -> {
            n.getMetadata().getLabels().put("topology.kubernetes.io/zone", "zone-a");
            return n;
        });
        apply("""
                apiVersion: v1
                kind: Service
                metadata: {name: web, labels: {tier: front}}
                spec:
                  selector: {app: web}
                  ports: [{name: http, port: 80, targetPort: http}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web-0, labels: {app: web}}
                spec:
                  nodeName: hollow-1
                  hostname: web-0
                  subdomain: web
                  containers: [{name: main, image: coxswain/busybox:1, ports: [{name: http, containerPort: 8080}]}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web-1, labels: {app: web}, finalizers: [coxswain.dev/slices-test]}
                spec:
                  nodeName: hollow-2
                  containers: [{name: main, image: coxswain/busybox:1, ports: [{name: http, containerPort: 8081}]}]
                """);
        List<EndpointSlice> slices = waitForSlices("web", s -> readyCount(s) == 2);
        // the named targetPort resolves to a different number on each pod: one slice per distinct port list
        assertThat(slices).hasSize(2).allSatisfy(slice -> {
            assertThat(slice.getMetadata().getName()).startsWith("web-");
            assertThat(slice.getMetadata().getLabels()).containsEntry(SERVICE_NAME, "web")
                    .containsEntry(MANAGED_BY, "endpointslice-controller.k8s.io").containsEntry("tier", "front");
            assertThat(slice.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
                assertThat(o.getKind()).isEqualTo("Service");
                assertThat(o.getName()).isEqualTo("web");
                assertThat(o.getController()).isTrue();
            });
            assertThat(slice.getAddressType()).isEqualTo("IPv4");
            assertThat(slice.getEndpoints()).hasSize(1);
        });
        EndpointSlice first = sliceOf(slices, "web-0");
        assertThat(first.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getPort()).isEqualTo(8080);
            assertThat(p.getProtocol()).isEqualTo("TCP");
        });
        Pod web0 = client.pods().inNamespace("default").withName("web-0").get();
        Endpoint e0 = first.getEndpoints().get(0);
        assertThat(e0.getAddresses()).containsExactly(web0.getStatus().getPodIP());
        assertThat(e0.getConditions().getReady()).isTrue();
        assertThat(e0.getConditions().getServing()).isTrue();
        assertThat(e0.getConditions().getTerminating()).isFalse();
        assertThat(e0.getNodeName()).isEqualTo("hollow-1");
        assertThat(e0.getZone()).isEqualTo("zone-a");
        assertThat(e0.getHostname()).as("hostname and subdomain = service name").isEqualTo("web-0");
        assertThat(e0.getTargetRef().getUid()).isEqualTo(web0.getMetadata().getUid());
        EndpointSlice second = sliceOf(slices, "web-1");
        assertThat(second.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(8081));
        assertThat(second.getEndpoints().get(0).getZone()).isNull();
        assertThat(second.getEndpoints().get(0).getHostname()).isNull();

        Kubectl.Result table = kubectl("get", "endpointslices", "-l", SERVICE_NAME + "=web");
        assertThat(table.exitCode()).as(table.stderr()).isZero();
        assertThat(table.out().lines().findFirst().orElseThrow().split("\\s+"))
                .containsExactly("NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE");
        assertThat(table.out()).containsPattern(first.getMetadata().getName() + "\\s+IPv4\\s+8080\\s+"
                + web0.getStatus().getPodIP().replace(".", "\\.") + "\\s");

        String version = second.getMetadata().getResourceVersion();
        Thread.sleep(1500); // the hollow kubelets keep reporting; nothing in the slices changes
        assertThat(client.discovery().v1().endpointSlices().inNamespace("default").withName(second.getMetadata().getName()).get()
                .getMetadata().getResourceVersion()).as("written only on change").isEqualTo(version);

        // the hollow kubelet deletes the pod at once; its finalizer keeps it terminating for as long as the test wants
        client.pods().inNamespace("default").withName("web-1").delete();
        Endpoint terminating = waitForSlices("web", s -> endpoints(s).anyMatch(e -> Boolean.TRUE.equals(e.getConditions().getTerminating())))
                .stream().flatMap(s -> s.getEndpoints().stream()).filter(e -> e.getTargetRef().getName().equals("web-1")).findFirst().orElseThrow();
        assertThat(terminating.getConditions().getReady()).as("never ready while terminating").isFalse();
        assertThat(terminating.getConditions().getServing()).as("still serving: the pod is still Ready").isTrue();

        client.pods().inNamespace("default").withName("web-1").edit(p -> {
            p.getMetadata().setFinalizers(List.of());
            return p;
        });
        waitForSlices("web", s -> endpoints(s).count() == 1 && s.size() == 1);

        client.services().inNamespace("default").withName("web").delete();
        waitForSlices("web", List::isEmpty);
    }

    @Test
    void twoHundredFiftyPodsMakeSlicesOfAtMostAHundred() throws Exception {
        apply("""
                apiVersion: v1
                kind: Service
                metadata: {name: many}
                spec:
                  selector: {app: many}
                  ports: [{port: 80, targetPort: 8080}]
                """);
        // an empty placeholder slice first, as kube keeps for a service without endpoints
        assertThat(waitForSlices("many", s -> s.size() == 1)).singleElement().satisfies(s -> {
            assertThat(s.getEndpoints()).isEmpty();
            assertThat(s.getPorts()).isEmpty();
        });
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Pod>> created = IntStream.range(0, 250).mapToObj(i -> pool.submit(() -> client.pods().inNamespace("default")
                    .resource(new PodBuilder().withNewMetadata().withName("many-" + i).withLabels(Map.of("app", "many")).endMetadata()
                            .withNewSpec().withNodeName("hollow-" + (i % 3)).addNewContainer().withName("main")
                            .withImage("coxswain/busybox:1").endContainer().endSpec().build()).create())).toList();
            for (Future<Pod> f : created) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        List<EndpointSlice> slices = waitForSlices("many", s -> readyCount(s) == 250);
        assertThat(slices).hasSize(3).allSatisfy(s -> {
            assertThat(s.getEndpoints()).hasSizeLessThanOrEqualTo(100);
            assertThat(s.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(8080));
        });
        assertThat(endpoints(slices).map(e -> e.getTargetRef().getName()).distinct().count()).isEqualTo(250);

        Kubectl.Result table = kubectl("get", "endpointslices", "-l", SERVICE_NAME + "=many");
        assertThat(table.out()).containsPattern("IPv4\\s+8080\\s+[0-9.]+,[0-9.]+,[0-9.]+ \\+ \\d+ more\\.\\.\\.");

        for (int i = 0; i < 10; i++) {
            client.pods().inNamespace("default").withName("many-" + i).withGracePeriod(0).delete();
        }
        List<EndpointSlice> fewer = waitForSlices("many", s -> endpoints(s).count() == 240);
        assertThat(fewer).as("the same slices, shrunk").extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(slices.stream().map(s -> s.getMetadata().getName()).toList());
    }

    @Test
    void handMadeEndpointsOfASelectorlessServiceAreMirrored() throws Exception {
        apply("""
                apiVersion: v1
                kind: Service
                metadata: {name: external}
                spec:
                  ports: [{name: db, port: 5432}]
                ---
                apiVersion: v1
                kind: Endpoints
                metadata: {name: external, labels: {team: data}}
                subsets:
                - addresses: [{ip: 192.0.2.10, hostname: db-0}]
                  notReadyAddresses: [{ip: 192.0.2.11}]
                  ports: [{name: db, port: 5432}]
                """);
        EndpointSlice mirrored = waitForSlices("external", s -> endpoints(s).count() == 2).get(0);
        assertThat(mirrored.getMetadata().getLabels()).containsEntry(MANAGED_BY, "endpointslicemirroring-controller.k8s.io")
                .containsEntry(SERVICE_NAME, "external").containsEntry("team", "data");
        assertThat(mirrored.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getKind()).isEqualTo("Endpoints"));
        assertThat(mirrored.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("db");
            assertThat(p.getPort()).isEqualTo(5432);
            assertThat(p.getProtocol()).isEqualTo("TCP");
        });
        assertThat(mirrored.getEndpoints()).extracting(e -> e.getAddresses().get(0) + " ready=" + e.getConditions().getReady()
                + " hostname=" + e.getHostname()).containsExactlyInAnyOrder("192.0.2.10 ready=true hostname=db-0",
                "192.0.2.11 ready=false hostname=null");

        client.endpoints().inNamespace("default").withName("external").edit(e -> {
            e.getSubsets().get(0).setNotReadyAddresses(List.of());
            return e;
        });
        waitForSlices("external", s -> endpoints(s).count() == 1);
        client.endpoints().inNamespace("default").withName("external").delete();
        waitForSlices("external", List::isEmpty);
    }

    @Test
    void theApiServerServesEndpointSlicesWithKubesValidation() throws Exception {
        Kubectl.Result resources = kubectl("api-resources", "--api-group=discovery.k8s.io");
        assertThat(resources.out()).containsPattern("endpointslices\\s+discovery\\.k8s\\.io/v1\\s+true\\s+EndpointSlice");
        String loopback = """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: bad}
                addressType: IPv4
                endpoints: [{addresses: [127.0.0.1]}]
                """;
        Kubectl.Result refused = applying(loopback);
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("endpoints[0].addresses[0]").contains("loopback");
        Kubectl.Result badType = applying(loopback.replace("IPv4", "IPv5"));
        assertThat(badType.exitCode()).isNotZero();
        assertThat(badType.stderr()).contains("addressType");

        Kubectl.Result made = applying("""
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: manual}
                addressType: IPv4
                endpoints: [{addresses: [192.0.2.20]}]
                ports: [{port: 53, protocol: UDP}]
                """);
        assertThat(made.exitCode()).as(made.stderr()).isZero();
        EndpointSlice manual = client.discovery().v1().endpointSlices().inNamespace("default").withName("manual").get();
        assertThat(manual.getPorts().get(0).getName()).as("defaulted as kube does").isEqualTo("");
        assertThat(manual.getMetadata().getGeneration()).isEqualTo(1L);
        manual.setAddressType("IPv6");
        manual.getEndpoints().get(0).setAddresses(List.of("2001:db8::1"));
        assertThatThrownBy(() -> client.discovery().v1().endpointSlices().inNamespace("default").resource(manual).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("addressType").contains("immutable");
                });
    }

    private static void apply(String yaml) throws Exception {
        Kubectl.Result r = applying(yaml);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
    }

    private static Kubectl.Result applying(String yaml) throws Exception {
        return kubectl.run(yaml, new String[]{"apply", "-f", "-"});
    }

    private static Kubectl.Result kubectl(String... args) throws Exception {
        return kubectl.run(args);
    }

    private static EndpointSlice sliceOf(List<EndpointSlice> slices, String pod) {
        return slices.stream().filter(s -> endpoints(List.of(s)).anyMatch(e -> e.getTargetRef().getName().equals(pod))).findFirst().orElseThrow();
    }

    private static java.util.stream.Stream<Endpoint> endpoints(List<EndpointSlice> slices) {
        return slices.stream().flatMap(s -> s.getEndpoints() == null ? java.util.stream.Stream.empty() : s.getEndpoints().stream());
    }

    private static long readyCount(List<EndpointSlice> slices) {
        return endpoints(slices).filter(e -> Boolean.TRUE.equals(e.getConditions().getReady())).count();
    }

    /** The service's slices once {@code condition} holds; a watch would do, but the lists are small and this reads plainly. */
    private static List<EndpointSlice> waitForSlices(String service, Predicate<List<EndpointSlice>> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<EndpointSlice> slices = List.of();
        while (System.nanoTime() < deadline) {
            slices = client.discovery().v1().endpointSlices().inNamespace("default").withLabel(SERVICE_NAME, service).list().getItems();
            if (condition.test(slices)) {
                return slices;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the slices of " + service + " never got there; last seen: " + slices);
    }
}
