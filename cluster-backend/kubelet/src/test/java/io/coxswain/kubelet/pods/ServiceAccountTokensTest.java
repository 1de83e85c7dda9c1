package io.coxswain.kubelet.pods;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjectionBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token source against the TokenRequest contract: the request's audiences, lifetime and pod binding, the answer's
 * status.token and expirationTimestamp, and kube's renewal at 80% of the lifetime or after 24 hours.
 */
class ServiceAccountTokensTest {

    private final List<TokenRequest> sent = new ArrayList<>();
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-08T00:00:00Z"));

    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    /** An apiserver that grants what it is asked, as kube-apiserver does within its bounds. */
    private final ServiceAccountTokens tokens = new ServiceAccountTokens((ns, sa, request) -> {
        sent.add(request);
        long seconds = request.getSpec().getExpirationSeconds();
        return new TokenRequestBuilder(request).withNewStatus().withToken("t" + sent.size() + "-" + ns + "-" + sa)
                .withExpirationTimestamp(now.get().plusSeconds(seconds).toString()).endStatus().build();
    }, clock);

    private static final Pod POD = new PodBuilder().withNewMetadata().withName("web").withNamespace("shop").withUid("u-1").endMetadata()
            .withNewSpec().withServiceAccountName("reader").endSpec().build();

    @Test
    void asksForABoundTokenAndRenewsItAtEightyPercent() {
        var source = new ServiceAccountTokenProjectionBuilder().withAudience("vault").withExpirationSeconds(1000L).withPath("token").build();
        ServiceAccountTokens.Token first = tokens.token(POD, source);
        assertThat(first.value()).isEqualTo("t1-shop-reader");
        TokenRequest request = sent.get(0);
        assertThat(request.getSpec().getAudiences()).containsExactly("vault");
        assertThat(request.getSpec().getExpirationSeconds()).isEqualTo(1000L);
        assertThat(request.getSpec().getBoundObjectRef().getKind()).isEqualTo("Pod");
        assertThat(request.getSpec().getBoundObjectRef().getApiVersion()).isEqualTo("v1");
        assertThat(request.getSpec().getBoundObjectRef().getName()).isEqualTo("web");
        assertThat(request.getSpec().getBoundObjectRef().getUid()).isEqualTo("u-1");
        assertThat(first.refreshAt()).isEqualTo(now.get().plusSeconds(800));

        now.set(now.get().plusSeconds(799));
        assertThat(tokens.token(POD, source).value()).isEqualTo("t1-shop-reader");
        now.set(now.get().plusSeconds(2));
        assertThat(tokens.token(POD, source).value()).isEqualTo("t2-shop-reader");
        assertThat(sent).hasSize(2);
    }

    @Test
    void defaultsToAnHourAndRenewsALongTokenAfterADay() {
        var hour = new ServiceAccountTokenProjectionBuilder().withPath("token").build();
        tokens.token(POD, hour);
        assertThat(sent.get(0).getSpec().getExpirationSeconds()).isEqualTo(3600L);
        assertThat(sent.get(0).getSpec().getAudiences()).isEmpty();
        var week = new ServiceAccountTokenProjectionBuilder().withExpirationSeconds(7 * 24 * 3600L).withPath("token").build();
        assertThat(tokens.token(POD, week).refreshAt()).isEqualTo(now.get().plusSeconds(24 * 3600));
        Pod other = new PodBuilder(POD).editSpec().withServiceAccountName(null).endSpec().build();
        assertThat(tokens.token(other, hour).value()).endsWith("-shop-default");
    }
}
