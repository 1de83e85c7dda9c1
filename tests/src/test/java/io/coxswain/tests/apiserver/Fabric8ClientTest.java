package io.coxswain.tests.apiserver;

import io.coxswain.tests.cluster.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fabric8 Kubernetes client, with its typed models, watches and informers, against a real Coxswain apiserver. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Fabric8ClientTest {

    @TempDir
    static Path dir;
    static TestCluster cluster;
    static KubernetesClient client;
    static KubernetesClient other;

    @BeforeAll
    static void start() throws IOException {
        cluster = TestCluster.embedded(dir);
        client = connect(cluster);
        other = connect(cluster);
    }

    /** A client from the cluster's admin kubeconfig, as an application reads it. */
    static KubernetesClient connect(TestCluster cluster) {
        return cluster.newClient();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {client, other, cluster}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // closing anyway
            }
        }
    }

    private static String namespace(String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        return name;
    }

    private static ConfigMap configMap(String name, Map<String, String> labels, Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().withData(data).build();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void podCrud() {
        String ns = namespace("f8-pods");
        Pod pod = new PodBuilder()
                .withNewMetadata().withName("web").withLabels(Map.of("app", "web")).endMetadata()
                .withNewSpec().addNewContainer().withName("nginx").withImage("nginx:1.27").addNewPort().withContainerPort(80).endPort()
                .endContainer().endSpec()
                .build();

        Pod created = client.pods().inNamespace(ns).resource(pod).create();
        assertThat(created.getMetadata().getUid()).isNotBlank();
        assertThat(created.getMetadata().getResourceVersion()).isNotBlank();
        assertThat(created.getMetadata().getCreationTimestamp()).isNotBlank();
        assertThat(created.getMetadata().getNamespace()).isEqualTo(ns);
        assertThat(created.getSpec().getRestartPolicy()).isEqualTo("Always");
        assertThat(created.getSpec().getDnsPolicy()).isEqualTo("ClusterFirst");
        assertThat(created.getSpec().getContainers().get(0).getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(created.getSpec().getContainers().get(0).getPorts().get(0).getProtocol()).isEqualTo("TCP");
        assertThat(created.getStatus().getPhase()).isEqualTo("Pending");
        assertThat(created.getStatus().getQosClass()).isEqualTo("BestEffort");

        Pod fetched = client.pods().inNamespace(ns).withName("web").get();
        assertThat(fetched.getMetadata().getUid()).isEqualTo(created.getMetadata().getUid());
        assertThat(fetched.getMetadata().getResourceVersion()).isEqualTo(created.getMetadata().getResourceVersion());

        Pod labelled = client.pods().inNamespace(ns).withName("web")
                .edit(p -> new PodBuilder(p).editMetadata().addToLabels("tier", "frontend").endMetadata().build());
        assertThat(labelled.getMetadata().getLabels()).containsEntry("tier", "frontend").containsEntry("app", "web");
        assertThat(Long.parseLong(labelled.getMetadata().getResourceVersion()))
                .isGreaterThan(Long.parseLong(created.getMetadata().getResourceVersion()));

        assertThat(client.pods().inNamespace(ns).withLabel("tier", "frontend").list().getItems())
                .extracting(p -> p.getMetadata().getName()).containsExactly("web");
        assertThat(client.pods().inNamespace(ns).withLabel("tier", "backend").list().getItems()).isEmpty();

        // Unscheduled, so it goes at once.
        assertThat(client.pods().inNamespace(ns).withName("web").delete()).hasSize(1);
        assertThat(client.pods().inNamespace(ns).withName("web").get()).isNull();
    }

    @Test
    void configMapCrud() {
        String ns = namespace("f8-configmaps");
        ConfigMap created = client.configMaps().inNamespace(ns)
                .resource(configMap("settings", Map.of("app", "demo"), Map.of("mode", "fast"))).create();
        assertThat(created.getData()).containsExactly(Map.entry("mode", "fast"));

        assertThatThrownBy(() -> client.configMaps().inNamespace(ns)
                .resource(configMap("settings", Map.of(), Map.of())).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));

        ConfigMap changed = new ConfigMapBuilder(created).addToData("size", "large").build();
        ConfigMap updated = client.configMaps().inNamespace(ns).resource(changed).update();
        assertThat(updated.getData()).containsEntry("mode", "fast").containsEntry("size", "large");
        assertThat(updated.getMetadata().getUid()).isEqualTo(created.getMetadata().getUid());

        ConfigMap patched = client.configMaps().inNamespace(ns).withName("settings")
                .edit(cm -> new ConfigMapBuilder(cm).removeFromData("mode").build());
        assertThat(patched.getData()).containsExactly(Map.entry("size", "large"));

        client.configMaps().inNamespace(ns).resource(configMap("second", Map.of("app", "demo"), Map.of())).create();
        assertThat(client.configMaps().inNamespace(ns).withLabel("app", "demo").list().getItems())
                .extracting(cm -> cm.getMetadata().getName()).containsExactlyInAnyOrder("settings", "second");

        assertThat(client.configMaps().inNamespace(ns).withName("settings").delete()).hasSize(1);
        assertThat(client.configMaps().inNamespace(ns).withName("settings").get()).isNull();
        assertThat(client.configMaps().inNamespace(ns).list().getItems()).extracting(cm -> cm.getMetadata().getName())
                .containsExactly("second");
    }

    @Test
    void deploymentCrud() {
        String ns = namespace("f8-deployments");
        Deployment deployment = new DeploymentBuilder()
                .withNewMetadata().withName("api").endMetadata()
                .withNewSpec().withReplicas(2)
                .withNewSelector().addToMatchLabels("app", "api").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "api").endMetadata()
                .withNewSpec().addNewContainer().withName("api").withImage("example/api:1.0").endContainer().endSpec()
                .endTemplate().endSpec()
                .build();

        Deployment created = client.apps().deployments().inNamespace(ns).resource(deployment).create();
        assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);
        assertThat(created.getSpec().getReplicas()).isEqualTo(2);
        assertThat(created.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(created.getSpec().getRevisionHistoryLimit()).isEqualTo(10);
        assertThat(created.getSpec().getProgressDeadlineSeconds()).isEqualTo(600);
        assertThat(created.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Always");

        Deployment image = client.apps().deployments().inNamespace(ns).withName("api").edit(d -> new DeploymentBuilder(d)
                .editSpec().editTemplate().editSpec().editFirstContainer().withImage("example/api:2.0").endContainer().endSpec()
                .endTemplate().endSpec().build());
        assertThat(image.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("example/api:2.0");
        assertThat(image.getMetadata().getGeneration()).as("a spec change bumps the generation").isEqualTo(2L);

        Deployment labelled = client.apps().deployments().inNamespace(ns).withName("api")
                .edit(d -> new DeploymentBuilder(d).editMetadata().addToLabels("team", "core").endMetadata().build());
        assertThat(labelled.getMetadata().getGeneration()).as("a metadata change does not").isEqualTo(2L);

        assertThat(client.apps().deployments().inNamespace(ns).list().getItems()).hasSize(1);
        assertThat(client.apps().deployments().inNamespace(ns).withName("api").delete()).hasSize(1);
        assertThat(client.apps().deployments().inNamespace(ns).withName("api").get()).isNull();
    }

    @Test
    void watchReceivesChangesMadeByAnotherClient() throws Exception {
        String ns = namespace("f8-watch");
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        try (Watch watch = client.configMaps().inNamespace(ns).withLabel("watched", "yes").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap cm) {
                events.add(action + " " + cm.getMetadata().getName() + " " + cm.getData());
            }

            @Override
            public void onClose(WatcherException cause) {
                events.add("CLOSED " + cause);
            }
        })) {
            other.configMaps().inNamespace(ns).resource(configMap("unwatched", Map.of(), Map.of("k", "0"))).create();
            other.configMaps().inNamespace(ns).resource(configMap("seen", Map.of("watched", "yes"), Map.of("k", "1"))).create();
            other.configMaps().inNamespace(ns).withName("seen").edit(cm -> new ConfigMapBuilder(cm).addToData("k", "2").build());
            other.configMaps().inNamespace(ns).withName("seen").delete();

            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("ADDED seen {k=1}");
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("MODIFIED seen {k=2}");
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("DELETED seen {k=2}");
            assertThat(events.poll(300, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void informerKeepsItsCacheAcrossResyncs() throws Exception {
        String ns = namespace("f8-informer");
        List<String> changes = new CopyOnWriteArrayList<>();
        AtomicInteger resyncs = new AtomicInteger();
        ResourceEventHandler<ConfigMap> handler = new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap cm) {
                changes.add("add " + cm.getMetadata().getName());
            }

            @Override
            public void onUpdate(ConfigMap old, ConfigMap now) {
                if (old.getMetadata().getResourceVersion().equals(now.getMetadata().getResourceVersion())) {
                    resyncs.incrementAndGet();
                } else {
                    changes.add("update " + now.getMetadata().getName() + " " + now.getData().get("v"));
                }
            }

            @Override
            public void onDelete(ConfigMap cm, boolean finalStateUnknown) {
                changes.add("delete " + cm.getMetadata().getName() + (finalStateUnknown ? " (unknown)" : ""));
            }
        };
        other.configMaps().inNamespace(ns).resource(configMap("before", Map.of(), Map.of("v", "0"))).create();

        try (SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace(ns).inform(handler, 1000)) {
            informer.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(informer.hasSynced()).isTrue();
            await("the initial add", () -> changes.contains("add before"));

            other.configMaps().inNamespace(ns).resource(configMap("a", Map.of(), Map.of("v", "1"))).create();
            other.configMaps().inNamespace(ns).resource(configMap("b", Map.of(), Map.of("v", "1"))).create();
            other.configMaps().inNamespace(ns).withName("a").edit(cm -> new ConfigMapBuilder(cm).addToData("v", "2").build());
            other.configMaps().inNamespace(ns).withName("before").delete();
            await("adds, the update and the delete", () -> changes.containsAll(List.of("add a", "add b", "update a 2", "delete before")));
            assertThat(cacheOf(informer)).isEqualTo(Map.of("a", "2", "b", "1"));

            // Let a few resyncs pass: they replay the cache as updates with the same version and change nothing.
            int before = resyncs.get();
            await("two resyncs", () -> resyncs.get() >= before + 4);
            assertThat(cacheOf(informer)).isEqualTo(Map.of("a", "2", "b", "1"));
            String lastVersion = informer.lastSyncResourceVersion();
            assertThat(Long.parseLong(lastVersion))
                    .isGreaterThanOrEqualTo(Long.parseLong(other.configMaps().inNamespace(ns).withName("b").get().getMetadata().getResourceVersion()));

            // And changes after the resyncs still arrive.
            other.configMaps().inNamespace(ns).withName("b").edit(cm -> new ConfigMapBuilder(cm).addToData("v", "3").build());
            other.configMaps().inNamespace(ns).withName("a").delete();
            other.configMaps().inNamespace(ns).resource(configMap("c", Map.of(), Map.of("v", "1"))).create();
            await("changes after the resyncs", () -> changes.containsAll(List.of("update b 3", "delete a", "add c")));
            assertThat(cacheOf(informer)).isEqualTo(Map.of("b", "3", "c", "1"));
            assertThat(changes).doesNotContain("delete before (unknown)", "delete a (unknown)");
            System.out.printf("informer: %d changes, %d resync updates%n", changes.size(), resyncs.get());
        }
    }

    private static Map<String, String> cacheOf(SharedIndexInformer<ConfigMap> informer) {
        return informer.getStore().list().stream()
                .collect(Collectors.toMap(cm -> cm.getMetadata().getName(), cm -> cm.getData().get("v")));
    }

    @Test
    void aStaleUpdateGetsConflictAndEditRetries() {
        String ns = namespace("f8-conflict");
        client.configMaps().inNamespace(ns).resource(configMap("shared", Map.of(), Map.of("owner", "none"))).create();
        ConfigMap mine = client.configMaps().inNamespace(ns).withName("shared").get();
        ConfigMap theirs = other.configMaps().inNamespace(ns).withName("shared").get();
        assertThat(mine.getMetadata().getResourceVersion()).isEqualTo(theirs.getMetadata().getResourceVersion());

        ConfigMap won = other.configMaps().inNamespace(ns)
                .resource(new ConfigMapBuilder(theirs).addToData("owner", "other").build()).update();
        assertThat(won.getData()).containsEntry("owner", "other");

        ConfigMap stale = new ConfigMapBuilder(mine).addToData("owner", "client").addToData("mine", "yes").build();
        assertThatThrownBy(() -> client.configMaps().inNamespace(ns).resource(stale).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                    assertThat(e.getMessage()).contains("the object has been modified");
                });
        assertThat(client.configMaps().inNamespace(ns).withName("shared").get().getData()).containsEntry("owner", "other");

        // Retry on the latest version: edit() reads it and patches.
        ConfigMap retried = client.configMaps().inNamespace(ns).withName("shared")
                .edit(cm -> new ConfigMapBuilder(cm).addToData("mine", "yes").build());
        assertThat(retried.getData()).containsEntry("owner", "other").containsEntry("mine", "yes");
        assertThat(Long.parseLong(retried.getMetadata().getResourceVersion()))
                .isGreaterThan(Long.parseLong(won.getMetadata().getResourceVersion()));
    }

    @Test
    void serverSideApply() {
        String ns = namespace("f8-apply");
        ConfigMap desired = new ConfigMapBuilder().withNewMetadata().withName("applied").withNamespace(ns).endMetadata()
                .withData(Map.of("a", "1", "b", "1")).build();
        ConfigMap first = client.resource(desired).fieldManager("test").forceConflicts().serverSideApply();
        assertThat(first.getData()).isEqualTo(Map.of("a", "1", "b", "1"));
        ManagedFieldsEntry entry = first.getMetadata().getManagedFields().stream()
                .filter(m -> m.getManager().equals("test")).findFirst().orElseThrow();
        assertThat(entry.getOperation()).isEqualTo("Apply");
        assertThat(entry.getFieldsV1().getAdditionalProperties().toString()).contains("f:a").contains("f:b");

        // Applying again without b removes b (the manager owned it); a new value for a is applied.
        ConfigMap second = client.resource(new ConfigMapBuilder(desired).withData(Map.of("a", "2")).build())
                .fieldManager("test").forceConflicts().serverSideApply();
        assertThat(second.getData()).isEqualTo(Map.of("a", "2"));
        assertThat(second.getMetadata().getUid()).isEqualTo(first.getMetadata().getUid());

        // Another manager that wants a different a conflicts unless it forces, and then owns a.
        ConfigMap theirs = new ConfigMapBuilder().withNewMetadata().withName("applied").withNamespace(ns).endMetadata()
                .withData(Map.of("a", "3")).build();
        assertThatThrownBy(() -> other.resource(theirs).fieldManager("other").serverSideApply())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("test");
                });
        ConfigMap forced = other.resource(theirs).fieldManager("other").forceConflicts().serverSideApply();
        assertThat(forced.getData()).isEqualTo(Map.of("a", "3"));
        assertThat(forced.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager).contains("other");

        // A typed Deployment through apply as well.
        Deployment deployment = new DeploymentBuilder()
                .withNewMetadata().withName("applied").withNamespace(ns).endMetadata()
                .withNewSpec().withReplicas(3)
                .withNewSelector().addToMatchLabels("app", "applied").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "applied").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("example/app:1").endContainer().endSpec()
                .endTemplate().endSpec()
                .build();
        Deployment applied = client.resource(deployment).fieldManager("test").forceConflicts().serverSideApply();
        assertThat(applied.getSpec().getReplicas()).isEqualTo(3);
        assertThat(applied.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(client.apps().deployments().inNamespace(ns).withName("applied").get().getMetadata().getUid())
                .isEqualTo(applied.getMetadata().getUid());
    }
}
