package io.coxswain.tests.kubectl;

import io.coxswain.schemas.KindSchema;
import io.coxswain.schemas.SchemaCatalog;
import io.coxswain.schemas.SchemaNavigator;
import io.coxswain.tests.cluster.Kubectl;
import io.coxswain.tests.cluster.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real kubectl walks the OpenAPI documents the apiserver generates from our schemas (/openapi/v3, over TLS through the
 * admin kubeconfig) and prints our own descriptions.
 */
class KubectlExplainTest {

    private static TestCluster cluster;
    private static Kubectl kubectl;
    @TempDir
    static Path home;

    @BeforeAll
    static void start() throws IOException {
        cluster = TestCluster.embedded(home.resolve("cluster"));
        kubectl = new Kubectl(cluster, home);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest(name = "kubectl explain {0}")
    @CsvSource({
            "pod.spec, v1, Pod, spec",
            "pod.spec.containers.livenessProbe.httpGet, v1, Pod, spec.containers[0].livenessProbe.httpGet",
            "service.spec.ports.targetPort, v1, Service, spec.ports[0].targetPort",
            "deployment.spec.template.spec.containers, apps/v1, Deployment, spec.template.spec.containers",
            "deployment.spec.strategy.rollingUpdate.maxSurge, apps/v1, Deployment, spec.strategy.rollingUpdate.maxSurge",
            "cronjob.spec.concurrencyPolicy, batch/v1, CronJob, spec.concurrencyPolicy",
            "job.spec.podFailurePolicy.rules, batch/v1, Job, spec.podFailurePolicy.rules",
            "lease.spec.holderIdentity, coordination.k8s.io/v1, Lease, spec.holderIdentity",
            "replicationcontroller.spec.selector, v1, ReplicationController, spec.selector",
            "replicationcontroller.spec.template.spec.containers, v1, ReplicationController, spec.template.spec.containers",
    })
    void explainPrintsOurDescription(String field, String apiVersion, String kind, String path) throws Exception {
        KindSchema schema = SchemaCatalog.standard().find(apiVersion, kind).orElseThrow();
        String description = new SchemaNavigator(SchemaCatalog.standard()).at(schema, path).orElseThrow().description();
        Kubectl.Result explained = kubectl.run(new String[]{"explain", field});
        String out = explained.stdout();
        System.out.printf("kubectl explain %s -> exit %d, %d lines:%n", field, explained.exitCode(), out.lines().count());
        out.lines().limit(12).forEach(line -> System.out.println("  | " + line));
        assertThat(explained.exitCode()).as(explained.stderr() + out).isZero();
        assertThat(out).contains("KIND:       " + kind);
        // kubectl re-wraps text; compare with white space folded.
        assertThat(out.replaceAll("\\s+", " ")).contains(description.replaceAll("\\s+", " "));
    }
}
