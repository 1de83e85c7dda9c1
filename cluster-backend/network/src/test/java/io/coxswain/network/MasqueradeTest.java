package io.coxswain.network;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MasqueradeTest {

    @Test
    void flannelsRulesInOrderAsIptablesPrintsThem() {
        assertThat(Masquerade.rules("10.244.0.0/16", "10.244.1.0/24")).containsExactly(
                "-A COXSWAIN-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment \"coxswain overlay masq\" -j RETURN",
                "-A COXSWAIN-POSTRTG -s 10.244.1.0/24 -d 10.244.0.0/16 -m comment --comment \"coxswain overlay masq\" -j RETURN",
                "-A COXSWAIN-POSTRTG -s 10.244.0.0/16 -d 10.244.1.0/24 -m comment --comment \"coxswain overlay masq\" -j RETURN",
                "-A COXSWAIN-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment \"coxswain overlay masq\" -j MASQUERADE --random-fully",
                "-A COXSWAIN-POSTRTG ! -s 10.244.0.0/16 -d 10.244.1.0/24 -m comment --comment \"coxswain overlay masq\" -j RETURN",
                "-A COXSWAIN-POSTRTG ! -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment \"coxswain overlay masq\" -j MASQUERADE --random-fully");
    }
}
