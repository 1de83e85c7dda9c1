package io.coxswain.tests.clients;

import io.coxswain.tests.cluster.LocalCoxswain;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * fabric8, the Java client that Coxswain's own components use, as its users use it, against an all-in-one started by
 * {@code ./coxswain up}: once with TLS, the admin's client certificate and RBAC (the default), once in plain HTTP
 * ({@code --insecure-loopback}). CRUD,
 * a watch from a resourceVersion, an informer's cache after many changes, a Deployment whose pod runs on Docker and
 * whose log is followed, server-side apply, and Status errors read from the exception.
 */
class Fabric8AllInOneTest {

    @Nested
    class Tls extends Suite {
        Tls() {
            super(false);
        }
    }

    @Nested
    class PlainHttpInsecureLoopback extends Suite {
        PlainHttpInsecureLoopback() {
            super(true);
        }
    }

    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    abstract static class Suite {

        private final boolean insecure;
        private LocalCoxswain cluster;
        private KubernetesClient client;
        private String ns;

        Suite(boolean insecure) {
            this.insecure = insecure;
        }

        @BeforeAll
        @Timeout(value = 6, unit = TimeUnit.MINUTES)
        void start() throws Exception {
            cluster = ExternalSuite.allInOne("fabric8", insecure);
            client = cluster.newClient();
            assertThat(client.getConfiguration().getMasterUrl()).startsWith(insecure ? "http://" : "https://");
            ns = "f8";
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        }

        @AfterAll
        void stop() throws Exception {
            if (client != null) {
                client.close();
            }
            if (cluster != null) {
                cluster.close();
            }
        }

        private static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for " + what);
                }
                Thread.sleep(50);
            }
        }

        private static ConfigMap configMap(String name, String value) {
            return new ConfigMapBuilder().withNewMetadata().withName(name).addToLabels("set", "f8").endMetadata()
                    .addToData("k", value).build();
        }

        @Test
        void configMapCrudAndTheStatusOfEachFailure() {
            ConfigMap created = client.configMaps().inNamespace(ns).resource(configMap("crud", "1")).create();
            assertThat(created.getMetadata().getUid()).isNotBlank();
            ConfigMap edited = client.configMaps().inNamespace(ns).withName("crud")
                    .edit(c -> new ConfigMapBuilder(c).addToData("k", "2").build());
            assertThat(edited.getData()).containsEntry("k", "2");
            assertThat(client.configMaps().inNamespace(ns).withLabel("set", "f8").list().getItems())
                    .extracting(c -> c.getMetadata().getName()).contains("crud");

            assertThatThrownBy(() -> client.configMaps().inNamespace(ns).resource(configMap("crud", "again")).create())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                        Status s = e.getStatus();
                        assertThat(s.getCode()).isEqualTo(409);
                        assertThat(s.getReason()).isEqualTo("AlreadyExists");
                        assertThat(s.getMessage()).isEqualTo("configmaps \"crud\" already exists");
                        assertThat(s.getDetails().getGroup()).isNull();
                        assertThat(s.getDetails().getKind()).isEqualTo("configmaps");
                    });
            ConfigMap stale = new ConfigMapBuilder(created).addToData("k", "stale").build();
            assertThatThrownBy(() -> client.configMaps().inNamespace(ns).resource(stale).update())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(409);
                        assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                        assertThat(e.getStatus().getMessage()).isEqualTo("Operation cannot be fulfilled on configmaps \"crud\": the object "
                                + "has been modified; please apply your changes to the latest version and try again");
                    });
            assertThat(client.configMaps().inNamespace(ns).withName("crud").delete()).hasSize(1);
            assertThat(client.configMaps().inNamespace(ns).withName("crud").get()).isNull();
        }

        @Test
        void aDeploymentRunsOnDockerItsLogIsFollowedAndItsErrorsNameTheGroup() throws Exception {
            Deployment d = new DeploymentBuilder().withNewMetadata().withName("web").endMetadata()
                    .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "web").endSelector()
                    .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata().withNewSpec()
                    .addNewContainer().withName("c").withImage("coxswain/busybox:1").withImagePullPolicy("Never")
                    .withCommand("sh", "-c", "i=0; while true; do i=$((i+1)); echo line-$i; sleep 0.2; done").endContainer()
                    .withTerminationGracePeriodSeconds(1L).endSpec().endTemplate().endSpec().build();
            client.apps().deployments().inNamespace(ns).resource(d).create();
            await("the Deployment to be available", Duration.ofSeconds(90), () -> {
                Deployment now = client.apps().deployments().inNamespace(ns).withName("web").get();
                return now.getStatus() != null && Integer.valueOf(1).equals(now.getStatus().getAvailableReplicas());
            });
            Pod pod = client.pods().inNamespace(ns).withLabel("app", "web").list().getItems().get(0);
            assertThat(pod.getStatus().getPhase()).isEqualTo("Running");

            List<String> lines = new ArrayList<>();
            // from the last line on (tailLines=1): what the container wrote before is not part of the measure
            try (LogWatch follow = client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).tailingLines(1).watchLog();
                 BufferedReader reader = new BufferedReader(new InputStreamReader(follow.getOutput(), StandardCharsets.UTF_8))) {
                long started = System.nanoTime();
                while (lines.size() < 15) {
                    String line = reader.readLine();
                    assertThat(line).as("the followed log ended after %s", lines).isNotNull();
                    lines.add(line);
                }
                // 14 new lines at one every 0.2 s: the stream was followed as they came, not read from a finished log
                assertThat(System.nanoTime() - started).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(500));
            }
            assertThat(lines).allMatch(l -> l.startsWith("line-"));

            assertThatThrownBy(() -> client.apps().deployments().inNamespace(ns).resource(d).create())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                        assertThat(e.getStatus().getMessage()).isEqualTo("deployments.apps \"web\" already exists");
                        assertThat(e.getStatus().getDetails().getGroup()).isEqualTo("apps");
                        assertThat(e.getStatus().getDetails().getKind()).isEqualTo("deployments");
                        assertThat(e.getStatus().getDetails().getName()).isEqualTo("web");
                    });
            assertThatThrownBy(() -> client.apps().deployments().inNamespace(ns).withName("nope").edit(x -> x))
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(404);
                        assertThat(e.getStatus().getMessage()).isEqualTo("deployments.apps \"nope\" not found");
                    });
            client.apps().deployments().inNamespace(ns).withName("web").delete();
        }

        @Test
        void aWatchFromAResourceVersionSeesEveryChangeInOrder() throws Exception {
            String rv = client.configMaps().inNamespace(ns).list().getMetadata().getResourceVersion();
            BlockingQueue<String> events = new LinkedBlockingQueue<>();
            try (Watch watch = client.configMaps().inNamespace(ns).withLabel("set", "watched")
                    .withResourceVersion(rv).watch(new Watcher<>() {
                        @Override
                        public void eventReceived(Action action, ConfigMap cm) {
                            events.add(action + " " + cm.getMetadata().getName() + " " + (cm.getData() == null ? null : cm.getData().get("k")));
                        }

                        @Override
                        public void onClose(WatcherException cause) {
                        }
                    })) {
                ConfigMap cm = new ConfigMapBuilder(configMap("w", "1")).editMetadata().addToLabels("set", "watched").endMetadata().build();
                client.configMaps().inNamespace(ns).resource(cm).create();
                client.configMaps().inNamespace(ns).withName("w").edit(c -> new ConfigMapBuilder(c).addToData("k", "2").build());
                client.configMaps().inNamespace(ns).withName("w").delete();
                List<String> seen = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    String e = events.poll(20, TimeUnit.SECONDS);
                    assertThat(e).as("event %d after %s", i, seen).isNotNull();
                    seen.add(e);
                }
                assertThat(seen).containsExactly("ADDED w 1", "MODIFIED w 2", "DELETED w 2");
            }
        }

        @Test
        void anInformersCacheMatchesAFreshListAfterManyChanges() throws Exception {
            Map<String, String> cache = new ConcurrentHashMap<>();
            SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace(ns).withLabel("set", "informed")
                    .inform(new ResourceEventHandler<>() {
                        @Override
                        public void onAdd(ConfigMap cm) {
                            cache.put(cm.getMetadata().getName(), cm.getData().get("k"));
                        }

                        @Override
                        public void onUpdate(ConfigMap old, ConfigMap now) {
                            cache.put(now.getMetadata().getName(), now.getData().get("k"));
                        }

                        @Override
                        public void onDelete(ConfigMap cm, boolean finalStateUnknown) {
                            cache.remove(cm.getMetadata().getName());
                        }
                    });
            try {
                for (int i = 0; i < 40; i++) {
                    ConfigMap cm = new ConfigMapBuilder(configMap("i-" + i, "0")).editMetadata().addToLabels("set", "informed").endMetadata().build();
                    client.configMaps().inNamespace(ns).resource(cm).create();
                }
                for (int i = 0; i < 40; i += 2) {
                    int n = i;
                    client.configMaps().inNamespace(ns).withName("i-" + i).edit(c -> new ConfigMapBuilder(c).addToData("k", "v" + n).build());
                }
                for (int i = 0; i < 40; i += 5) {
                    client.configMaps().inNamespace(ns).withName("i-" + i).delete();
                }
                Map<String, String> fresh = client.configMaps().inNamespace(ns).withLabel("set", "informed").list().getItems().stream()
                        .collect(Collectors.toMap(c -> c.getMetadata().getName(), c -> c.getData().get("k"), (a, b) -> a, TreeMap::new));
                assertThat(fresh).hasSize(32);
                await("the informer's cache to match a fresh list", Duration.ofSeconds(20), () -> new TreeMap<>(cache).equals(fresh));
                assertThat(informer.getIndexer().list()).hasSize(32);
            } finally {
                informer.close();
            }
        }

        @Test
        void serverSideApplyOwnsFieldsAndAConflictIsForcedThrough() {
            ConfigMap mine = configMap("applied", "mine");
            ConfigMap applied = client.configMaps().inNamespace(ns).resource(mine).fieldManager("alice").serverSideApply();
            assertThat(applied.getMetadata().getManagedFields()).extracting(f -> f.getManager()).contains("alice");
            ConfigMap theirs = configMap("applied", "theirs");
            assertThatThrownBy(() -> client.configMaps().inNamespace(ns).resource(theirs).fieldManager("bob").serverSideApply())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(409);
                        assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                    });
            ConfigMap forced = client.configMaps().inNamespace(ns).resource(theirs).fieldManager("bob").forceConflicts().serverSideApply();
            assertThat(forced.getData()).containsEntry("k", "theirs");
            assertThat(forced.getMetadata().getManagedFields()).extracting(f -> f.getManager()).contains("bob");
        }
    }
}
