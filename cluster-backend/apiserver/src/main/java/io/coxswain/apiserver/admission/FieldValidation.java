package io.coxswain.apiserver.admission;

import io.coxswain.api.ApiException;

/** What to do with unknown or duplicate fields, from the {@code fieldValidation} query parameter. */
public enum FieldValidation {
    IGNORE, WARN, STRICT;

    /** kube-apiserver's default is Warn; kubectl sends Strict. */
    public static FieldValidation parse(String value) {
        if (value == null || value.isEmpty()) {
            return WARN;
        }
        return switch (value) {
            case "Ignore" -> IGNORE;
            case "Warn" -> WARN;
            case "Strict" -> STRICT;
            default -> throw ApiException.badRequest("fieldValidation must be one of Ignore, Warn or Strict, not \"" + value + "\"");
        };
    }
}
