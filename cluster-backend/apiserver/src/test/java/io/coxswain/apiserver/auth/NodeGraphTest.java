package io.coxswain.apiserver.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.coxswain.store.KeyValue;
import io.coxswain.store.embedded.EmbeddedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** kube's Node authorizer over the node graph of a real embedded store: its pods' Secrets, ConfigMaps and tokens only. */
class NodeGraphTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UserInfo N1 = new UserInfo("system:node:n1", "", List.of("system:nodes", "system:authenticated"));
    private static final UserInfo N2 = new UserInfo("system:node:n2", "", List.of("system:nodes", "system:authenticated"));

    private static final String WEB = """
            {"metadata": {"name": "web", "namespace": "shop", "uid": "u-web"},
             "spec": {"nodeName": "n1", "serviceAccountName": "reader", "imagePullSecrets": [{"name": "pull"}],
              "volumes": [{"name": "v", "secret": {"secretName": "tls"}},
                          {"name": "p", "projected": {"sources": [{"configMap": {"name": "ca"}}, {"secret": {"name": "extra"}}]}}],
              "containers": [{"name": "c", "envFrom": [{"configMapRef": {"name": "settings"}}],
                              "env": [{"name": "PW", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}}]}]}}
            """;

    @Test
    void aNodeReadsOnlyTheSecretsAndConfigMapsOfItsPodsAndTokensBoundToThem(@TempDir Path dir) throws Exception {
        try (EmbeddedStore store = EmbeddedStore.open(dir); NodeGraph graph = new NodeGraph(store)) {
            store.create("/registry/pods/shop/web", WEB.getBytes(StandardCharsets.UTF_8)).get();
            store.create("/registry/pods/shop/pending", """
                    {"metadata": {"name": "pending", "namespace": "shop", "uid": "u-p"},
                     "spec": {"volumes": [{"name": "v", "secret": {"secretName": "unbound"}}]}}""".getBytes(StandardCharsets.UTF_8)).get();
            graph.start().get(10, TimeUnit.SECONDS);
            assertThat(graph.synced()).isTrue();
            for (String secret : List.of("tls", "extra", "db", "pull")) {
                assertThat(decide(N1, "get", "secrets", null, "shop", secret, graph)).as(secret).isEqualTo(NodeRestriction.Outcome.ALLOW);
                assertThat(decide(N1, "watch", "secrets", null, "shop", secret, graph)).isEqualTo(NodeRestriction.Outcome.ALLOW);
                assertThat(decide(N2, "get", "secrets", null, "shop", secret, graph)).isEqualTo(NodeRestriction.Outcome.DENY);
            }
            assertThat(decide(N1, "get", "configmaps", null, "shop", "ca", graph)).isEqualTo(NodeRestriction.Outcome.ALLOW);
            assertThat(decide(N1, "list", "configmaps", null, "shop", "settings", graph)).isEqualTo(NodeRestriction.Outcome.ALLOW);
            assertThat(decide(N1, "get", "secrets", null, "shop", "other", graph)).isEqualTo(NodeRestriction.Outcome.DENY);
            assertThat(decide(N1, "get", "secrets", null, "shop", "unbound", graph)).as("a pod bound to no node").isEqualTo(NodeRestriction.Outcome.DENY);
            assertThat(decide(N1, "get", "secrets", null, "default", "tls", graph)).isEqualTo(NodeRestriction.Outcome.DENY);
            assertThat(decide(N1, "list", "secrets", null, "shop", null, graph)).isEqualTo(NodeRestriction.Outcome.DENY);
            assertThat(decide(N1, "update", "secrets", null, "shop", "tls", graph)).isEqualTo(NodeRestriction.Outcome.DENY);
            assertThat(NodeRestriction.reason(attrs(N1, "get", "secrets", null, "shop", "other")))
                    .isEqualTo("no relationship found between node 'n1' and this object");

            assertThat(decide(N1, "create", "serviceaccounts", "token", "shop", "reader", graph)).isEqualTo(NodeRestriction.Outcome.CHECK_TOKEN_BINDING);
            assertThat(decide(N1, "create", "serviceaccounts", "token", "shop", "default", graph)).isEqualTo(NodeRestriction.Outcome.DENY);
            assertThat(decide(N2, "create", "serviceaccounts", "token", "shop", "reader", graph)).isEqualTo(NodeRestriction.Outcome.DENY);
            assertThat(decide(N1, "get", "serviceaccounts", null, "shop", "reader", graph)).isEqualTo(NodeRestriction.Outcome.DENY);
            var bound = JSON.readTree("""
                    {"spec": {"boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "web", "uid": "u-web"}}}""");
            assertThat(NodeRestriction.tokenBindingRefusal("n1", "shop", bound, graph)).isNull();
            assertThat(NodeRestriction.tokenBindingRefusal("n2", "shop", bound, graph))
                    .isEqualTo("node requested token bound to a pod scheduled on a different node");
            assertThat(NodeRestriction.tokenBindingRefusal("n1", "shop", JSON.readTree("{\"spec\": {}}"), graph))
                    .isEqualTo("node requested token not bound to a pod");
            assertThat(NodeRestriction.tokenBindingRefusal("n1", "shop", JSON.readTree("""
                    {"spec": {"boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "web", "uid": "u-old"}}}"""), graph))
                    .startsWith("the UID in the bound object reference (u-old) does not match");

            // the watch: a second pod on n2 with the same Secret, then the first pod goes
            store.create("/registry/pods/shop/api", WEB.replace("\"web\"", "\"api\"").replace("\"n1\"", "\"n2\"")
                    .getBytes(StandardCharsets.UTF_8)).get();
            await(() -> decide(N2, "get", "secrets", null, "shop", "tls", graph) == NodeRestriction.Outcome.ALLOW);
            KeyValue web = store.get("/registry/pods/shop/web").get().orElseThrow();
            store.delete(web.key(), web.modRevision()).get();
            await(() -> decide(N1, "get", "secrets", null, "shop", "tls", graph) == NodeRestriction.Outcome.DENY);
            assertThat(decide(N2, "get", "secrets", null, "shop", "tls", graph)).isEqualTo(NodeRestriction.Outcome.ALLOW);
        }
    }

    private static NodeRestriction.Outcome decide(UserInfo user, String verb, String resource, String sub, String ns, String name,
                                                  NodeGraph graph) {
        return NodeRestriction.decide(attrs(user, verb, resource, sub, ns, name), graph);
    }

    private static RequestAttributes attrs(UserInfo user, String verb, String resource, String sub, String ns, String name) {
        return new RequestAttributes(user, verb, true, "", resource, sub, ns, name, "/x");
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
