package io.coxswain.controllers.nodeipam;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrSetTest {

    @Test
    void blocksInOrderUntilFullThenAFreedOneAfterTheLastGiven() {
        CidrSet set = new CidrSet("10.244.0.0/22", 24);
        List<String> given = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            given.add(set.allocate());
        }
        assertThat(given).containsExactly("10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24", "10.244.3.0/24");
        assertThat(set.allocate()).isNull();
        assertThat(set.free()).isZero();
        set.release("10.244.1.0/24");
        assertThat(set.allocate()).isEqualTo("10.244.1.0/24");
    }

    @Test
    void aReleasedBlockIsNotGivenAgainAtOnceWhileOthersAreFree() {
        CidrSet set = new CidrSet("10.244.0.0/16", 24);
        String first = set.allocate();
        set.release(first);
        assertThat(set.allocate()).isEqualTo("10.244.1.0/24");
        assertThat(set.free()).isEqualTo(255);
    }

    @Test
    void blocksNodesAlreadyHaveAreSkipped() {
        CidrSet set = new CidrSet("10.244.0.0/16", 24);
        assertThat(set.occupy("10.244.0.0/24")).isTrue();
        assertThat(set.occupy("10.244.1.0/24")).isTrue();
        assertThat(set.allocate()).isEqualTo("10.244.2.0/24");
        assertThat(set.occupy("10.245.0.0/24")).as("outside the cluster CIDR").isFalse();
        assertThat(set.occupy("10.244.0.0/25")).as("not a node block").isFalse();
        assertThat(set.occupy("10.244.0.128/24")).as("host bits").isFalse();
        assertThat(set.occupy("fd00::/64")).isFalse();
    }

    @Test
    void otherMaskSizes() {
        CidrSet set = new CidrSet("10.42.0.0/16", 26);
        assertThat(set.allocate()).isEqualTo("10.42.0.0/26");
        assertThat(set.allocate()).isEqualTo("10.42.0.64/26");
        assertThat(set.free()).isEqualTo(1022);
        assertThat(new CidrSet("192.168.0.0/24", 24).allocate()).isEqualTo("192.168.0.0/24");
    }

    @Test
    void badFlagsAreRefusedWithTheirNames() {
        assertThatThrownBy(() -> new CidrSet("10.244.0.0", 24)).hasMessage("--cluster-cidr 10.244.0.0 is not in CIDR notation (as 10.244.0.0/16)");
        assertThatThrownBy(() -> new CidrSet("10.244.0.0/33", 24)).hasMessage("--cluster-cidr 10.244.0.0/33: prefix length 33 is not between 0 and 32");
        assertThatThrownBy(() -> new CidrSet("10.244.0.1/16", 24)).hasMessage("--cluster-cidr 10.244.0.1/16 has host bits set; the network is 10.244.0.0/16");
        assertThatThrownBy(() -> new CidrSet("10.300.0.0/16", 24)).hasMessage("--cluster-cidr 10.300.0.0/16: 10.300.0.0 is not an IPv4 address");
        assertThatThrownBy(() -> new CidrSet("fd00::/48", 64)).hasMessage("--cluster-cidr fd00::/48: only IPv4 cluster CIDRs are supported");
        assertThatThrownBy(() -> new CidrSet("10.244.0.0/16", 8)).hasMessage("--node-cidr-mask-size 8 must be between the cluster CIDR's prefix (16) and 30");
        assertThatThrownBy(() -> new CidrSet("10.0.0.0/8", 28)).hasMessageStartingWith("--node-cidr-mask-size 28 gives more than 65,536 node blocks");
    }
}
