package io.coxswain.apiserver.auth.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import io.coxswain.client.bootstrap.BootstrapToken;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * What the authenticator needs of one Secret kube-system/bootstrap-token-&lt;id&gt;: its type, whether it is being
 * deleted, and its data decoded (cluster-bootstrap's {@code GetData}: a missing key is ""). Made once per watch event,
 * so a request only reads memory.
 */
record TokenSecret(String name, String type, boolean deleting, Map<String, String> data) {

    static TokenSecret of(JsonNode secret) {
        Map<String, String> data = new HashMap<>();
        secret.path("data").fields().forEachRemaining(e -> {
            try {
                data.put(e.getKey(), new String(Base64.getMimeDecoder().decode(e.getValue().asText("")), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException bad) {
                // the apiserver only stores valid base64; a value that is not is as good as absent
            }
        });
        JsonNode meta = secret.path("metadata");
        return new TokenSecret(meta.path("name").asText(""), secret.path("type").asText(""), meta.has("deletionTimestamp"),
                Map.copyOf(data));
    }

    String get(String key) {
        return data.getOrDefault(key, "");
    }

    boolean isBootstrapToken() {
        return BootstrapToken.SECRET_TYPE.equals(type);
    }
}
