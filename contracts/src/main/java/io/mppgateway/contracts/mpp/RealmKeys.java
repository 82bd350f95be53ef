package io.mppgateway.contracts.mpp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The per-realm challenge key: {@code HKDF-SHA256(ikm = master secret, salt = none, info = "mpp-challenge:" + realm,
 * L = 32)} (RFC 5869). payment-service holds the master secret and derives every realm's key to verify; a provider
 * service (the paywall) is given only its own realm's key and mints its challenges in-process with it. A leaked
 * provider key can mint challenges of that realm only: the realm is in the HKDF info, and payment-service verifies a
 * challenge with the keys of the realm it names.
 *
 * <p>Printing a realm's key for a provider's configuration ({@code MPP_REALM_KEY}), with the master secret in the
 * environment: {@code MPP_SECRET_KEY=... java -cp '<payment-service>/lib/main/*' io.mppgateway.contracts.mpp.RealmKeys
 * <realm>} (deploy/local/realm-key.sh does this locally).
 */
public final class RealmKeys {
    public static final String INFO_PREFIX = "mpp-challenge:";
    public static final int KEY_BYTES = 32;

    private RealmKeys() {
    }

    /** The realm's challenge key derived from one master secret (UTF-8, as the HMAC secret has always been used). */
    public static byte[] derive(String masterSecret, String realm) {
        byte[] ikm = masterSecret.getBytes(StandardCharsets.UTF_8);
        if (ikm.length < ChallengeIdSigner.MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(
                    "MPP secret key must be at least " + ChallengeIdSigner.MIN_SECRET_BYTES + " bytes");
        }
        return hkdfSha256(new byte[0], ikm, (INFO_PREFIX + realm).getBytes(StandardCharsets.UTF_8), KEY_BYTES);
    }

    /** The realm's keys for the current master secret and each previous one, current first. */
    public static List<byte[]> derive(List<String> masterSecrets, String realm) {
        return masterSecrets.stream().map(secret -> derive(secret, realm)).toList();
    }

    /** A realm key as it is configured: base64url without padding. */
    public static String encode(byte[] key) {
        return Base64Url.encode(key);
    }

    /** @throws IllegalArgumentException unless it is base64url of exactly 32 bytes */
    public static byte[] decode(String configured) {
        byte[] key = Base64Url.decode(configured == null ? "" : configured.trim());
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a realm key is base64url of " + KEY_BYTES + " bytes, got "
                    + key.length + " bytes");
        }
        return key;
    }

    /** RFC 5869 HKDF with HMAC-SHA256: extract (an empty salt is HashLen zeros), then expand to {@code length}. */
    public static byte[] hkdfSha256(byte[] salt, byte[] ikm, byte[] info, int length) {
        if (length <= 0 || length > 255 * 32) {
            throw new IllegalArgumentException("HKDF-SHA256 output length must be 1..8160 bytes");
        }
        byte[] prk = hmac(salt.length == 0 ? new byte[32] : salt, ikm);
        byte[] out = new byte[length];
        byte[] block = new byte[0];
        for (int i = 1, at = 0; at < length; i++) {
            byte[] input = new byte[block.length + info.length + 1];
            System.arraycopy(block, 0, input, 0, block.length);
            System.arraycopy(info, 0, input, block.length, info.length);
            input[input.length - 1] = (byte) i;
            block = hmac(prk, input);
            int n = Math.min(block.length, length - at);
            System.arraycopy(block, 0, out, at, n);
            at += n;
        }
        return out;
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Prints the base64url key of the realm named as the argument, from the master secret in MPP_SECRET_KEY. */
    public static void main(String[] args) {
        String master = System.getenv("MPP_SECRET_KEY");
        if (args.length != 1 || master == null || master.isBlank()) {
            System.err.println("usage: MPP_SECRET_KEY=<master secret> java ... io.mppgateway.contracts.mpp.RealmKeys"
                    + " <realm>   (prints the realm's MPP_REALM_KEY)");
            System.exit(2);
        }
        System.out.println(encode(derive(master, args[0])));
    }
}
