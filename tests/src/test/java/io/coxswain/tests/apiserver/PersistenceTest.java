package io.coxswain.tests.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.tests.cluster.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Everything the apiserver acknowledged is still there, unchanged, after the control plane restarts on the same data. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PersistenceTest {

    @TempDir
    Path dir;

    @Test
    void objectsSurviveARestartWithTheirResourceVersionsAndUids() throws Exception {
        try (TestCluster cluster = TestCluster.embedded(dir)) {
            String ns = "keep";
            List<HasMetadata> created = new ArrayList<>();
            Map<String, String> serviceIps = new LinkedHashMap<>();
            long listVersion;
            try (KubernetesClient client = Fabric8ClientTest.connect(cluster)) {
                created.add(client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create());
                created.add(client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("settings")
                        .addToLabels("app", "keep").endMetadata().addToData("mode", "fast").build()).create());
                created.add(client.leases().inNamespace(ns).resource(new LeaseBuilder().withNewMetadata().withName("leader").endMetadata()
                        .withNewSpec().withHolderIdentity("node-a").withLeaseDurationSeconds(15).endSpec().build()).create());
                created.add(client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("worker").endMetadata()
                        .withNewSpec().addNewContainer().withName("w").withImage("busybox:1.36").endContainer().endSpec().build()).create());
                created.add(client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
                        .withNewMetadata().withName("api").endMetadata()
                        .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "api").endSelector()
                        .withNewTemplate().withNewMetadata().addToLabels("app", "api").endMetadata()
                        .withNewSpec().addNewContainer().withName("api").withImage("example/api:1").endContainer().endSpec()
                        .endTemplate().endSpec().build()).create());
                Service service = client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("api").endMetadata()
                        .withNewSpec().addToSelector("app", "api").addNewPort().withPort(80).endPort().endSpec().build()).create();
                created.add(service);
                serviceIps.put("api", service.getSpec().getClusterIP());
                // A later update, so a version is not just a creation's.
                created.set(1, client.configMaps().inNamespace(ns).withName("settings")
                        .edit(cm -> new ConfigMapBuilder(cm).addToData("size", "large").build()));
                listVersion = Long.parseLong(client.configMaps().inNamespace(ns).list().getMetadata().getResourceVersion());
            }
            long newest = created.stream().mapToLong(o -> Long.parseLong(o.getMetadata().getResourceVersion())).max().orElseThrow();
            assertThat(listVersion).isGreaterThanOrEqualTo(newest);

            String before = cluster.url();
            cluster.restart();
            System.out.printf("restarted: %s -> %s, %d objects, newest resourceVersion %d%n", before, cluster.url(), created.size(), newest);

            try (KubernetesClient client = Fabric8ClientTest.connect(cluster)) {
                for (HasMetadata was : created) {
                    HasMetadata now = client.resource(was).get();
                    assertThat(now).as("%s %s after the restart", was.getKind(), was.getMetadata().getName()).isNotNull();
                    assertThat(now.getMetadata().getUid()).as(was.getKind()).isEqualTo(was.getMetadata().getUid());
                    assertThat(now.getMetadata().getResourceVersion()).as(was.getKind()).isEqualTo(was.getMetadata().getResourceVersion());
                    assertThat(now.getMetadata().getCreationTimestamp()).as(was.getKind()).isEqualTo(was.getMetadata().getCreationTimestamp());
                }
                assertThat(client.configMaps().inNamespace(ns).withName("settings").get().getData())
                        .containsEntry("mode", "fast").containsEntry("size", "large");
                assertThat(client.leases().inNamespace(ns).withName("leader").get().getSpec().getHolderIdentity()).isEqualTo("node-a");
                assertThat(client.apps().deployments().inNamespace(ns).withName("api").get().getSpec().getReplicas()).isEqualTo(2);
                assertThat(client.services().inNamespace(ns).withName("api").get().getSpec().getClusterIP()).isEqualTo(serviceIps.get("api"));
                // The seeded objects were not seeded twice.
                assertThat(client.namespaces().withName("default").get()).isNotNull();

                long listAfter = Long.parseLong(client.configMaps().inNamespace(ns).list().getMetadata().getResourceVersion());
                assertThat(listAfter).isGreaterThanOrEqualTo(listVersion);

                // A watch from the last version seen before the restart picks up where it left off.
                RawApi api = new RawApi(cluster.http());
                try (RawApi.Watch watch = api.watch("/api/v1/namespaces/" + ns + "/configmaps?watch=true&resourceVersion=" + listVersion)) {
                    assertThat(watch.status()).isEqualTo(200);
                    // New writes continue above every version from before.
                    var next = client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("after")
                            .endMetadata().addToData("k", "v").build()).create();
                    long nextVersion = Long.parseLong(next.getMetadata().getResourceVersion());
                    assertThat(nextVersion).isGreaterThan(newest).isGreaterThan(listAfter);
                    JsonNode event = watch.next(5);
                    assertThat(RawApi.type(event) + " " + RawApi.name(event)).isEqualTo("ADDED after");
                    assertThat(RawApi.rv(event.path("object"))).isEqualTo(nextVersion);
                }
                var updated = client.configMaps().inNamespace(ns).withName("settings")
                        .edit(cm -> new ConfigMapBuilder(cm).addToData("mode", "slow").build());
                assertThat(Long.parseLong(updated.getMetadata().getResourceVersion())).isGreaterThan(newest);

                // The allocator remembers the addresses taken before the restart.
                Service second = client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("second")
                        .endMetadata().withNewSpec().addNewPort().withPort(80).endPort().endSpec().build()).create();
                assertThat(second.getSpec().getClusterIP()).isNotEqualTo(serviceIps.get("api"));
                assertThat(second.getSpec().getClusterIP()).isNotEqualTo(client.services().inNamespace("default").withName("kubernetes")
                        .get().getSpec().getClusterIP());
            }
        }
    }
}
