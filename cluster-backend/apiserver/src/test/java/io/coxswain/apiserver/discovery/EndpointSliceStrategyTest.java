package io.coxswain.apiserver.discovery;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Addresses checked against the slice's addressType, as kube's validateEndpoints does. */
class EndpointSliceStrategyTest {

    @Test
    void ipv4() {
        assertThat(EndpointSliceStrategy.addressProblem("IPv4", "10.244.1.7")).isNull();
        assertThat(EndpointSliceStrategy.addressProblem("IPv4", "10.244.1")).isEqualTo("must be a valid IPv4 address");
        assertThat(EndpointSliceStrategy.addressProblem("IPv4", "2001:db8::1")).isEqualTo("must be a valid IPv4 address");
        assertThat(EndpointSliceStrategy.addressProblem("IPv4", "127.0.0.1")).contains("loopback");
        assertThat(EndpointSliceStrategy.addressProblem("IPv4", "169.254.1.1")).contains("link-local");
        assertThat(EndpointSliceStrategy.addressProblem("IPv4", "0.0.0.0")).contains("unspecified");
        assertThat(EndpointSliceStrategy.addressProblem("IPv4", "224.0.0.5")).contains("multicast");
    }

    @Test
    void ipv6() {
        assertThat(EndpointSliceStrategy.addressProblem("IPv6", "2001:db8::1")).isNull();
        assertThat(EndpointSliceStrategy.addressProblem("IPv6", "10.0.0.1")).isEqualTo("must be a valid IPv6 address");
        assertThat(EndpointSliceStrategy.addressProblem("IPv6", "db.example.com")).isEqualTo("must be a valid IPv6 address");
        assertThat(EndpointSliceStrategy.addressProblem("IPv6", "::1")).contains("loopback");
        assertThat(EndpointSliceStrategy.addressProblem("IPv6", "fe80::1")).contains("link-local");
    }

    @Test
    void fqdn() {
        assertThat(EndpointSliceStrategy.addressProblem("FQDN", "db.example.com")).isNull();
        assertThat(EndpointSliceStrategy.addressProblem("FQDN", "db")).contains("at least two segments");
        assertThat(EndpointSliceStrategy.addressProblem("FQDN", "DB.example.com")).contains("lower case");
    }
}
