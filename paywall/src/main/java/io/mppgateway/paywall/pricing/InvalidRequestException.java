package io.mppgateway.paywall.pricing;

/**
 * A request refused before any payment. Each provider renders it in its own API's error format.
 *
 * @see #param() the offending body field, or null
 * @see #code() a machine-readable code such as {@code unknown_model}
 */
public class InvalidRequestException extends RuntimeException {
    private final int status;
    private final String param;
    private final String code;

    public InvalidRequestException(int status, String param, String code, String message) {
        super(message);
        this.status = status;
        this.param = param;
        this.code = code;
    }

    public InvalidRequestException(String param, String code, String message) {
        this(400, param, code, message);
    }

    /** A body larger than the route accepts: 413, before any payment. */
    public static void requireAtMost(byte[] body, long maxBytes) {
        if (body != null && body.length > maxBytes) {
            throw new InvalidRequestException(413, null, "request_too_large",
                    "request body of " + body.length + " bytes exceeds the limit of " + maxBytes + " bytes");
        }
    }

    /** A body larger than the route accepts, of the declared length when known ({@code Content-Length}). */
    public static InvalidRequestException tooLarge(String contentLength, long maxBytes) {
        return new InvalidRequestException(413, null, "request_too_large", "request body"
                + (contentLength == null ? "" : " of " + contentLength + " bytes") + " exceeds the limit of "
                + maxBytes + " bytes");
    }

    public int status() {
        return status;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
