package io.mppgateway.ledger.ingest.service;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.mppgateway.ledger.charge.domain.Charge;
import io.mppgateway.ledger.charge.domain.ChargeSplit;
import io.mppgateway.ledger.refund.domain.Refund;
import io.mppgateway.ledger.usage.domain.UsageRecord;

/**
 * What the ledger already holds about the charges of one batch, read inside the batch's transaction after their
 * advisory locks were taken (so nobody else changes it until commit).
 *
 * @param charges         the batch's charges that exist, by challenge id
 * @param splits          the splits of those charges, by challenge id (absent: none)
 * @param pendingUsage    usage stored before its settlement arrived, by challenge id
 * @param pendingRefunds  refunds stored before their settlement arrived, by challenge id
 * @param claims          charges of any challenge holding one of the batch's charge ids or tx hashes
 * @param refundTxHashes  refund tx hashes of the batch the ledger already has
 */
public record BookingState(Map<String, Charge> charges, Map<String, List<ChargeSplit>> splits,
        Map<String, List<UsageRecord>> pendingUsage, Map<String, List<Refund>> pendingRefunds, List<Charge> claims,
        Set<String> refundTxHashes) {
}
