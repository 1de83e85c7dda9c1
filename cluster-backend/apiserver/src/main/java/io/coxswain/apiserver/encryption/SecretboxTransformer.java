package io.coxswain.apiserver.encryption;

import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * kube's {@code secretbox} provider: NaCl's secretbox (XSalsa20 and Poly1305) with a random 24-byte nonce, stored as
 * nonce, tag, ciphertext. The first 32 bytes of the XSalsa20 key stream are the Poly1305 key, as in NaCl.
 */
final class SecretboxTransformer implements ValueTransformer {

    static final int NONCE_SIZE = 24;
    private static final int TAG_SIZE = 16;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] key;

    SecretboxTransformer(byte[] key) {
        this.key = key.clone();
    }

    @Override
    public byte[] toStorage(byte[] plain, byte[] authenticatedData) {
        byte[] out = new byte[NONCE_SIZE + TAG_SIZE + plain.length];
        RANDOM.nextBytes(out); // the nonce; the rest is overwritten
        XSalsa20Engine stream = stream(out);
        byte[] macKey = new byte[32];
        stream.processBytes(new byte[32], 0, 32, macKey, 0);
        stream.processBytes(plain, 0, plain.length, out, NONCE_SIZE + TAG_SIZE);
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(macKey));
        mac.update(out, NONCE_SIZE + TAG_SIZE, plain.length);
        mac.doFinal(out, NONCE_SIZE);
        return out;
    }

    @Override
    public byte[] fromStorage(byte[] stored, byte[] authenticatedData) {
        if (stored.length < NONCE_SIZE + TAG_SIZE) {
            throw new TransformException("the stored data was shorter than the required size");
        }
        XSalsa20Engine stream = stream(stored);
        byte[] macKey = new byte[32];
        stream.processBytes(new byte[32], 0, 32, macKey, 0);
        int length = stored.length - NONCE_SIZE - TAG_SIZE;
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(macKey));
        mac.update(stored, NONCE_SIZE + TAG_SIZE, length);
        byte[] tag = new byte[TAG_SIZE];
        mac.doFinal(tag, 0);
        if (!MessageDigest.isEqual(tag, java.util.Arrays.copyOfRange(stored, NONCE_SIZE, NONCE_SIZE + TAG_SIZE))) {
            throw new TransformException("output array was not large enough for encryption"); // kube's words when Open fails
        }
        byte[] plain = new byte[length];
        stream.processBytes(stored, NONCE_SIZE + TAG_SIZE, length, plain, 0);
        return plain;
    }

    private XSalsa20Engine stream(byte[] nonceAtStart) {
        XSalsa20Engine engine = new XSalsa20Engine();
        engine.init(true, new ParametersWithIV(new KeyParameter(key), nonceAtStart, 0, NONCE_SIZE));
        return engine;
    }
}
