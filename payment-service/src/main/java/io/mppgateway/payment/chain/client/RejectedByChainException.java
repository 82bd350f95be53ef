package io.mppgateway.payment.chain.client;

/** The node answered with a JSON-RPC error about the request itself (revert, invalid or stale transaction). */
public class RejectedByChainException extends RuntimeException {
    private final int code;

    public RejectedByChainException(String method, int code, String message) {
        super(method + ": " + message);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
