package io.coxswain.apiserver.encryption;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * kube's {@code aes.NewGCMTransformer}: a random 12-byte nonce, then the ciphertext with its 16-byte tag, the storage key
 * as additional authenticated data. Random nonces mean a key must be rotated long before 2^32 writes, as kube's docs say.
 */
final class AesGcmTransformer implements ValueTransformer {

    static final int NONCE_SIZE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKeySpec key;

    AesGcmTransformer(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    @Override
    public byte[] toStorage(byte[] plain, byte[] authenticatedData) {
        byte[] nonce = new byte[NONCE_SIZE];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(authenticatedData);
            byte[] sealed = cipher.doFinal(plain);
            byte[] out = new byte[NONCE_SIZE + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_SIZE);
            System.arraycopy(sealed, 0, out, NONCE_SIZE, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM: " + e, e);
        }
    }

    @Override
    public byte[] fromStorage(byte[] stored, byte[] authenticatedData) {
        if (stored.length < NONCE_SIZE) {
            throw new TransformException("the stored data was shorter than the required size");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 0, NONCE_SIZE));
            cipher.updateAAD(authenticatedData);
            return cipher.doFinal(stored, NONCE_SIZE, stored.length - NONCE_SIZE);
        } catch (AEADBadTagException e) {
            throw new TransformException("cipher: message authentication failed");
        } catch (GeneralSecurityException e) {
            throw new TransformException("cipher: " + e.getMessage());
        }
    }
}
