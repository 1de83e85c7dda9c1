package io.coxswain.apiserver.serviceaccount;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;

import java.security.interfaces.RSAPublicKey;
import java.util.Map;

/**
 * The issuer's OpenID Connect discovery, as kube-apiserver serves it ({@code pkg/serviceaccount/openidmetadata.go}):
 * {@code /.well-known/openid-configuration} names the issuer, where its keys are, and RS256; {@code /openid/v1/jwks}
 * lists every verifying key as a JWK (use sig, its kid). Both are made once, as the keys do not change while the
 * server runs.
 */
public final class IssuerDiscovery {

    public static final String CONFIGURATION_PATH = "/.well-known/openid-configuration";
    public static final String JWKS_PATH = "/openid/v1/jwks";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] configuration;
    private final byte[] jwks;

    /** @param jwksUri where relying parties fetch the keys; null: the issuer URL with {@link #JWKS_PATH} */
    public IssuerDiscovery(ServiceAccountKeys keys, String jwksUri) {
        ObjectNode config = JSON.createObjectNode().put("issuer", keys.issuer())
                .put("jwks_uri", jwksUri != null ? jwksUri : keys.issuer().replaceAll("/+$", "") + JWKS_PATH);
        config.putArray("response_types_supported").add("id_token");
        config.putArray("subject_types_supported").add("public");
        config.putArray("id_token_signing_alg_values_supported").add("RS256");
        ObjectNode set = JSON.createObjectNode();
        ArrayNode list = set.putArray("keys");
        for (Map.Entry<String, RSAPublicKey> e : keys.publicKeys().entrySet()) {
            RSAKey jwk = new RSAKey.Builder(e.getValue()).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).keyID(e.getKey()).build();
            list.add(JSON.valueToTree(jwk.toJSONObject()));
        }
        try {
            this.configuration = JSON.writeValueAsBytes(config);
            this.jwks = JSON.writeValueAsBytes(set);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the issuer is a URL, which OIDC discovery needs (kube serves the documents only then). */
    public static boolean servable(ServiceAccountKeys keys) {
        return keys.issuer().startsWith("https://");
    }

    public byte[] configuration() {
        return configuration;
    }

    public byte[] jwks() {
        return jwks;
    }
}
