package io.mppgateway.ledger.reconciliation.client;

/** The node answered with a JSON-RPC error: asking again would give the same answer. */
public class ChainRpcException extends RuntimeException {
    public ChainRpcException(String message) {
        super(message);
    }
}
