package io.coxswain.apiserver.registry;

import io.coxswain.apiserver.admission.FieldValidation;

/**
 * What a write request asks beyond its body.
 *
 * @param dryRun       {@code dryRun=All}: everything but the store write
 * @param fieldManager who makes the change, for managedFields
 */
public record WriteOptions(boolean dryRun, FieldValidation fieldValidation, String fieldManager) {
}
