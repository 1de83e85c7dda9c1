package io.coxswain.apiserver.auth.bootstrap;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.coxswain.apiserver.auth.UserInfo;
import io.coxswain.client.bootstrap.BootstrapToken;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BootstrapTokenAuthenticatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BootstrapToken TOKEN = BootstrapToken.parse("abcdef.0123456789abcdef");
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private final Map<String, TokenSecret> secrets = new HashMap<>();
    private final BootstrapTokenAuthenticator authenticator =
            new BootstrapTokenAuthenticator(secrets::get, Clock.fixed(NOW, ZoneOffset.UTC));

    private void store(String type, Map<String, String> data, boolean deleting) throws Exception {
        var secret = JSON.createObjectNode().put("type", type);
        var meta = secret.putObject("metadata").put("name", TOKEN.secretName()).put("namespace", "kube-system");
        if (deleting) {
            meta.put("deletionTimestamp", "2026-12-07T11:00:00Z");
        }
        var d = secret.putObject("data");
        data.forEach((k, v) -> d.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        secrets.put(TOKEN.secretName(), TokenSecret.of(JSON.readTree(secret.toString())));
    }

    private static Map<String, String> valid() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("token-id", "abcdef");
        data.put("token-secret", "0123456789abcdef");
        data.put("usage-bootstrap-authentication", "true");
        data.put("expiration", "2026-12-08T12:00:00Z");
        data.put("auth-extra-groups", "system:bootstrappers:worker, system:bootstrappers");
        return data;
    }

    @Test
    void aValidTokenIsItsBootstrapUserWithItsGroups() throws Exception {
        store(BootstrapToken.SECRET_TYPE, valid(), false);
        UserInfo user = authenticator.authenticate(TOKEN).user();
        assertThat(user.name()).isEqualTo("system:bootstrap:abcdef");
        assertThat(user.groups()).containsExactly("system:bootstrappers", "system:bootstrappers:worker", "system:authenticated");
        assertThat(authenticator.user("abcdef.0123456789abcdef")).contains(user);
        // not a bootstrap token at all: left to the other authenticators, no refusal
        assertThat(authenticator.user("some-static-token")).isEmpty();
    }

    @Test
    void eachRefusalSaysWhyWithoutTheSecret() throws Exception {
        assertThat(refusal()).startsWith("unknown token id");
        store("Opaque", valid(), false);
        assertThat(refusal()).contains("is of type Opaque");
        store(BootstrapToken.SECRET_TYPE, valid(), true);
        assertThat(refusal()).contains("deleted");
        Map<String, String> data = valid();
        data.put("token-secret", "ffffffffffffffff");
        store(BootstrapToken.SECRET_TYPE, data, false);
        assertThat(refusal()).startsWith("wrong secret").doesNotContain("0123456789abcdef").doesNotContain("ffffffffffffffff");
        data = valid();
        data.put("expiration", "2026-12-07T11:59:59Z");
        store(BootstrapToken.SECRET_TYPE, data, false);
        assertThat(refusal()).isEqualTo("expired: its expiration is 2026-12-07T11:59:59Z");
        data.put("expiration", "tomorrow");
        store(BootstrapToken.SECRET_TYPE, data, false);
        assertThat(refusal()).isEqualTo("expired: its expiration is tomorrow");
        data = valid();
        data.remove("usage-bootstrap-authentication");
        store(BootstrapToken.SECRET_TYPE, data, false);
        assertThat(refusal()).contains("not marked usage-bootstrap-authentication=true");
        data = valid();
        data.put("auth-extra-groups", "system:masters");
        store(BootstrapToken.SECRET_TYPE, data, false);
        assertThat(refusal()).contains("invalid auth-extra-groups").contains("system:masters");
        data = valid();
        data.put("token-id", "zzzzzz");
        store(BootstrapToken.SECRET_TYPE, data, false);
        assertThat(refusal()).contains("another token-id");
        data = valid();
        data.remove("expiration");
        store(BootstrapToken.SECRET_TYPE, data, false);
        assertThat(authenticator.authenticate(TOKEN).user()).isNotNull();
        assertThat(List.of(authenticator.authenticate(TOKEN).user().name())).containsExactly("system:bootstrap:abcdef");
    }

    private String refusal() {
        BootstrapTokenAuthenticator.Outcome outcome = authenticator.authenticate(TOKEN);
        assertThat(outcome.user()).isNull();
        return outcome.refusal();
    }
}
