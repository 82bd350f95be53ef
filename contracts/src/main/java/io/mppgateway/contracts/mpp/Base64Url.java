package io.mppgateway.contracts.mpp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/** RFC 4648 §5 base64url without padding, the only encoding MPP puts on the wire. */
public final class Base64Url {
    private static final Pattern ALPHABET = Pattern.compile("[A-Za-z0-9_-]*={0,2}");

    private Base64Url() {
    }

    public static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String encode(String utf8) {
        return encode(utf8.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes strictly: only the URL-safe alphabet (trailing padding tolerated, as mppx does). */
    public static byte[] decode(String encoded) {
        if (encoded == null || !ALPHABET.matcher(encoded).matches()) {
            throw new IllegalArgumentException("not base64url");
        }
        return Base64.getUrlDecoder().decode(encoded.replace("=", ""));
    }

    /** Decodes to text, refusing byte sequences that are not UTF-8. */
    public static String decodeToString(String encoded) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(decode(encoded))).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8", e);
        }
    }
}
