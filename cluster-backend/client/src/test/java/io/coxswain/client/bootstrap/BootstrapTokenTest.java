package io.coxswain.client.bootstrap;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BootstrapTokenTest {

    @Test
    void parsesAndGeneratesTokensOfKubeadmsForm() {
        BootstrapToken t = BootstrapToken.parse(" abcdef.0123456789abcdef\n");
        assertThat(t.id()).isEqualTo("abcdef");
        assertThat(t.secretName()).isEqualTo("bootstrap-token-abcdef");
        assertThat(t.user()).isEqualTo("system:bootstrap:abcdef");
        assertThat(t).hasToString("abcdef.0123456789abcdef");
        BootstrapToken g = BootstrapToken.generate(new SecureRandom());
        assertThat(BootstrapToken.looksLikeToken(g.toString())).isTrue();
        assertThat(BootstrapToken.generate(new SecureRandom())).isNotEqualTo(g);
    }

    @Test
    void aMalformedTokenIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> BootstrapToken.parse("ABCDEF.0123456789abcdef")).hasMessageContaining("[a-z0-9]{6}.[a-z0-9]{16}")
                .message().doesNotContain("ABCDEF");
        assertThatThrownBy(() -> BootstrapToken.parse("abcdef.0123")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BootstrapToken.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(BootstrapToken.GROUP_PATTERN.matcher("system:bootstrappers:worker").matches()).isTrue();
        assertThat(BootstrapToken.GROUP_PATTERN.matcher("system:masters").matches()).isFalse();
    }

    @Test
    void detachedSignaturesAreCopiesOfClusterBootstrapsOwn() {
        // the vectors of k8s.io/cluster-bootstrap/token/jws/jws_test.go
        String content = "Hello from the other side. I must have called a thousand times.";
        assertThat(DetachedJws.sign(content, "joshua", "my voice is my passcode"))
                .isEqualTo("eyJhbGciOiJIUzI1NiIsImtpZCI6Impvc2h1YSJ9..VShe2taLd-YTrmWuRkcL_8QTNDHYxQIEBsAYYiIj1_8");
        assertThat(DetachedJws.sign("", "joshua", "my voice is my passcode"))
                .isEqualTo("eyJhbGciOiJIUzI1NiIsImtpZCI6Impvc2h1YSJ9..7Ui1ALizW4jXphVUB7xUqC9vLYLL9RZeOFfVLoB7Tgk");
        BootstrapToken t = BootstrapToken.parse("abcdef.0123456789abcdef");
        String sig = DetachedJws.sign("kubeconfig", t);
        assertThat(DetachedJws.verify(sig, "kubeconfig", t)).isTrue();
        assertThat(DetachedJws.verify(sig, "kubeconfig2", t)).isFalse();
        assertThat(DetachedJws.verify(sig, "kubeconfig", BootstrapToken.parse("abcdef.0123456789abcdeg"))).isFalse();
        assertThat(DetachedJws.verify(null, "kubeconfig", t)).isFalse();
    }

    /** A CA made with openssl; its pin computed as kubeadm's docs do: openssl x509 -pubkey | openssl pkey -pubin -outform der | sha256sum. */
    private static final String CA = "-----BEGIN CERTIFICATE-----\n" +
            "MIIBgDCCASWgAwIBAgIUNcmsStspOYdxfHG1604eCpXKW6QwCgYIKoZIzj0EAwIw\n" +
            "FTETMBEGA1UEAwwKa3ViZXJuZXRlczAeFw0yNjEyMDcyMTU1MDBaFw0zNjEyMDQy\n" +
            "MTU1MDBaMBUxEzARBgNVBAMMCmt1YmVybmV0ZXMwWTATBgcqhkjOPQIBBggqhkjO\n" +
            "PQMBBwNCAAQ3sDuB6jjtbQy0J96L38dnzDlAOlIZl619MteYL03YjIkeQzO5m04c\n" +
            "Y0NY1ULsvQCapb5Pq93SdYfGVX5N6lDxo1MwUTAdBgNVHQ4EFgQUOTEMdCG2RHg1\n" +
            "j6gFN3pC0XRzETQwHwYDVR0jBBgwFoAUOTEMdCG2RHg1j6gFN3pC0XRzETQwDwYD\n" +
            "VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEA9cFOgNXbkOfKDTxJFyO8\n" +
            "noLrF5+W9uSMAcw2OqjcYAcCIQCT2nMWG/ZmqGdaqsTYULjzhVa+eMTiAAB/Gf2R\n" +
            "S3QqJw==\n" +
            "-----END CERTIFICATE-----\n";

    @Test
    void caHashesArePinsOfThePublicKey() throws Exception {
        var cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(CA.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        String expected = "sha256:16c9e38b4425a72cae18f8d9d6fb920c6b9a5dbf0440a4d8de50059da63c0a24";
        assertThat(CaCertHash.of(cert)).isEqualTo(expected);
        assertThat(CaCertHash.matches(cert, expected.toUpperCase().replace("SHA256", "sha256"))).isTrue();
        assertThat(CaCertHash.matches(cert, "sha256:" + "0".repeat(64))).isFalse();
        assertThatThrownBy(() -> CaCertHash.parse("md5:abc")).hasMessageContaining("sha256:<64 hex digits>");
    }
}
