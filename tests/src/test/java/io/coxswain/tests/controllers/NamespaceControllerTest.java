package io.coxswain.tests.controllers;

import io.coxswain.controllers.namespace.NamespaceController;
import io.coxswain.tests.cluster.Kubectl;
import io.coxswain.tests.cluster.RunningController;
import io.coxswain.tests.cluster.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The namespace controller alone against a real apiserver: deleting a namespace marks it Terminating, the controller
 * empties it of every kind (core, apps, rbac), says in the namespace's conditions what still holds it, and the
 * namespace goes once its content and then its {@code kubernetes} finalizer are gone. No kubelet runs, so a pod bound to
 * a node waits out its grace period until the test force-deletes it.
 */
class NamespaceControllerTest {

    @TempDir
    static Path dir;
    static TestCluster cluster;
    static KubernetesClient client;
    static Kubectl kubectl;
    static RunningController controller;

    @BeforeAll
    static void start() throws Exception {
        cluster = TestCluster.embedded(dir.resolve("cluster"));
        client = cluster.newClient();
        kubectl = new Kubectl(cluster, Files.createDirectories(dir.resolve("kubectl")));
        controller = RunningController.start(cluster, NamespaceController::create);
    }

    @AfterAll
    static void stop() {
        if (controller != null) {
            controller.close();
        }
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void namespaceWithContent(String ns) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("settings").endMetadata()
                .addToData("a", "b").build()).create();
        client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("creds").endMetadata()
                .addToStringData("p", "q").build()).create();
        client.rbac().roles().inNamespace(ns).resource(new RoleBuilder().withNewMetadata().withName("reader").endMetadata()
                .addNewRule().withApiGroups("").withResources("pods").withVerbs("get").endRule().build()).create();
        client.services().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ServiceBuilder().withNewMetadata()
                .withName("web").endMetadata().withNewSpec().addToSelector("app", "web").addNewPort().withPort(80).endPort()
                .endSpec().build()).create();
    }

    private static Namespace awaitNamespace(String ns, Predicate<Namespace> condition) {
        return client.namespaces().withName(ns).waitUntilCondition(condition, 30, TimeUnit.SECONDS);
    }

    private static NamespaceCondition condition(Namespace ns, String type) {
        return ns.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }

    @Test
    void kubectlDeleteEmptiesTheNamespaceOfEveryKindAndThenRemovesIt() throws Exception {
        namespaceWithContent("doomed");
        Kubectl.Result r = kubectl.run(new String[]{"delete", "namespace", "doomed", "--timeout=60s"});
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(client.namespaces().withName("doomed").get()).as("kubectl waited until the namespace was gone").isNull();
        for (String kind : List.of("configmaps", "secrets", "roles", "services")) {
            Kubectl.Result left = kubectl.run(new String[]{"get", kind, "-n", "doomed", "-o", "name"});
            assertThat(left.stdout()).as(kind + " left in the deleted namespace").isBlank();
        }
        // the service's cluster IP went back to the allocator with the service: a namespace of the same name starts empty
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("doomed").endMetadata().build()).create();
        assertThat(client.configMaps().inNamespace("doomed").list().getItems()).isEmpty();
    }

    @Test
    void contentThatLingersHoldsTheNamespaceAndItsConditionsSayWhat() throws Exception {
        String ns = "held";
        namespaceWithContent(ns);
        client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("kept")
                .addToFinalizers("test.coxswain.io/hold").endMetadata().build()).create();
        // bound to a node that no kubelet runs: its deletion waits out the grace period
        client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("bound").endMetadata()
                .withNewSpec().withNodeName("nowhere").withTerminationGracePeriodSeconds(3600L)
                .addNewContainer().withName("c").withImage("coxswain/busybox:1").endContainer().endSpec().build()).create();

        client.namespaces().withName(ns).delete();
        Namespace terminating = awaitNamespace(ns, n -> n != null && n.getStatus() != null && n.getStatus().getConditions() != null
                && n.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("NamespaceContentRemaining")
                && c.getStatus().equals("True")));
        assertThat(terminating.getStatus().getPhase()).isEqualTo("Terminating");
        assertThat(terminating.getSpec().getFinalizers()).containsExactly("kubernetes");
        assertThat(condition(terminating, "NamespaceContentRemaining").getMessage())
                .contains("configmaps has 1 resource instances").contains("pods has 1 resource instances");
        assertThat(condition(terminating, "NamespaceFinalizersRemaining").getMessage())
                .isEqualTo("Some content in the namespace has finalizers remaining: test.coxswain.io/hold in 1 resource instances");
        assertThat(condition(terminating, "NamespaceDeletionDiscoveryFailure").getStatus()).isEqualTo("False");
        assertThat(client.secrets().inNamespace(ns).list().getItems()).as("what could go went").isEmpty();

        assertThatThrownBy(() -> client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("late").endMetadata().build()).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getStatus().getMessage()).contains("because it is being terminated");
                });

        client.pods().inNamespace(ns).withName("bound").withGracePeriod(0).delete();
        client.configMaps().inNamespace(ns).withName("kept").edit(cm -> {
            cm.getMetadata().setFinalizers(List.of());
            return cm;
        });
        client.namespaces().withName(ns).waitUntilCondition(n -> n == null, 30, TimeUnit.SECONDS);
    }

    @Test
    void anUpdateCannotDropTheFinalizerOnlyTheFinalizeSubresourceCan() throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("kept-finalizer").endMetadata().build()).create();
        Namespace updated = client.namespaces().withName("kept-finalizer").edit(n -> {
            n.getSpec().setFinalizers(List.of());
            return n;
        });
        assertThat(updated.getSpec().getFinalizers()).containsExactly("kubernetes");
        Map<?, ?> finalized = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(client.raw(
                client.getMasterUrl() + "api/v1/namespaces/kept-finalizer/finalize", "PUT",
                Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of("name", "kept-finalizer"),
                        "spec", Map.of("finalizers", List.of()))), Map.class);
        assertThat(((Map<?, ?>) finalized.get("spec")).get("finalizers")).isNull();
        assertThat(client.namespaces().withName("kept-finalizer").get().getSpec().getFinalizers()).isNullOrEmpty();
    }
}
