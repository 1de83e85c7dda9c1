package io.coxswain.apiserver.patch;

import java.util.ArrayList;
import java.util.List;

/** RFC 6901 pointers as lists of unescaped tokens. */
final class JsonPointer {

    private JsonPointer() {
    }

    static List<String> parse(String pointer) {
        List<String> tokens = new ArrayList<>();
        if (pointer.isEmpty()) {
            return tokens;
        }
        if (pointer.charAt(0) != '/') {
            throw new IllegalArgumentException("a JSON pointer must be empty or start with '/'");
        }
        for (String raw : pointer.substring(1).split("/", -1)) {
            // Order matters: "~01" is "~1" literally, so ~1 is decoded before ~0.
            tokens.add(raw.replace("~1", "/").replace("~0", "~"));
        }
        return tokens;
    }

    /** An array index token: digits without leading zeros (RFC 6901 section 4), or -1 when it is not one. */
    static int index(String token) {
        if (token.isEmpty() || token.length() > 9 || (token.length() > 1 && token.charAt(0) == '0')) {
            return -1;
        }
        for (int i = 0; i < token.length(); i++) {
            if (!Character.isDigit(token.charAt(i))) {
                return -1;
            }
        }
        return Integer.parseInt(token);
    }
}
