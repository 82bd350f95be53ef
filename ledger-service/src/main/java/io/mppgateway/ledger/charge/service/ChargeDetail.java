package io.mppgateway.ledger.charge.service;

import java.util.List;

import io.mppgateway.ledger.charge.domain.Charge;
import io.mppgateway.ledger.journal.domain.JournalTransaction;
import io.mppgateway.ledger.usage.domain.UsageRecord;

/** A charge with everything the ledger knows about it. */
public record ChargeDetail(Charge charge, List<UsageRecord> usage, List<JournalTransaction> journal) {
}
