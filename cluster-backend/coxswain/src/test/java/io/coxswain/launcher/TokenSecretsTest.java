package io.coxswain.launcher;

import io.coxswain.client.bootstrap.BootstrapToken;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenSecretsTest {

    private static final BootstrapToken TOKEN = BootstrapToken.parse("abcdef.0123456789abcdef");
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00.750Z");

    @Test
    void theSecretHoldsWhatKubeadmWrites() {
        Map<String, String> data = TokenSecrets.data(TOKEN, Duration.ofHours(24), NOW, "node join",
                List.of("system:bootstrappers:workers", "system:bootstrappers:workers"), List.of("signing", "authentication"));
        assertThat(data).containsExactly(Map.entry("token-id", "abcdef"), Map.entry("token-secret", "0123456789abcdef"),
                Map.entry("description", "node join"), Map.entry("expiration", "2026-12-08T12:00:00Z"),
                Map.entry("usage-bootstrap-signing", "true"), Map.entry("usage-bootstrap-authentication", "true"),
                Map.entry("auth-extra-groups", "system:bootstrappers:workers"));
        // ttl 0 never expires; no groups, no key
        assertThat(TokenSecrets.data(TOKEN, Duration.ZERO, NOW, null, List.of(), List.of("authentication")))
                .doesNotContainKeys("expiration", "auth-extra-groups", "description", "usage-bootstrap-signing");
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> TokenSecrets.data(TOKEN, Duration.ofHours(-1), NOW, null, List.of(), List.of("signing")))
                .hasMessageContaining("--ttl");
        assertThatThrownBy(() -> TokenSecrets.data(TOKEN, Duration.ZERO, NOW, null, List.of(), List.of("signing", "flying")))
                .hasMessageContaining("unknown usage \"flying\"");
        assertThatThrownBy(() -> TokenSecrets.data(TOKEN, Duration.ZERO, NOW, null, List.of(), List.of()))
                .hasMessageContaining("--usages needs at least one");
        assertThatThrownBy(() -> TokenSecrets.data(TOKEN, Duration.ZERO, NOW, null, List.of("system:masters"), List.of("signing")))
                .hasMessageContaining("group \"system:masters\"");
    }

    @Test
    void rowsAsKubeadmTokenListPrintsThem() {
        Map<String, String> data = TokenSecrets.data(TOKEN, Duration.ofHours(24), NOW, "", List.of(), List.of("signing", "authentication"));
        assertThat(TokenSecrets.row(data, NOW)).containsExactly("abcdef.0123456789abcdef", "23h", "2026-12-08T12:00:00Z",
                "authentication,signing", "<none>", "<none>");
        Map<String, String> forever = TokenSecrets.data(TOKEN, Duration.ZERO, NOW, "x", List.of(), List.of("authentication"));
        assertThat(TokenSecrets.row(forever, NOW)).containsExactly("abcdef.0123456789abcdef", "<forever>", "<never>", "authentication",
                "x", "<none>");
        assertThat(TokenSecrets.row(Map.of("token-id", "abcdef"), NOW)).isNull();
        assertThat(TokenSecrets.shortHumanDuration(Duration.ofSeconds(-5))).isEqualTo("<invalid>");
        assertThat(TokenSecrets.shortHumanDuration(Duration.ofSeconds(59))).isEqualTo("59s");
        assertThat(TokenSecrets.shortHumanDuration(Duration.ofMinutes(90))).isEqualTo("1h");
        assertThat(TokenSecrets.shortHumanDuration(Duration.ofDays(400))).isEqualTo("1y");
        assertThat(TokenSecrets.table(List.of(TokenSecrets.row(data, NOW))).lines().toList()).containsExactly(
                "TOKEN                     TTL   EXPIRES                USAGES                   DESCRIPTION   EXTRA GROUPS",
                "abcdef.0123456789abcdef   23h   2026-12-08T12:00:00Z   authentication,signing   <none>        <none>");
    }
}
