package io.mppgateway.ledger.reconciliation.client;

/** The chain could not be asked (network, timeout, HTTP error): worth retrying, answered 503. */
public class ChainUnavailableException extends RuntimeException {
    public ChainUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
