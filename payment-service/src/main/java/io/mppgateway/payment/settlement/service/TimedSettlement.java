package io.mppgateway.payment.settlement.service;

import io.mppgateway.contracts.payment.SettlementResponse;

/**
 * A settlement's answer and where its time went: the whole of it here, and how much of that was waiting on the
 * node (simulation, broadcast, receipts); the rest is payment-service's own (verification, database).
 */
public record TimedSettlement(SettlementResponse response, long tookNanos, long chainNanos) {
}
