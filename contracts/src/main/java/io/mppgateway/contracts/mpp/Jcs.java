package io.mppgateway.contracts.mpp;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.erdtman.jcs.JsonCanonicalizer;

/** RFC 8785 JSON canonicalization; MPP's {@code request} and {@code opaque} are base64url of JCS JSON. */
public final class Jcs {
    /** Plain JSON of maps, lists, strings and numbers; nothing here needs a configured mapper. */
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Jcs() {
    }

    public static String canonicalize(String json) {
        try {
            return new JsonCanonicalizer(json).getEncodedString();
        } catch (IOException e) {
            throw new IllegalArgumentException("not canonicalizable JSON: " + e.getMessage(), e);
        }
    }

    /** base64url(JCS(json)), the form MPP binds into challenge ids. */
    public static String encode(String json) {
        return Base64Url.encode(canonicalize(json));
    }

    /** base64url(JCS(value as JSON)) of a plain value (maps, lists, strings, numbers, booleans). */
    public static String encodeValue(Object value) {
        try {
            return encode(MAPPER.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Re-canonicalizes an echoed base64url JSON value, as mppx does before recomputing an HMAC. */
    public static String recanonicalize(String base64UrlJson) {
        return encode(Base64Url.decodeToString(base64UrlJson));
    }
}
