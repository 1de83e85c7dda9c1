package io.coxswain.controllers.bootstrap;

import io.coxswain.client.bootstrap.BootstrapToken;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** bootstrapsigner's validateSecretForSigning and tokencleaner's expiration, on fabric8 Secrets. */
class TokenSecretsTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private static Secret secret(String namespace, String name, String type, Map<String, String> plain) {
        Map<String, String> data = new LinkedHashMap<>();
        plain.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata().withType(type)
                .withData(data).build();
    }

    private static Map<String, String> signing(String expiration) {
        Map<String, String> data = new LinkedHashMap<>(Map.of("token-id", "abcdef", "token-secret", "0123456789abcdef",
                "usage-bootstrap-signing", "true"));
        if (expiration != null) {
            data.put("expiration", expiration);
        }
        return data;
    }

    @Test
    void onlyAValidUnexpiredSigningTokenSigns() {
        Secret good = secret("kube-system", "bootstrap-token-abcdef", BootstrapToken.SECRET_TYPE, signing("2026-12-08T00:00:00Z"));
        assertThat(TokenSecrets.signingToken(good, NOW)).isEqualTo(BootstrapToken.parse("abcdef.0123456789abcdef"));
        assertThat(TokenSecrets.expiration(good)).isEqualTo(Instant.parse("2026-12-08T00:00:00Z"));
        assertThat(TokenSecrets.signingToken(secret("kube-system", "bootstrap-token-abcdef", BootstrapToken.SECRET_TYPE, signing(null)), NOW))
                .isNotNull();
        // expired, unparsable (counts as expired), another name, another namespace, another type, not for signing
        assertThat(TokenSecrets.signingToken(secret("kube-system", "bootstrap-token-abcdef", BootstrapToken.SECRET_TYPE,
                signing("2026-12-07T11:00:00Z")), NOW)).isNull();
        assertThat(TokenSecrets.signingToken(secret("kube-system", "bootstrap-token-abcdef", BootstrapToken.SECRET_TYPE,
                signing("soon")), NOW)).isNull();
        assertThat(TokenSecrets.signingToken(secret("kube-system", "bootstrap-token-zzzzzz", BootstrapToken.SECRET_TYPE, signing(null)), NOW))
                .isNull();
        assertThat(TokenSecrets.signingToken(secret("default", "bootstrap-token-abcdef", BootstrapToken.SECRET_TYPE, signing(null)), NOW))
                .isNull();
        assertThat(TokenSecrets.signingToken(secret("kube-system", "bootstrap-token-abcdef", "Opaque", signing(null)), NOW)).isNull();
        Map<String, String> auth = signing(null);
        auth.remove("usage-bootstrap-signing");
        assertThat(TokenSecrets.signingToken(secret("kube-system", "bootstrap-token-abcdef", BootstrapToken.SECRET_TYPE, auth), NOW)).isNull();
    }
}
