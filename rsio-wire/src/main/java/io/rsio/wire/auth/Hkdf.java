package io.rsio.wire.auth;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF with HMAC-SHA256 (RFC 5869): extract, then expand. */
final class Hkdf {
    static final String HMAC = "HmacSHA256";
    static final int HASH_LENGTH = 32;

    private Hkdf() {}

    /** PRK = HMAC-Hash(salt, IKM); an empty salt means HashLen zero bytes (RFC 5869 §2.2). */
    static byte[] extract(byte[] salt, byte[] ikm) {
        byte[] key = salt.length == 0 ? new byte[HASH_LENGTH] : salt;
        return mac(key).doFinal(ikm);
    }

    /** OKM = T(1) ‖ T(2) ‖ … cut to {@code length}, T(i) = HMAC(PRK, T(i-1) ‖ info ‖ i). */
    static byte[] expand(byte[] prk, byte[] info, int length) {
        if (length < 1 || length > 255 * HASH_LENGTH) {
            throw new IllegalArgumentException("HKDF output length " + length + " outside 1.." + 255 * HASH_LENGTH);
        }
        Mac mac = mac(prk);
        byte[] okm = new byte[length];
        byte[] previous = new byte[0];
        for (int i = 1, done = 0; done < length; i++) {
            mac.update(previous);
            mac.update(info);
            mac.update((byte) i);
            previous = mac.doFinal();
            int n = Math.min(previous.length, length - done);
            System.arraycopy(previous, 0, okm, done, n);
            done += n;
        }
        return okm;
    }

    static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static byte[] hmac(byte[] key, byte[]... parts) {
        Mac mac = mac(key);
        for (byte[] part : parts) {
            mac.update(part);
        }
        return mac.doFinal();
    }
}
