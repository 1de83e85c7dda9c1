package io.coxswain.apiserver;

import io.coxswain.apiserver.admission.ServiceAllocator;
import io.coxswain.apiserver.certificates.CsrStrategy;
import io.coxswain.apiserver.core.ConfigMapStrategy;
import io.coxswain.apiserver.core.NamespaceStrategy;
import io.coxswain.apiserver.core.PodStrategy;
import io.coxswain.apiserver.core.SecretStrategy;
import io.coxswain.apiserver.core.ServiceStrategy;
import io.coxswain.apiserver.discovery.EndpointSliceStrategy;
import io.coxswain.apiserver.rbac.BindingStrategy;
import io.coxswain.apiserver.registry.ResourceStrategy;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/** The kinds with a strategy of their own, by {@code group/Kind} (any version); the others get ResourceStrategy.NONE. */
final class KindStrategies {

    private KindStrategies() {
    }

    static Map<String, ResourceStrategy> standard(ServiceAllocator allocator) {
        return standard(allocator, null);
    }

    /** @param podAdmission the mutating admission of a pod being created (ServiceAccount's), or null for none */
    static Map<String, ResourceStrategy> standard(ServiceAllocator allocator, java.util.function.Consumer<ObjectNode> podAdmission) {
        return Map.of(
                "/Namespace", new NamespaceStrategy(),
                "/Pod", new PodStrategy(podAdmission),
                "/Service", new ServiceStrategy(allocator),
                "/ConfigMap", new ConfigMapStrategy(),
                "/Secret", new SecretStrategy(),
                "rbac.authorization.k8s.io/RoleBinding", new BindingStrategy("RoleBinding"),
                "rbac.authorization.k8s.io/ClusterRoleBinding", new BindingStrategy("ClusterRoleBinding"),
                "certificates.k8s.io/CertificateSigningRequest", new CsrStrategy(),
                "discovery.k8s.io/EndpointSlice", new EndpointSliceStrategy());
    }
}
