package io.coxswain.apiserver.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;

import java.io.IOException;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.Optional;

/**
 * Signs a claims object as a compact JWS (RS256, with the key id in the header, as kube's jwtTokenGenerator) and reads
 * one back: the claims when the signature is one of the verifying keys', nothing otherwise. The claims are written by
 * Jackson as they are given, so a one-element {@code aud} stays an array, as kube writes it.
 */
final class TokenSigner {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServiceAccountKeys keys;
    private final RSASSASigner signer;

    TokenSigner(ServiceAccountKeys keys) {
        this.keys = keys;
        this.signer = new RSASSASigner(keys.signingKey());
    }

    String sign(ObjectNode claims) {
        try {
            JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keys.signingKeyId()).build(),
                    new Payload(JSON.writeValueAsBytes(claims)));
            jws.sign(signer);
            return jws.serialize();
        } catch (JOSEException | IOException e) {
            throw new IllegalStateException("cannot sign a service account token: " + e.getMessage(), e);
        }
    }

    /** The unverified claims of a compact JWS, or empty when the text is none (then it is some other kind of token). */
    static Optional<ObjectNode> claims(String token) {
        if (token.chars().filter(c -> c == '.').count() != 2) {
            return Optional.empty();
        }
        try {
            JsonNode claims = JSON.readTree(JWSObject.parse(token).getPayload().toBytes());
            return claims instanceof ObjectNode o ? Optional.of(o) : Optional.empty();
        } catch (ParseException | IOException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code token} is RS256 and signed by one of the verifying keys (the one its kid names, else any). */
    boolean verified(String token) {
        try {
            JWSObject jws = JWSObject.parse(token);
            if (!JWSAlgorithm.RS256.equals(jws.getHeader().getAlgorithm())) {
                return false;
            }
            String kid = jws.getHeader().getKeyID();
            RSAPublicKey named = kid == null ? null : keys.publicKeys().get(kid);
            if (named != null) {
                return jws.verify(new RSASSAVerifier(named));
            }
            for (RSAPublicKey key : keys.publicKeys().values()) {
                if (jws.verify(new RSASSAVerifier(key))) {
                    return true;
                }
            }
            return false;
        } catch (ParseException | JOSEException e) {
            return false;
        }
    }
}
