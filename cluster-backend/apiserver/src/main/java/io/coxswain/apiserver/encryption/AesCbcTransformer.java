package io.coxswain.apiserver.encryption;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * kube's {@code aes.NewCBCTransformer}: a random 16-byte IV, then AES-CBC of the value with PKCS#7 padding. CBC has no
 * authenticated data; the padding is checked by hand, as kube does, so that a wrong key gives kube's words.
 */
final class AesCbcTransformer implements ValueTransformer {

    private static final int BLOCK = 16;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKeySpec key;

    AesCbcTransformer(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    @Override
    public byte[] toStorage(byte[] plain, byte[] authenticatedData) {
        int padding = BLOCK - plain.length % BLOCK;
        byte[] padded = Arrays.copyOf(plain, plain.length + padding);
        Arrays.fill(padded, plain.length, padded.length, (byte) padding);
        byte[] out = new byte[BLOCK + padded.length];
        RANDOM.nextBytes(out);
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(out, 0, BLOCK));
            cipher.doFinal(padded, 0, padded.length, out, BLOCK);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CBC is not available in this JVM: " + e, e);
        }
    }

    @Override
    public byte[] fromStorage(byte[] stored, byte[] authenticatedData) {
        if (stored.length < BLOCK || (stored.length - BLOCK) % BLOCK != 0) {
            throw new TransformException("the stored data is not a multiple of the block size");
        }
        byte[] result;
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(stored, 0, BLOCK));
            result = cipher.doFinal(stored, BLOCK, stored.length - BLOCK);
        } catch (GeneralSecurityException e) {
            throw new TransformException("cipher: " + e.getMessage());
        }
        int padding = result.length == 0 ? 0 : result[result.length - 1] & 0xff;
        if (padding == 0 || padding > result.length) {
            throw new TransformException("invalid PKCS7 data (empty or not padded)");
        }
        for (int i = result.length - padding; i < result.length; i++) {
            if ((result[i] & 0xff) != padding) {
                throw new TransformException("invalid padding on input");
            }
        }
        return Arrays.copyOf(result, result.length - padding);
    }
}
