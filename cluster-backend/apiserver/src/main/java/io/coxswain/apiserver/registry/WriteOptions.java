package io.coxswain.apiserver.registry;

import io.coxswain.apiserver.admission.FieldValidation;

/**
 * What a write request asks beyond its body.
 *
 * @param dryRun       {@code dryRun=All}: everything but the store write
 * @param fieldManager who makes the change, for managedFields
 * @param apply        a server-side apply: managedFields are already the apply's, not an update's
 */
public record WriteOptions(boolean dryRun, FieldValidation fieldValidation, String fieldManager, boolean apply) {

    public WriteOptions(boolean dryRun, FieldValidation fieldValidation, String fieldManager) {
        this(dryRun, fieldValidation, fieldManager, false);
    }

    /** The same request, as a server-side apply, whose field ownership the apply itself has recorded. */
    public WriteOptions asApply() {
        return new WriteOptions(dryRun, fieldValidation, fieldManager, true);
    }
}
