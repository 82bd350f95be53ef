package io.mppgateway.contracts.mpp;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.erdtman.jcs.JsonCanonicalizer;

/** RFC 8785 JSON canonicalization; MPP's {@code request} and {@code opaque} are base64url of JCS JSON. */
public final class Jcs {
    /** Plain JSON of maps, lists, strings and numbers; nothing here needs a configured mapper. */
    static final ObjectMapper MAPPER = new ObjectMapper();
    // the largest integer every JSON number reader (an IEEE double, as RFC 8785 assumes) holds exactly
    private static final long EXACT_INTEGER = 1L << 53;

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
        return Base64Url.encode(canonicalValue(value));
    }

    /**
     * JCS(value as JSON). Every 402 carries two such values (the request and the opaque), so the common case is
     * written canonically at once (~14 % of a 402's CPU went to writing JSON and parsing it back to canonicalize it);
     * anything whose canonical form needs RFC 8785's number or surrogate rules takes the library's path.
     */
    static String canonicalValue(Object value) {
        StringBuilder out = new StringBuilder(256);
        if (writeCanonical(value, out)) {
            return out.toString();
        }
        try {
            return canonicalize(MAPPER.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes JCS of value; false (out then holds a partial result) for what this writer leaves to the library. */
    private static boolean writeCanonical(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String text) {
            return writeString(text, out);
        } else if (value instanceof Boolean flag) {
            out.append(flag.booleanValue());
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte) {
            long number = ((Number) value).longValue();
            if (number > EXACT_INTEGER || number < -EXACT_INTEGER) {
                return false;
            }
            out.append(number);
        } else if (value instanceof BigInteger number) {
            if (number.abs().compareTo(BigInteger.valueOf(EXACT_INTEGER)) > 0) {
                return false;
            }
            out.append(number);
        } else if (value instanceof Map<?, ?> map) {
            return writeObject(map, out);
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                if (!writeCanonical(list.get(i), out)) {
                    return false;
                }
            }
            out.append(']');
        } else {
            return false;
        }
        return true;
    }

    private static boolean writeObject(Map<?, ?> map, StringBuilder out) {
        List<String> keys = new ArrayList<>(map.size());
        for (Object key : map.keySet()) {
            if (!(key instanceof String name)) {
                return false;
            }
            keys.add(name);
        }
        // RFC 8785 §3.2.3: by UTF-16 code units, which is String's natural order
        Collections.sort(keys);
        out.append('{');
        for (int i = 0; i < keys.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            if (!writeString(keys.get(i), out)) {
                return false;
            }
            out.append(':');
            if (!writeCanonical(map.get(keys.get(i)), out)) {
                return false;
            }
        }
        out.append('}');
        return true;
    }

    /** RFC 8785 §3.2.2.2 (ECMAScript's JSON.stringify); false for surrogates, which the library handles. */
    private static boolean writeString(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isSurrogate(c)) {
                        return false;
                    }
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16))
                                .append(Character.forDigit(c & 0xf, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
        return true;
    }

    /** Re-canonicalizes an echoed base64url JSON value, as mppx does before recomputing an HMAC. */
    public static String recanonicalize(String base64UrlJson) {
        return encode(Base64Url.decodeToString(base64UrlJson));
    }
}
