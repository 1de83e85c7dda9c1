package io.coxswain.controllers.serviceaccount;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coxswain.api.security.PrivateFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

/**
 * Signs legacy service account tokens as kube-controller-manager's tokens controller does with
 * {@code --service-account-private-key-file}: a compact JWS, RS256, the key id kube derives from the public key (base64url
 * SHA-256 of its PKIX DER), and kube's LegacyClaims: {@code iss kubernetes/serviceaccount}, the namespace, secret name,
 * account name and uid under {@code kubernetes.io/serviceaccount/}, and {@code sub}. They never expire; the apiserver
 * accepts one while its Secret still holds it.
 */
final class LegacyTokenSigner {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String PREFIX = "kubernetes.io/serviceaccount/";

    private final RSAPrivateCrtKey key;
    private final String keyId;

    private LegacyTokenSigner(RSAPrivateCrtKey key, String keyId) {
        this.key = key;
        this.keyId = keyId;
    }

    static LegacyTokenSigner fromFile(Path keyFile) {
        try {
            PrivateKey k = PrivateFiles.readKey(Files.readString(keyFile));
            if (!(k instanceof RSAPrivateCrtKey rsa)) {
                throw new IllegalArgumentException("--service-account-private-key-file " + keyFile + " is not an RSA key");
            }
            var pub = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            return new LegacyTokenSigner(rsa, B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(pub.getEncoded())));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read --service-account-private-key-file " + keyFile, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    String sign(String namespace, String account, String accountUid, String secretName) {
        ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("kid", keyId);
        ObjectNode claims = JSON.createObjectNode().put("iss", "kubernetes/serviceaccount")
                .put(PREFIX + "namespace", namespace).put(PREFIX + "secret.name", secretName)
                .put(PREFIX + "service-account.name", account).put(PREFIX + "service-account.uid", accountUid)
                .put("sub", "system:serviceaccount:" + namespace + ":" + account);
        try {
            String signingInput = B64.encodeToString(JSON.writeValueAsBytes(header)) + "." + B64.encodeToString(JSON.writeValueAsBytes(claims));
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(rs256.sign());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a service account token: " + e.getMessage(), e);
        }
    }
}
