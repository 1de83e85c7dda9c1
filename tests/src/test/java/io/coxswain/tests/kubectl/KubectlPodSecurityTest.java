package io.coxswain.tests.kubectl;

import io.coxswain.tests.cluster.Kubectl;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static io.coxswain.tests.kubectl.KubectlSession.verified;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pod Security admission through real kubectl: baseline by default with kube's message, a privileged namespace
 * allowing the same pod, restricted, warnings on workload templates, and the Docker socket refused everywhere.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlPodSecurityTest extends KubectlSuite {

    private static final String NAMESPACES = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: plain}
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: trusted
              labels: {pod-security.kubernetes.io/enforce: privileged}
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: locked
              labels: {pod-security.kubernetes.io/enforce: restricted}
            """;

    private static String hostPod(String namespace) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: x, namespace: %s}
                spec:
                  hostNetwork: true
                  containers:
                  - name: c
                    image: coxswain/busybox:1
                    command: [sleep, '3600']
                  volumes:
                  - name: h
                    hostPath: {path: /srv}
                """.formatted(namespace);
    }

    private static String socketPod(String namespace, String path) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: sock, namespace: %s}
                spec:
                  containers:
                  - {name: c, image: coxswain/busybox:1, volumeMounts: [{name: d, mountPath: /d}]}
                  volumes:
                  - name: d
                    hostPath: {path: %s}
                """.formatted(namespace, path);
    }

    /** kubectl with a standard input (or null), whatever its exit code. */
    private static Kubectl.Result kubectl(String stdin, String... args) throws java.io.IOException, InterruptedException {
        return k.kubectl.run(stdin, args);
    }

    @Test
    @Order(1)
    void baselineIsTheDefaultAndRefusesWithKubesMessage() throws Exception {
        k.okWithInput(NAMESPACES, "apply", "-f", "-");
        Kubectl.Result r = kubectl(hostPod("plain"), "apply", "-f", "-");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("Error from server (Forbidden)").contains("pods \"x\" is forbidden: violates PodSecurity "
                + "\"baseline:latest\": host namespaces (hostNetwork=true), hostPath volumes (volume \"h\")");
        verified("apply of a hostNetwork + hostPath pod in a namespace without labels -> " + r.stderr().strip());
        Kubectl.Result privileged = kubectl("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: plain}
                spec:
                  containers:
                  - {name: c, image: coxswain/busybox:1, securityContext: {privileged: true}}
                """, "create", "-f", "-");
        assertThat(privileged.stderr()).contains("pods \"p\" is forbidden: violates PodSecurity \"baseline:latest\": "
                + "privileged (container \"c\" must not set securityContext.privileged=true)");
        verified("create of a privileged pod in a baseline namespace -> Forbidden");
    }

    @Test
    @Order(2)
    void aPrivilegedNamespaceAllowsIt() throws Exception {
        assertThat(k.okWithInput(hostPod("trusted"), "apply", "-f", "-").stdout()).contains("pod/x created");
        verified("apply of the same pod in a namespace labelled pod-security.kubernetes.io/enforce=privileged -> created");
    }

    @Test
    @Order(3)
    void theDockerSocketIsRefusedEvenInAPrivilegedNamespace() throws Exception {
        for (String path : new String[] {"/var/run/docker.sock", "/run/docker.sock", "/var/run", "/"}) {
            Kubectl.Result r = kubectl(socketPod("trusted", path), "apply", "-f", "-");
            assertThat(r.exitCode()).as(path).isNotZero();
            assertThat(r.stderr()).as(path).contains("pods \"sock\" is forbidden: hostPath volume \"d\" would mount the container "
                    + "engine's socket");
            verified("apply of a pod mounting " + path + " in a privileged namespace -> Forbidden");
        }
    }

    @Test
    @Order(4)
    void templatesWarnAndTheirPodsAreRefused() throws Exception {
        Kubectl.Result r = k.okWithInput("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: hosty, namespace: plain}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: hosty}}
                  template:
                    metadata: {labels: {app: hosty}}
                    spec:
                      hostPID: true
                      containers: [{name: c, image: coxswain/busybox:1}]
                """, "apply", "-f", "-");
        assertThat(r.stderr()).contains("Warning: would violate PodSecurity \"baseline:latest\": host namespaces (hostPID=true)");
        verified("apply of a hostPID Deployment in a baseline namespace -> created with " + r.stderr().strip());
    }

    @Test
    @Order(5)
    void restrictedAndTheLabelsValues() throws Exception {
        Kubectl.Result r = kubectl("""
                apiVersion: v1
                kind: Pod
                metadata: {name: r, namespace: locked}
                spec:
                  containers: [{name: c, image: coxswain/busybox:1}]
                """, "apply", "-f", "-");
        assertThat(r.stderr()).contains("violates PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false");
        verified("apply of a plain pod in a restricted namespace -> Forbidden");
        assertThat(k.okWithInput("""
                apiVersion: v1
                kind: Pod
                metadata: {name: r, namespace: locked}
                spec:
                  securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
                  containers:
                  - name: c
                    image: coxswain/busybox:1
                    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
                """, "apply", "-f", "-").stdout()).contains("pod/r created");
        verified("apply of a restricted-compliant pod in a restricted namespace -> created");
        Kubectl.Result label = kubectl(null, "label", "namespace", "plain", "pod-security.kubernetes.io/enforce=strict");
        assertThat(label.exitCode()).isNotZero();
        assertThat(label.stderr()).contains("Unsupported value: \"strict\"");
        verified("label namespace plain pod-security.kubernetes.io/enforce=strict -> Invalid");
        k.ok("label", "namespace", "plain", "pod-security.kubernetes.io/enforce=privileged");
        assertThat(k.okWithInput(hostPod("plain"), "apply", "-f", "-").stdout()).contains("pod/x created");
        verified("the pod refused before is created once its namespace is labelled privileged");
    }
}
