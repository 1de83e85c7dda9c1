package io.coxswain.controllers.endpointslice;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointsMirrorTest {

    @Test
    void subsetsBecomeEndpointsPerAddressTypeAndPortsAndWhatASliceRefusesIsSkipped() {
        Endpoints ep = new EndpointsBuilder().withNewMetadata().withName("db").withNamespace("default").endMetadata()
                .addNewSubset()
                .addNewAddress().withIp("192.0.2.10").withHostname("db-0").withNodeName("node-1").endAddress()
                .addNewAddress().withIp("2001:db8::10").endAddress()
                .addNewAddress().withIp("127.0.0.1").endAddress()
                .addNewAddress().withIp("db.example.com").endAddress()
                .addNewNotReadyAddress().withIp("192.0.2.11").endNotReadyAddress()
                .addNewPort().withPort(5432).endPort()
                .endSubset().build();
        int[] skipped = {0};
        DesiredEndpoints desired = EndpointsMirror.desired(ep, skipped);
        assertThat(skipped[0]).isEqualTo(2);
        List<EndpointPort> ports = List.of(new EndpointPort(null, "", 5432, "TCP"));
        DesiredEndpoints.Group v4 = desired.groups().get(DesiredEndpoints.groupKey("IPv4", ports));
        assertThat(v4.endpoints().values()).extracting(e -> e.getAddresses().get(0) + " " + e.getConditions().getReady())
                .containsExactly("192.0.2.10 true", "192.0.2.11 false");
        Endpoint first = v4.endpoints().values().iterator().next();
        assertThat(first.getHostname()).isEqualTo("db-0");
        assertThat(first.getNodeName()).isEqualTo("node-1");
        assertThat(desired.groups().get(DesiredEndpoints.groupKey("IPv6", ports)).endpoints()).hasSize(1);
    }
}
