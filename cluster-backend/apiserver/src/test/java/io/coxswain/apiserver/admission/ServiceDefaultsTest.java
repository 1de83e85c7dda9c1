package io.coxswain.apiserver.admission;

import static io.coxswain.apiserver.admission.Manifests.assertCreatedAs;
import static io.coxswain.apiserver.admission.Manifests.created;
import static io.coxswain.apiserver.admission.Manifests.updated;
import static io.coxswain.apiserver.admission.Manifests.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ServiceDefaultsTest {

    @Test
    void clusterIpServiceLooksLikeKubectlGet() {
        // clusterIP/clusterIPs are allocated elsewhere; everything else is what kubectl shows.
        assertCreatedAs("""
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: default}
                spec:
                  selector: {app: web}
                  ports:
                  - port: 80
                """, """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: default}
                spec:
                  internalTrafficPolicy: Cluster
                  ipFamilies: [IPv4]
                  ipFamilyPolicy: SingleStack
                  ports:
                  - port: 80
                    protocol: TCP
                    targetPort: 80
                  selector: {app: web}
                  sessionAffinity: None
                  type: ClusterIP
                status:
                  loadBalancer: {}
                """);
    }

    @Test
    void nodePortService() {
        assertCreatedAs("""
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  type: NodePort
                  selector: {app: web}
                  ports:
                  - {name: http, port: 80, targetPort: http}
                  - {name: dns, port: 53, protocol: UDP, targetPort: 5353}
                """, """
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  externalTrafficPolicy: Cluster
                  internalTrafficPolicy: Cluster
                  ipFamilies: [IPv4]
                  ipFamilyPolicy: SingleStack
                  ports:
                  - {name: http, port: 80, protocol: TCP, targetPort: http}
                  - {name: dns, port: 53, protocol: UDP, targetPort: 5353}
                  selector: {app: web}
                  sessionAffinity: None
                  type: NodePort
                status:
                  loadBalancer: {}
                """);
    }

    @Test
    void loadBalancerService() {
        ObjectNode service = created("""
                apiVersion: v1
                kind: Service
                metadata: {name: lb}
                spec:
                  type: LoadBalancer
                  selector: {app: web}
                  ports: [{port: 443, targetPort: 8443}]
                """);
        JsonNode spec = service.get("spec");
        assertThat(spec.get("externalTrafficPolicy").asText()).isEqualTo("Cluster");
        assertThat(spec.get("internalTrafficPolicy").asText()).isEqualTo("Cluster");
        assertThat(spec.get("allocateLoadBalancerNodePorts").asBoolean()).isTrue();
        assertThat(spec.get("ports").get(0).get("targetPort").asInt()).isEqualTo(8443);
    }

    @Test
    void explicitFalseAndLocalPoliciesAreKept() {
        JsonNode spec = created("""
                apiVersion: v1
                kind: Service
                metadata: {name: lb}
                spec:
                  type: LoadBalancer
                  allocateLoadBalancerNodePorts: false
                  externalTrafficPolicy: Local
                  internalTrafficPolicy: Local
                  ipFamilyPolicy: PreferDualStack
                  selector: {app: web}
                  ports: [{port: 443}]
                """).get("spec");
        assertThat(spec.get("allocateLoadBalancerNodePorts").asBoolean()).isFalse();
        assertThat(spec.get("externalTrafficPolicy").asText()).isEqualTo("Local");
        assertThat(spec.get("internalTrafficPolicy").asText()).isEqualTo("Local");
        assertThat(spec.get("ipFamilyPolicy").asText()).isEqualTo("PreferDualStack");
        assertThat(spec.get("ipFamilies")).isEqualTo(yaml("[IPv4]"));
    }

    @Test
    void headlessServiceWithSelector() {
        JsonNode spec = created("""
                apiVersion: v1
                kind: Service
                metadata: {name: db}
                spec:
                  clusterIP: None
                  selector: {app: db}
                  ports: [{port: 5432}]
                """).get("spec");
        assertThat(spec.get("clusterIPs")).isEqualTo(yaml("[None]"));
        assertThat(spec.get("ipFamilyPolicy").asText()).isEqualTo("SingleStack");
        assertThat(spec.get("ipFamilies")).isEqualTo(yaml("[IPv4]"));
    }

    @Test
    void headlessSelectorlessServiceRequiresDualStack() {
        JsonNode spec = created("""
                apiVersion: v1
                kind: Service
                metadata: {name: external-db}
                spec:
                  clusterIP: None
                  ports: [{port: 5432}]
                """).get("spec");
        assertThat(spec.get("ipFamilyPolicy").asText()).isEqualTo("RequireDualStack");
        assertThat(spec.get("ipFamilies")).isEqualTo(yaml("[IPv4, IPv6]"));
        assertThat(spec.get("internalTrafficPolicy").asText()).isEqualTo("Cluster");
    }

    @Test
    void userClusterIpFillsClusterIpsAndFamily() {
        JsonNode spec = created("""
                apiVersion: v1
                kind: Service
                metadata: {name: dns}
                spec:
                  clusterIP: fd00::a
                  selector: {k8s-app: dns}
                  ports: [{port: 53, protocol: UDP}]
                """).get("spec");
        assertThat(spec.get("clusterIPs")).isEqualTo(yaml("[\"fd00::a\"]"));
        assertThat(spec.get("ipFamilies")).isEqualTo(yaml("[IPv6]"));
    }

    @Test
    void externalNameServiceGetsNoIpOrTrafficFields() {
        assertCreatedAs("""
                apiVersion: v1
                kind: Service
                metadata: {name: ext}
                spec:
                  type: ExternalName
                  externalName: db.example.com
                """, """
                apiVersion: v1
                kind: Service
                metadata: {name: ext}
                spec:
                  externalName: db.example.com
                  sessionAffinity: None
                  type: ExternalName
                status:
                  loadBalancer: {}
                """);
    }

    @Test
    void clientIpAffinityGetsDefaultTimeoutAndNoneDropsConfig() {
        JsonNode clientIp = created("""
                apiVersion: v1
                kind: Service
                metadata: {name: s}
                spec: {sessionAffinity: ClientIP, selector: {a: b}, ports: [{port: 80}]}
                """).get("spec");
        assertThat(clientIp.get("sessionAffinityConfig")).isEqualTo(yaml("{clientIP: {timeoutSeconds: 10800}}"));
        JsonNode kept = created("""
                apiVersion: v1
                kind: Service
                metadata: {name: s}
                spec:
                  sessionAffinity: ClientIP
                  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}
                  ports: [{port: 80}]
                """).get("spec");
        assertThat(kept.get("sessionAffinityConfig")).isEqualTo(yaml("{clientIP: {timeoutSeconds: 60}}"));
        JsonNode none = created("""
                apiVersion: v1
                kind: Service
                metadata: {name: s}
                spec: {sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}, ports: [{port: 80}]}
                """).get("spec");
        assertThat(none.has("sessionAffinityConfig")).isFalse();
    }

    @Test
    void clusterIpWithExternalIpsIsExternallyAccessible() {
        JsonNode spec = created("""
                apiVersion: v1
                kind: Service
                metadata: {name: s}
                spec: {externalIPs: [203.0.113.7], selector: {a: b}, ports: [{port: 80}]}
                """).get("spec");
        assertThat(spec.get("externalTrafficPolicy").asText()).isEqualTo("Cluster");
    }

    @Test
    void updateKeepsStatusAndLeavesIpFamiliesToTheAllocator() {
        ObjectNode service = updated("""
                apiVersion: v1
                kind: Service
                metadata: {name: lb}
                spec: {type: LoadBalancer, ports: [{port: 80}]}
                status:
                  loadBalancer:
                    ingress: [{ip: 198.51.100.1}, {hostname: lb.example.com}]
                """);
        assertThat(service.get("spec").has("ipFamilies")).isFalse();
        assertThat(service.get("status")).isEqualTo(yaml("""
                loadBalancer:
                  ingress: [{ip: 198.51.100.1, ipMode: VIP}, {hostname: lb.example.com}]
                """));
    }

    @Test
    void endpointPortsDefaultToTcp() {
        assertCreatedAs("""
                apiVersion: v1
                kind: Endpoints
                metadata: {name: web}
                subsets:
                - addresses: [{ip: 10.1.0.4}]
                  ports: [{port: 80}, {name: dns, port: 53, protocol: UDP}]
                """, """
                apiVersion: v1
                kind: Endpoints
                metadata: {name: web}
                subsets:
                - addresses: [{ip: 10.1.0.4}]
                  ports: [{port: 80, protocol: TCP}, {name: dns, port: 53, protocol: UDP}]
                """);
    }
}
