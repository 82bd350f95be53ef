package io.mppgateway.contracts.mpp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The challenge id: base64url(HMAC-SHA256(secret, realm|method|intent|request|expires|digest|opaque)).
 * Binding every slot means a buyer can't alter amount, recipient, expiry, body digest or route without the id failing.
 * Verification accepts the current secret and the previous ones, so rotation does not break live challenges.
 * The keys are either UTF-8 secrets (mppx's {@code MPP_SECRET_KEY} style) or raw derived keys ({@link RealmKeys}):
 * payment-service signs and verifies with the realm keys derived from its master secret, a paywall signs with the
 * one realm key it was given.
 */
public final class ChallengeIdSigner {
    /** mppx refuses shorter secrets; so do we. */
    public static final int MIN_SECRET_BYTES = 32;

    private final List<Key> keys;

    /** @param current the signing secret; @param previous secrets still accepted for verification */
    public ChallengeIdSigner(String current, List<String> previous) {
        List<byte[]> secrets = new java.util.ArrayList<>();
        secrets.add(checked(current));
        previous.stream().filter(s -> !s.isBlank()).map(ChallengeIdSigner::checked).forEach(secrets::add);
        this.keys = secrets.stream().map(Key::of).toList();
    }

    public ChallengeIdSigner(String current) {
        this(current, List.of());
    }

    private ChallengeIdSigner(List<byte[]> keys) {
        this.keys = keys.stream().map(Key::of).toList();
    }

    /** Raw keys (e.g. {@link RealmKeys#derive}), each of at least 32 bytes; the first one signs. */
    public static ChallengeIdSigner ofKeys(List<byte[]> keys) {
        if (keys.isEmpty() || keys.stream().anyMatch(k -> k.length < MIN_SECRET_BYTES)) {
            throw new IllegalArgumentException("challenge keys must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        return new ChallengeIdSigner(keys);
    }

    /**
     * Test-only: the cross-SDK server-verify vectors use a short secret ("secret-key"). Production goes through the
     * other factories, which keep the 32-byte minimum.
     */
    public static ChallengeIdSigner withoutLengthCheck(String secret) {
        return new ChallengeIdSigner(List.of(secret.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] checked(String secret) {
        byte[] bytes = secret == null ? new byte[0] : secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("MPP secret key must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        return bytes;
    }

    /**
     * @param request base64url JCS request
     * @param header  the credential header name when it is not the default {@code Authorization}, else null
     */
    public String sign(String realm, String method, String intent, String request, String expires, String digest,
            String header, String opaque) {
        return sign(keys.get(0), bindingInput(realm, method, intent, request, expires, digest, header, opaque));
    }

    public boolean verify(String id, String realm, String method, String intent, String request, String expires,
            String digest, String opaque) {
        if (id == null) {
            return false;
        }
        String input = bindingInput(realm, method, intent, request, expires, digest, null, opaque);
        byte[] presented = id.getBytes(StandardCharsets.US_ASCII);
        boolean match = false;
        for (Key secret : keys) {
            // check every secret so timing does not reveal which one matched
            match |= MessageDigest.isEqual(sign(secret, input).getBytes(StandardCharsets.US_ASCII), presented);
        }
        return match;
    }

    static String bindingInput(String realm, String method, String intent, String request, String expires,
            String digest, String header, String opaque) {
        StringBuilder sb = new StringBuilder()
                .append(realm).append('|').append(method).append('|').append(intent).append('|')
                .append(request).append('|').append(nullToEmpty(expires)).append('|').append(nullToEmpty(digest))
                .append('|');
        if (header != null && !header.isEmpty() && !header.equalsIgnoreCase("Authorization")) {
            sb.append(header).append('|');
        }
        return sb.append(nullToEmpty(opaque)).toString();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String sign(Key key, String input) {
        return Base64Url.encode(key.mac().doFinal(input.getBytes(StandardCharsets.UTF_8)));
    }

    /** A secret and an HMAC keyed with it, never used itself: each signature works on a copy (thread-safe). */
    private record Key(byte[] secret, Mac prototype) {
        static Key of(byte[] secret) {
            return new Key(secret, keyed(secret));
        }

        /** A copy of the prototype: no provider look-up and no key schedule per challenge. */
        Mac mac() {
            try {
                return (Mac) prototype.clone();
            } catch (CloneNotSupportedException e) {
                // a provider whose HMAC cannot be copied (the JDK's can)
                return keyed(secret);
            }
        }

        private static Mac keyed(byte[] secret) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret, "HmacSHA256"));
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        }
    }
}
