package io.coxswain.apiserver.registry;

import io.coxswain.apiserver.admission.FieldValidation;
import io.coxswain.apiserver.auth.UserInfo;

/**
 * What a write request asks beyond its body.
 *
 * @param dryRun       {@code dryRun=All}: everything but the store write
 * @param fieldManager who makes the change, for managedFields
 * @param apply        a server-side apply: managedFields are already the apply's, not an update's
 * @param user         who asks, for admission that depends on it (RBAC's escalation check); null for the server itself
 * @param subresource  the subresource written ({@code status}, {@code approval}), or null for the object itself
 */
public record WriteOptions(boolean dryRun, FieldValidation fieldValidation, String fieldManager, boolean apply, UserInfo user,
                           String subresource) {

    public WriteOptions(boolean dryRun, FieldValidation fieldValidation, String fieldManager, boolean apply, UserInfo user) {
        this(dryRun, fieldValidation, fieldManager, apply, user, null);
    }

    public WriteOptions(boolean dryRun, FieldValidation fieldValidation, String fieldManager) {
        this(dryRun, fieldValidation, fieldManager, false, null);
    }

    public WriteOptions(boolean dryRun, FieldValidation fieldValidation, String fieldManager, boolean apply) {
        this(dryRun, fieldValidation, fieldManager, apply, null);
    }

    /** The same request, as a server-side apply, whose field ownership the apply itself has recorded. */
    public WriteOptions asApply() {
        return new WriteOptions(dryRun, fieldValidation, fieldManager, true, user, subresource);
    }

    /** The same request, made by this user. */
    public WriteOptions by(UserInfo who) {
        return new WriteOptions(dryRun, fieldValidation, fieldManager, apply, who, subresource);
    }

    /** The same request, made to this subresource of the object. */
    public WriteOptions at(String sub) {
        return new WriteOptions(dryRun, fieldValidation, fieldManager, apply, user, sub);
    }
}
