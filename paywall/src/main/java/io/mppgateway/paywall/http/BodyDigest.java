package io.mppgateway.paywall.http;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** RFC 9530 {@code Content-Digest}-style value of a request body: {@code sha-256=:<base64>:}. */
public final class BodyDigest {
    private BodyDigest() {
    }

    public static String sha256(byte[] body) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
            return "sha-256=:" + Base64.getEncoder().encodeToString(hash) + ":";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
