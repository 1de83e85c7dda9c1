package io.coxswain.schemas.openapi;

import java.util.Map;

/**
 * What {@code /openapi/v3} serves: the index and one document per group-version.
 *
 * @param index     the body of {@code GET /openapi/v3}
 * @param documents each group-version document by its path, such as {@code apis/apps/v1}
 * @param hashes    the SHA-512 of each document, which the index puts in its URL
 */
public record OpenApiDocuments(byte[] index, Map<String, byte[]> documents, Map<String, String> hashes) {
}
