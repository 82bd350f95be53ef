package io.mppgateway.payment.chain.client;

/** The node could not answer (timeout, connection refused, 5xx, JSON-RPC internal error): the outcome is unknown. */
public class ChainUnavailableException extends RuntimeException {
    public ChainUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
