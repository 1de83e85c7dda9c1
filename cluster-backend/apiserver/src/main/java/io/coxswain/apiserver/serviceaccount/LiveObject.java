package io.coxswain.apiserver.serviceaccount;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.time.Instant;

/**
 * What a bound token's check needs of an object: its uid, and since when it is being deleted (null: it is not).
 * Read from the stored JSON by streaming through {@code metadata} only, so that a pod's status writes cost the index
 * little.
 */
public record LiveObject(String uid, Instant deletedSince) {

    private static final JsonFactory FACTORY = new JsonFactory();

    /** Whether the object counts as gone for a token checked at {@code now}: deleted before the leeway. */
    boolean deletedBefore(Instant instant) {
        return deletedSince != null && deletedSince.isBefore(instant);
    }

    static LiveObject read(byte[] json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (!field.equals("metadata")) {
                    p.skipChildren();
                    continue;
                }
                String uid = "";
                Instant deleted = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    if (name.equals("uid")) {
                        uid = p.getValueAsString("");
                    } else if (name.equals("deletionTimestamp") && p.currentToken() == JsonToken.VALUE_STRING) {
                        deleted = Instant.parse(p.getText());
                    } else {
                        p.skipChildren();
                    }
                }
                return new LiveObject(uid, deleted);
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
