package io.mppgateway.ledger.charge.service;

import java.util.List;

import io.mppgateway.ledger.charge.domain.Charge;
import io.mppgateway.ledger.charge.domain.ChargeSplit;
import io.mppgateway.ledger.journal.domain.JournalTransaction;
import io.mppgateway.ledger.refund.domain.Refund;
import io.mppgateway.ledger.usage.domain.UsageRecord;

/** A charge with everything the ledger knows about it; splits in position order (empty without). */
public record ChargeDetail(Charge charge, List<ChargeSplit> splits, List<UsageRecord> usage, List<Refund> refunds,
        List<JournalTransaction> journal) {

    /** What the charge's recipient received: the amount minus the splits. */
    public long walletAmount() {
        return ChargeSplit.walletAmount(charge, splits);
    }
}
