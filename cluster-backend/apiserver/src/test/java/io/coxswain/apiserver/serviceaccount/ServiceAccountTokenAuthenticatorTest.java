package io.coxswain.apiserver.serviceaccount;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.apiserver.auth.UserInfo;
import io.coxswain.store.KeyValue;
import io.coxswain.store.embedded.EmbeddedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Tokens signed as TokenRequests sign them, checked against a real embedded store through the in-memory index. */
class ServiceAccountTokenAuthenticatorTest {

    private static final Instant NOW = Instant.parse("2026-12-08T10:00:00Z");

    @TempDir
    Path dir;

    private static byte[] object(String kind, String ns, String name, String uid, String extra) {
        return ("{\"apiVersion\":\"v1\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"" + name + "\""
                + (ns == null ? "" : ",\"namespace\":\"" + ns + "\"") + ",\"uid\":\"" + uid + "\"}" + extra + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String bound(ServiceAccountKeys keys, List<String> aud, Instant issued, long seconds, TokenClaims.Ref pod) {
        ObjectNode claims = TokenClaims.bound(keys.issuer(), "team", new TokenClaims.Ref("bot", "sa-1"), aud, issued, seconds, 0,
                pod, null, null);
        return new TokenSigner(keys).sign(claims);
    }

    @Test
    void boundTokensStandForTheirAccountWhileItAndThePodLive() throws Exception {
        ServiceAccountKeys keys = ServiceAccountKeys.load(dir.resolve("pki"), null, List.of(), null, List.of());
        try (EmbeddedStore store = EmbeddedStore.open(dir.resolve("store")); ServiceAccountIndex accounts = new ServiceAccountIndex(store);
             BoundObjects objects = new BoundObjects(store, accounts)) {
            store.create("/registry/serviceaccounts/team/bot", object("ServiceAccount", "team", "bot", "sa-1", "")).get();
            KeyValue pod = store.create("/registry/pods/team/web", object("Pod", "team", "web", "pod-1", ",\"spec\":{\"nodeName\":\"n1\"}")).get();
            accounts.start().get(10, TimeUnit.SECONDS);
            objects.start().get(10, TimeUnit.SECONDS);
            var auth = new ServiceAccountTokenAuthenticator(keys, objects, Clock.fixed(NOW, ZoneOffset.UTC));
            List<String> api = List.of(ServiceAccountKeys.DEFAULT_ISSUER);

            String token = bound(keys, api, NOW, 3600, new TokenClaims.Ref("web", "pod-1"));
            UserInfo user = auth.user(token).orElseThrow();
            assertThat(user.name()).isEqualTo("system:serviceaccount:team:bot");
            assertThat(user.uid()).isEqualTo("sa-1");
            assertThat(user.groups()).containsExactly("system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated");
            assertThat(user.extra().get("authentication.kubernetes.io/pod-name")).containsExactly("web");
            assertThat(user.extra().get("authentication.kubernetes.io/pod-uid")).containsExactly("pod-1");
            assertThat(user.extra().get("authentication.kubernetes.io/credential-id").get(0)).startsWith("JTI=");

            // meant for someone else; expired beyond the leeway; not yet valid; a pod of another uid; another key
            assertThat(auth.user(bound(keys, List.of("vault"), NOW, 3600, null))).isEmpty();
            assertThat(auth.user(bound(keys, List.of("vault"), NOW, 3600, null), List.of("vault"))).isPresent();
            assertThat(auth.user(bound(keys, api, NOW.minusSeconds(3600 + 61), 3600, null))).isEmpty();
            assertThat(auth.user(bound(keys, api, NOW.minusSeconds(3600 + 30), 3600, null))).isPresent();
            assertThat(auth.user(bound(keys, api, NOW.plusSeconds(120), 3600, null))).isEmpty();
            assertThat(auth.user(bound(keys, api, NOW, 3600, new TokenClaims.Ref("web", "pod-0")))).isEmpty();
            assertThat(auth.user(bound(ServiceAccountKeys.ephemeral(), api, NOW, 3600, null))).isEmpty();
            // a tampered payload: the signature no longer holds
            String[] parts = token.split("\\.");
            String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(new String(
                    Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("\"bot\"", "\"admin\"")
                    .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
            assertThat(auth.user(forged)).isEmpty();
            // not a JWT at all: another authenticator's business
            assertThat(auth.user("abcdef.0123456789abcdef")).isEmpty();

            // the pod goes: its tokens stop working; the account is recreated with a new uid: all its tokens stop
            store.delete(pod.key(), pod.modRevision()).get();
            await(() -> auth.user(token).isEmpty());
            String unbound = bound(keys, api, NOW, 3600, null);
            assertThat(auth.user(unbound)).isPresent();
            KeyValue sa = store.get("/registry/serviceaccounts/team/bot").get().orElseThrow();
            store.update(sa.key(), object("ServiceAccount", "team", "bot", "sa-2", ""), sa.modRevision()).get();
            await(() -> auth.user(unbound).isEmpty());
        }
    }

    @Test
    void legacyTokensHoldWhileTheirSecretHoldsThem() throws Exception {
        ServiceAccountKeys keys = ServiceAccountKeys.load(dir.resolve("pki"), null, List.of(), null, List.of());
        String token = new TokenSigner(keys).sign(TokenClaims.legacy("team", "bot", "sa-1", "bot-token"));
        try (EmbeddedStore store = EmbeddedStore.open(dir.resolve("store")); ServiceAccountIndex accounts = new ServiceAccountIndex(store);
             BoundObjects objects = new BoundObjects(store, accounts)) {
            store.create("/registry/serviceaccounts/team/bot", object("ServiceAccount", "team", "bot", "sa-1", "")).get();
            String data = ",\"type\":\"kubernetes.io/service-account-token\",\"data\":{\"token\":\""
                    + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)) + "\"}";
            KeyValue secret = store.create("/registry/secrets/team/bot-token", object("Secret", "team", "bot-token", "s-1", data)).get();
            accounts.start().get(10, TimeUnit.SECONDS);
            objects.start().get(10, TimeUnit.SECONDS);
            var auth = new ServiceAccountTokenAuthenticator(keys, objects, Clock.systemUTC());
            assertThat(auth.user(token).map(UserInfo::name)).isEqualTo(Optional.of("system:serviceaccount:team:bot"));
            store.update(secret.key(), object("Secret", "team", "bot-token", "s-1",
                    ",\"type\":\"kubernetes.io/service-account-token\",\"data\":{\"token\":\"b3RoZXI=\"}"), secret.modRevision()).get();
            await(() -> auth.user(token).isEmpty());
        }
    }

    @Test
    void theKeyPairIsMadeOnceBesideTheCaAndKeptPrivate() throws Exception {
        Path pki = dir.resolve("pki");
        ServiceAccountKeys first = ServiceAccountKeys.load(pki, null, List.of(), null, List.of());
        ServiceAccountKeys again = ServiceAccountKeys.load(pki, null, List.of(), "https://issuer.example", List.of("a", "b"));
        assertThat(again.signingKeyId()).isEqualTo(first.signingKeyId());
        assertThat(Files.getPosixFilePermissions(pki.resolve("sa.key"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(first.issuer()).isEqualTo("https://kubernetes.default.svc.cluster.local");
        assertThat(first.apiAudiences()).containsExactly(first.issuer());
        assertThat(again.apiAudiences()).containsExactly("a", "b");
        // an older key in --service-account-key-file verifies too
        ServiceAccountKeys other = ServiceAccountKeys.load(dir.resolve("other"), null, List.of(), null, List.of());
        ServiceAccountKeys both = ServiceAccountKeys.load(pki, null, List.of(dir.resolve("other/sa.pub")), null, List.of());
        assertThat(both.publicKeys()).containsKeys(first.signingKeyId(), other.signingKeyId());
        String byOld = new TokenSigner(other).sign(TokenClaims.legacy("a", "b", "c", "d"));
        assertThat(new TokenSigner(both).verified(byOld)).isTrue();
        assertThat(new TokenSigner(first).verified(byOld)).isFalse();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
