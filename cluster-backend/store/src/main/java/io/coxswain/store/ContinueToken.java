package io.coxswain.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where the next page of a list starts, and at which revision, in the form kube-apiserver uses:
 * base64 of {@code {"v":"meta.k8s.io/v1","rv":R,"start":"<key>"}}, where the key is the first one the next page may hold.
 */
public record ContinueToken(long revision, String startKey) {

    public String encode() {
        String json = "{\"v\":\"meta.k8s.io/v1\",\"rv\":" + revision + ",\"start\":\"" + escape(startKey) + "\"}";
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** @param prefix the list's prefix; a token's start must lie under it */
    public static ContinueToken decode(String token, String prefix) {
        try {
            String json = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (!json.startsWith("{\"v\":\"meta.k8s.io/v1\",\"rv\":") || !json.endsWith("\"}")) {
                throw new IllegalArgumentException("unknown token shape");
            }
            int comma = json.indexOf(",\"start\":\"");
            long revision = Long.parseLong(json.substring("{\"v\":\"meta.k8s.io/v1\",\"rv\":".length(), comma));
            String start = unescape(json.substring(comma + ",\"start\":\"".length(), json.length() - 2));
            if (revision <= 0 || !start.startsWith(prefix)) {
                throw new IllegalArgumentException("token does not belong to this list");
            }
            return new ContinueToken(revision, start);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new InvalidKeyException("continue token is not valid: " + e.getMessage());
        }
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\' || c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 5 < s.length() && s.charAt(i + 1) == 'u') {
                out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
