package io.coxswain.apiserver.encryption;

import io.coxswain.store.StoreException;

/**
 * A stored value that none of the configured providers can read: a key that was removed from the configuration too
 * early, a wrong key, a damaged value. The API answers it as a 500, as kube-apiserver does; the server goes on.
 */
public final class UnreadableValueException extends StoreException {

    public UnreadableValueException(String key, String reason) {
        super("failed to decrypt the stored value of " + key + ": " + reason);
    }
}
