package io.mppgateway.payment.caller.service;

/** A call of {@code /internal/*} without valid service authentication (401) or beyond the caller's rights (403). */
public class CallerRejectedException extends RuntimeException {
    private final int status;

    public CallerRejectedException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
