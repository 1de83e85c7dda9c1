package io.coxswain.apiserver.encryption;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EncryptionConfigurationTest {

    /** bytes 0..31, base64. */
    static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String PLAIN = "{\"kind\":\"Secret\",\"data\":{\"password\":\"czNjcjN0\"}}";
    private static final byte[] AAD = "/registry/secrets/default/db".getBytes(StandardCharsets.UTF_8);

    static String config(String providers) {
        return """
                apiVersion: apiserver.config.k8s.io/v1
                kind: EncryptionConfiguration
                resources:
                - resources: [secrets, configmaps]
                  providers:
                """ + providers.indent(2);
    }

    private static PrefixTransformers secrets(String providers) {
        return EncryptionConfiguration.parse(config(providers)).forKey("/registry/secrets/default/db");
    }

    /** Values written by other implementations (Python's cryptography, libsodium) with kube's layout read back here. */
    @Test
    void readsKubesLayoutAsOtherImplementationsWriteIt() {
        String gcm = "azhzOmVuYzphZXNnY206djE6a2V5MToHBwcHBwcHBwcHBwd0SM01AWv1zuTOduPyNIC5jX7pEvyWoyOFmS6bd61FdFUg00SjI47caJ3Ls/I1pFuGt2WHCGkOIGAqlpRmovVF";
        String cbc = "azhzOmVuYzphZXNjYmM6djE6a2V5MToJCQkJCQkJCQkJCQkJCQkJCWniMaTJJdt2szxbeKCG79kJRFaWdlMOR12KqgxWQuXNsJbfhtgcLmFNlJMoGQZbv953qJUw7wQ27tB3L2ULgg==";
        String box = "azhzOmVuYzpzZWNyZXRib3g6djE6a2V5MToFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUV5RAHPv6cjOGajx1mLvLih8wyxQVKwwgXEO1grNGNUYX/q9/EK4ANjTovPa4/ota5U05/2IABw4aCf37vZ9bM";
        PrefixTransformers all = secrets("""
                - aesgcm: {keys: [{name: key1, secret: %s}]}
                - aescbc: {keys: [{name: key1, secret: %s}]}
                - secretbox: {keys: [{name: key1, secret: %s}]}
                """.formatted(KEY, KEY, KEY));
        for (String stored : new String[] {gcm, cbc, box}) {
            assertThat(new String(all.fromStorage(Base64.getDecoder().decode(stored), AAD), StandardCharsets.UTF_8)).isEqualTo(PLAIN);
        }
        // GCM authenticates the storage key: the same value under another key does not read
        assertThatThrownBy(() -> all.fromStorage(Base64.getDecoder().decode(gcm), "/registry/secrets/default/other".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("cipher: message authentication failed");
    }

    @Test
    void theFirstProviderWritesWithKubesPrefixAndEveryProviderReads() {
        for (String kind : new String[] {"aesgcm", "aescbc", "secretbox"}) {
            PrefixTransformers chain = secrets("- %s: {keys: [{name: new, secret: %s}, {name: old, secret: %s}]}\n- identity: {}"
                    .formatted(kind, Base64.getEncoder().encodeToString(new byte[32]), KEY));
            byte[] stored = chain.toStorage(PLAIN.getBytes(StandardCharsets.UTF_8), AAD);
            String prefix = "k8s:enc:" + kind + ":v1:new:";
            assertThat(new String(stored, 0, prefix.length(), StandardCharsets.US_ASCII)).isEqualTo(prefix);
            assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("czNjcjN0");
            assertThat(new String(chain.fromStorage(stored, AAD), StandardCharsets.UTF_8)).isEqualTo(PLAIN);
            // plain values from before encryption still read, through identity
            assertThat(chain.fromStorage(PLAIN.getBytes(StandardCharsets.UTF_8), AAD)).isEqualTo(PLAIN.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void identityFirstWritesPlainTextAndStillReadsEncryptedValues() {
        PrefixTransformers encrypt = secrets("- aesgcm: {keys: [{name: k, secret: %s}]}".formatted(KEY));
        byte[] stored = encrypt.toStorage(PLAIN.getBytes(StandardCharsets.UTF_8), AAD);
        PrefixTransformers decrypt = secrets("- identity: {}\n- aesgcm: {keys: [{name: k, secret: %s}]}".formatted(KEY));
        assertThat(decrypt.writer()).isEqualTo("identity");
        assertThat(decrypt.toStorage(PLAIN.getBytes(StandardCharsets.UTF_8), AAD)).isEqualTo(PLAIN.getBytes(StandardCharsets.UTF_8));
        assertThat(new String(decrypt.fromStorage(stored, AAD), StandardCharsets.UTF_8)).isEqualTo(PLAIN);
    }

    @Test
    void aWrongKeyOrNoProviderForThePrefixSaysWhy() {
        // the fixed value of the test above (a fixed IV), so that what a wrong key decrypts to is always the same
        byte[] stored = Base64.getDecoder().decode("azhzOmVuYzphZXNjYmM6djE6a2V5MToJCQkJCQkJCQkJCQkJCQkJCWniMaTJJdt2szxbeKCG79kJRFa"
                + "WdlMOR12KqgxWQuXNsJbfhtgcLmFNlJMoGQZbv953qJUw7wQ27tB3L2ULgg==");
        PrefixTransformers wrongKey = secrets("- aescbc: {keys: [{name: key1, secret: %s}]}".formatted(
                Base64.getEncoder().encodeToString(new byte[32])));
        assertThatThrownBy(() -> wrongKey.fromStorage(stored, AAD))
                .hasMessageMatching("invalid PKCS7 data \\(empty or not padded\\)|invalid padding on input");
        PrefixTransformers otherName = secrets("- aescbc: {keys: [{name: other, secret: %s}]}".formatted(KEY));
        assertThatThrownBy(() -> otherName.fromStorage(stored, AAD)).hasMessage("no matching prefix found");
        PrefixTransformers identityOnly = secrets("- identity: {}");
        assertThatThrownBy(() -> identityOnly.fromStorage(stored, AAD)).hasMessage("no matching prefix found");
    }

    @Test
    void resourcesAreFoundByTheirStorageKeyAndOthersStayPlain() {
        EncryptionConfiguration c = EncryptionConfiguration.parse("""
                apiVersion: apiserver.config.k8s.io/v1
                kind: EncryptionConfiguration
                resources:
                - resources: [secrets]
                  providers: [{aesgcm: {keys: [{name: a, secret: %s}]}}]
                - resources: [deployments.apps]
                  providers: [{aescbc: {keys: [{name: b, secret: %s}]}}]
                """.formatted(KEY, KEY));
        assertThat(c.forKey("/registry/secrets/default/db").writer()).isEqualTo("k8s:enc:aesgcm:v1:a:");
        assertThat(c.forKey("/registry/deployments/default/web").writer()).isEqualTo("k8s:enc:aescbc:v1:b:");
        assertThat(c.forKey("/registry/configmaps/default/x")).isNull();
        EncryptionConfiguration everything = EncryptionConfiguration.parse("""
                apiVersion: apiserver.config.k8s.io/v1
                kind: EncryptionConfiguration
                resources:
                - resources: [configmaps]
                  providers: [{identity: {}}]
                - resources: ['*.*']
                  providers: [{aesgcm: {keys: [{name: a, secret: %s}]}}]
                """.formatted(KEY));
        assertThat(everything.forKey("/registry/configmaps/default/x").writer()).isEqualTo("identity");
        assertThat(everything.forKey("/registry/pods/default/x").writer()).isEqualTo("k8s:enc:aesgcm:v1:a:");
    }

    @Test
    void badFilesAreRefusedWithKubesFieldPathsAndWords() {
        assertThatThrownBy(() -> EncryptionConfiguration.parse(config("- rot13: {keys: [{name: a, secret: %s}]}".formatted(KEY))))
                .hasMessageContaining("resources[0].providers[0]: Unsupported value: \"rot13\": supported providers: \"aesgcm\", \"aescbc\", "
                        + "\"secretbox\", \"identity\"");
        assertThatThrownBy(() -> EncryptionConfiguration.parse(config("- kms: {name: x, endpoint: unix:///kms.sock}")))
                .hasMessageContaining("resources[0].providers[0].kms: Unsupported value");
        assertThatThrownBy(() -> EncryptionConfiguration.parse(config("- aesgcm: {keys: [{name: a, secret: c2hvcnQ=}]}")))
                .hasMessageContaining("resources[0].providers[0].aesgcm.keys[0].secret: Invalid value: \"REDACTED\": secret is not of the "
                        + "expected length, got 5, expected one of [16 24 32]");
        assertThatThrownBy(() -> EncryptionConfiguration.parse(config("- aescbc: {keys: [{secret: '%s'}]}".formatted(KEY))))
                .hasMessageContaining("resources[0].providers[0].aescbc.keys[0].name: Required value: name is a mandatory field for a key");
        assertThatThrownBy(() -> EncryptionConfiguration.parse(config("- aescbc: {keys: [{name: a, secret: 'not base64!'}]}")))
                .hasMessageContaining("secrets must be base64 encoded");
        assertThatThrownBy(() -> EncryptionConfiguration.parse(config("- {identity: {}, aesgcm: {keys: [{name: a, secret: %s}]}}".formatted(KEY))))
                .hasMessageContaining("more than one provider specified in a single element, should split into different list elements");
        assertThatThrownBy(() -> EncryptionConfiguration.parse(config("- aesgcm: {keys: []}")))
                .hasMessageContaining("resources[0].providers[0].aesgcm.keys: Required value: at least one keys is required");
        assertThatThrownBy(() -> EncryptionConfiguration.parse("apiVersion: v1\nkind: EncryptionConfig\nresources: []\n"))
                .hasMessageContaining("no kind \"EncryptionConfig\" is registered for version \"v1\"");
        assertThatThrownBy(() -> EncryptionConfiguration.parse(config("- identity: {}").replace("[secrets, configmaps]", "[Secrets, '*']")))
                .hasMessageContaining("resources[0].resources[0]: Invalid value: \"Secrets\": resource name should not contain capital letters")
                .hasMessageContaining("resources[0].resources[1]: Invalid value: \"*\": use '*.' to encrypt all the resources");
        assertThatThrownBy(() -> EncryptionConfiguration.parse(config("- identity: {}").replace("[secrets, configmaps]", "['*.apps']")))
                .hasMessageContaining("list the resources of the group, or use *.*");
    }
}
