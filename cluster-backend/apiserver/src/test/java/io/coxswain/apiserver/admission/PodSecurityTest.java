package io.coxswain.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.api.ApiException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Pod Security Standards' checks and messages, and the Docker socket that no level allows. */
class PodSecurityTest {

    private final PodSecurity baselineByDefault = new PodSecurity(PodSecurity.Level.BASELINE);

    private static JsonNode labels(String level) {
        return Manifests.yaml("{pod-security.kubernetes.io/enforce: " + level + "}");
    }

    private static final String HOSTY = """
            apiVersion: v1
            kind: Pod
            metadata: {name: x}
            spec:
              hostNetwork: true
              containers:
              - name: c
                image: busybox
                securityContext: {privileged: true, capabilities: {add: [NET_ADMIN, CHOWN, SYS_TIME]}}
                ports: [{containerPort: 80, hostPort: 8080}]
              volumes:
              - {name: h, hostPath: {path: /srv}}
            """;

    @Test
    void baselineRefusesAPodWithKubesMessageInKubesOrder() {
        assertThatThrownBy(() -> baselineByDefault.admit("", "Pod", null, Manifests.object(HOSTY), null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(403))
                .hasMessage("pods \"x\" is forbidden: violates PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true), "
                        + "hostPort (container \"c\" uses hostPort 8080), privileged (container \"c\" must not set "
                        + "securityContext.privileged=true), non-default capabilities (container \"c\" must not include \"NET_ADMIN\", "
                        + "\"SYS_TIME\" in securityContext.capabilities.add), hostPath volumes (volume \"h\")");
    }

    @Test
    void privilegedNamespacesAllowItAndTemplatesOnlyWarn() {
        assertThat(baselineByDefault.admit("", "Pod", null, Manifests.object(HOSTY), labels("privileged"))).isEmpty();
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      hostPID: true
                      containers: [{name: c, image: busybox}]
                """;
        assertThat(baselineByDefault.admit("apps", "Deployment", null, Manifests.object(deployment), labels("baseline")))
                .containsExactly("would violate PodSecurity \"baseline:latest\": host namespaces (hostPID=true)");
        String rc = """
                apiVersion: v1
                kind: ReplicationController
                metadata: {name: rc}
                spec:
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      hostPID: true
                      containers: [{name: c, image: busybox}]
                """;
        assertThat(baselineByDefault.admit("", "ReplicationController", null, Manifests.object(rc), labels("baseline")))
                .containsExactly("would violate PodSecurity \"baseline:latest\": host namespaces (hostPID=true)");
    }

    @Test
    void restrictedAddsItsOwnChecks() {
        String plain = """
                apiVersion: v1
                kind: Pod
                metadata: {name: plain}
                spec:
                  containers: [{name: c, image: busybox}]
                """;
        assertThat(baselineByDefault.admit("", "Pod", null, Manifests.object(plain), null)).isEmpty();
        assertThatThrownBy(() -> baselineByDefault.admit("", "Pod", null, Manifests.object(plain), labels("restricted")))
                .hasMessage("pods \"plain\" is forbidden: violates PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false "
                        + "(container \"c\" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities "
                        + "(container \"c\" must set securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod or "
                        + "container \"c\" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container \"c\" must "
                        + "set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")");
        String tight = """
                apiVersion: v1
                kind: Pod
                metadata: {name: tight}
                spec:
                  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
                  containers:
                  - name: c
                    image: busybox
                    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}
                  volumes: [{name: e, emptyDir: {}}]
                """;
        assertThat(baselineByDefault.admit("", "Pod", null, Manifests.object(tight), labels("restricted"))).isEmpty();
    }

    @Test
    void theDockerSocketIsRefusedEverywhereUnderAnySpelling() {
        for (String path : List.of("/var/run/docker.sock", "/run/docker.sock", "/var/run", "/run/", "/", "/var",
                "/var/lib/../run/docker.sock", "//run//docker.sock", "/run/containerd")) {
            String pod = """
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: sock}
                    spec:
                      containers: [{name: c, image: busybox}]
                      volumes: [{name: d, hostPath: {path: "%s"}}]
                    """.formatted(path);
            assertThatThrownBy(() -> baselineByDefault.admit("", "Pod", null, Manifests.object(pod), labels("privileged")))
                    .as(path).hasMessage("pods \"sock\" is forbidden: hostPath volume \"d\" would mount the container engine's "
                            + "socket, which no pod may mount at any Pod Security level");
        }
        String fine = """
                apiVersion: v1
                kind: Pod
                metadata: {name: fine}
                spec:
                  containers: [{name: c, image: busybox}]
                  volumes: [{name: d, hostPath: {path: /var/run/docker.sockets}}, {name: e, hostPath: {path: /srv}}]
                """;
        assertThat(baselineByDefault.admit("", "Pod", null, Manifests.object(fine), labels("privileged"))).isEmpty();
        String job = """
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: cj}
                spec:
                  schedule: "* * * * *"
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          containers: [{name: c, image: busybox}]
                          volumes: [{name: d, hostPath: {path: /var/run/docker.sock}}]
                """;
        assertThatThrownBy(() -> baselineByDefault.admit("batch", "CronJob", null, Manifests.object(job), labels("privileged")))
                .hasMessageStartingWith("cronjobs.batch \"cj\" is forbidden: hostPath volume \"d\"");
        String rc = """
                apiVersion: v1
                kind: ReplicationController
                metadata: {name: rc}
                spec:
                  template:
                    metadata: {labels: {app: rc}}
                    spec:
                      containers: [{name: c, image: busybox}]
                      volumes: [{name: d, hostPath: {path: /run/docker.sock}}]
                """;
        assertThatThrownBy(() -> baselineByDefault.admit("", "ReplicationController", null, Manifests.object(rc), labels("privileged")))
                .hasMessageStartingWith("replicationcontrollers \"rc\" is forbidden: hostPath volume \"d\"");
    }

    @Test
    void updatesThatDoNotTouchTheSpecAreNotJudged() {
        var before = Manifests.object(HOSTY);
        var after = before.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) after.get("spec")).put("nodeName", "n1");
        after.with("metadata").putObject("labels").put("x", "y");
        assertThat(baselineByDefault.admit("", "Pod", before, after, null)).isEmpty();
        ((com.fasterxml.jackson.databind.node.ObjectNode) after.get("spec")).put("hostIPC", true);
        assertThatThrownBy(() -> baselineByDefault.admit("", "Pod", before, after, null)).hasMessageContaining("hostIPC=true");
    }

    @Test
    void namespacesMustNameALevel() {
        assertThatThrownBy(() -> PodSecurity.validateNamespace(Manifests.yaml("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: n, labels: {pod-security.kubernetes.io/enforce: strict}}
                """))).hasMessageContaining("Unsupported value: \"strict\"");
    }
}
