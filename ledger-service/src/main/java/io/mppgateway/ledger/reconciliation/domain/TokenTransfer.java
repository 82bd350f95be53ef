package io.mppgateway.ledger.reconciliation.domain;

import java.math.BigInteger;
import java.time.Instant;

/** A TIP-20 Transfer log; addresses lower-case; timestamp null when the node did not say (receipt logs). */
public record TokenTransfer(String token, String from, String to, BigInteger amount, String txHash, long blockNumber,
        Instant timestamp) {
}
