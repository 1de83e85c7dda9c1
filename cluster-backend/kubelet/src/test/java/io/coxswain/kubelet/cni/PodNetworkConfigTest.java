package io.coxswain.kubelet.cni;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PodNetworkConfigTest {

    @Test
    void theListIsKubenetsShapeOnTheNodesCidr() {
        CniOptions options = new CniOptions(List.of(Path.of("/usr/lib/cni")), Path.of("/var/lib/cni"), false, 1450);
        JsonObject list = PodNetworkConfig.conflist("10.244.1.0/24", options);
        assertThat(list.getString("cniVersion")).isEqualTo("1.0.0");
        assertThat(list.getString("name")).isEqualTo("coxswain");
        JsonObject bridge = list.getJsonArray("plugins").getJsonObject(0);
        assertThat(bridge.getString("type")).isEqualTo("bridge");
        assertThat(bridge.getString("bridge")).isEqualTo("cx-0af40100");
        assertThat(bridge.getBoolean("isGateway")).isTrue();
        assertThat(bridge.getBoolean("ipMasq")).isFalse();
        assertThat(bridge.getBoolean("hairpinMode")).isTrue();
        assertThat(bridge.getInteger("mtu")).isEqualTo(1450);
        JsonObject ipam = bridge.getJsonObject("ipam");
        assertThat(ipam.getString("type")).isEqualTo("host-local");
        assertThat(ipam.getJsonArray("ranges").getJsonArray(0).getJsonObject(0).getString("subnet")).isEqualTo("10.244.1.0/24");
        assertThat(ipam.getString("dataDir")).isEqualTo("/var/lib/cni/networks");
        JsonObject portmap = list.getJsonArray("plugins").getJsonObject(1);
        assertThat(portmap.getString("type")).isEqualTo("portmap");
        assertThat(portmap.getJsonObject("capabilities").getBoolean("portMappings")).isTrue();
        assertThat(PodNetworkConfig.conflist("10.244.1.0/24", CniOptions.defaults()).getJsonArray("plugins").getJsonObject(0)
                .containsKey("mtu")).as("no MTU unless one is given").isFalse();
    }

    @Test
    void bridgesAreNamedAfterTheirCidrAndFitTheKernelsLimit() {
        assertThat(PodNetworkConfig.bridgeName("10.244.0.0/24")).isEqualTo("cx-0af40000");
        assertThat(PodNetworkConfig.bridgeName("192.168.255.0/24")).isEqualTo("cx-c0a8ff00").hasSizeLessThanOrEqualTo(15);
        assertThatThrownBy(() -> PodNetworkConfig.bridgeName("example.com/24")).hasMessageContaining("not an IPv4 CIDR");
        assertThatThrownBy(() -> PodNetworkConfig.bridgeName(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cidrsContainTheirAddressesOnly() {
        assertThat(Cidrs.contains("10.244.1.0/24", "10.244.1.7")).isTrue();
        assertThat(Cidrs.contains("10.244.1.0/24", "10.244.2.7")).isFalse();
        assertThat(Cidrs.contains("10.244.0.0/16", "10.244.200.1")).isTrue();
        assertThat(Cidrs.contains("0.0.0.0/0", "8.8.8.8")).isTrue();
    }
}
