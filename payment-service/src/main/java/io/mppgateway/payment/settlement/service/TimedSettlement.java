package io.mppgateway.payment.settlement.service;

import io.mppgateway.contracts.payment.SettlementResponse;

/**
 * A settlement's answer and where its time went: the whole of it here, how much of that was waiting on the node
 * (simulation, broadcast, receipts) and on the database (look-up, claim, completion); the rest is payment-service's
 * own work (verification, JSON).
 */
public record TimedSettlement(SettlementResponse response, long tookNanos, long chainNanos, long claimNanos) {
}
