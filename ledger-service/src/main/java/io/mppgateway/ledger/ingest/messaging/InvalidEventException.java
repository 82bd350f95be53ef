package io.mppgateway.ledger.ingest.messaging;

/** An event that can never be booked however often it is redelivered (bad JSON, missing or invalid fields). */
public class InvalidEventException extends RuntimeException {
    public InvalidEventException(String message) {
        super(message);
    }

    public InvalidEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
