package io.mppgateway.ledger.charge.service;

/** A finance query parameter that cannot be understood; answered 400. */
public class InvalidQueryException extends RuntimeException {
    public InvalidQueryException(String message) {
        super(message);
    }
}
