package io.coxswain.controllers.endpointslice;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What every slice of one service made by one controller carries: its namespace, its name prefix, its labels
 * (kubernetes.io/service-name and endpointslice.kubernetes.io/managed-by among them), annotations when the controller
 * manages them (null: left alone), its owner, and whether a service without endpoints keeps an empty placeholder slice.
 */
record SliceTemplate(String namespace, String serviceName, Map<String, String> labels, Map<String, String> annotations,
                     OwnerReference owner, int maxEndpointsPerSlice, boolean placeholder) {

    static final String SERVICE_NAME = io.coxswain.api.EndpointSliceLabels.SERVICE_NAME;
    static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";

    /** A new slice (no name yet: the apiserver completes generateName {@code <service>-}). */
    EndpointSlice newSlice(String addressType, List<EndpointPort> ports, List<Endpoint> endpoints) {
        EndpointSlice slice = new EndpointSliceBuilder()
                .withNewMetadata().withNamespace(namespace).withGenerateName(serviceName + "-").endMetadata()
                .withAddressType(addressType).withPorts(new ArrayList<>(ports)).withEndpoints(new ArrayList<>(endpoints)).build();
        stamp(slice);
        return slice;
    }

    /** Puts this template's labels, annotations and owner on an existing slice. */
    void stamp(EndpointSlice slice) {
        slice.getMetadata().setLabels(new java.util.HashMap<>(labels));
        if (annotations != null) {
            slice.getMetadata().setAnnotations(annotations.isEmpty() ? null : new java.util.HashMap<>(annotations));
        }
        slice.getMetadata().setOwnerReferences(List.of(owner));
    }

    /** Whether the slice's labels, managed annotations and owner are this template's. */
    boolean stamped(EndpointSlice slice) {
        Map<String, String> have = slice.getMetadata().getLabels() == null ? Map.of() : slice.getMetadata().getLabels();
        if (!have.equals(labels)) {
            return false;
        }
        if (annotations != null) {
            Map<String, String> a = slice.getMetadata().getAnnotations() == null ? Map.of() : slice.getMetadata().getAnnotations();
            if (!a.equals(annotations)) {
                return false;
            }
        }
        List<OwnerReference> owners = slice.getMetadata().getOwnerReferences();
        return owners != null && owners.size() == 1 && Objects.equals(owners.get(0).getUid(), owner.getUid());
    }
}
