package io.mppgateway.ledger.ingest.service;

import java.util.ArrayList;
import java.util.List;

import io.mppgateway.ledger.charge.domain.Charge;
import io.mppgateway.ledger.charge.domain.ChargeSplit;
import io.mppgateway.ledger.journal.domain.Accounts;
import io.mppgateway.ledger.journal.domain.JournalEntry;
import io.mppgateway.ledger.journal.domain.JournalKind;
import io.mppgateway.ledger.journal.domain.Posting;
import io.mppgateway.ledger.refund.domain.Refund;
import io.mppgateway.ledger.usage.domain.UsageRecord;

/** The posting rules of ARCHITECTURE §6, one factory per kind of journal transaction. */
public final class JournalEntries {
    private JournalEntries() {
    }

    /**
     * Money arrived in the wallet, but it is owed (as service or refund) until delivery. With splits, the wallet got
     * only what they left; each split is an expense the buyer paid for the gateway. The whole amount is still owed:
     * delivery earns all of it and a refund returns all of it from the wallet, so the gateway bears the splits.
     */
    public static JournalEntry settlement(Charge charge, List<ChargeSplit> splits, String eventId) {
        List<Posting> postings = new ArrayList<>();
        postings.add(Posting.debit(Accounts.wallet(charge.recipient()), ChargeSplit.walletAmount(charge, splits)));
        for (ChargeSplit split : splits) {
            postings.add(Posting.debit(Accounts.splitExpense(split.recipient()), split.amount()));
        }
        postings.add(Posting.credit(Accounts.unearned(charge.provider()), charge.amount()));
        return new JournalEntry(JournalKind.SETTLEMENT, charge.challengeId(), eventId, charge.settledAt(),
                "settlement of charge " + charge.chargeId() + " (tx " + charge.txHash() + ")", postings);
    }

    /** Delivery earns the whole charge; the account names the charge's provider and the model actually used. */
    public static JournalEntry delivery(Charge charge, UsageRecord usage) {
        return new JournalEntry(JournalKind.DELIVERY, charge.challengeId(), usage.eventId(), usage.recordedAt(),
                usage.outcome().name().toLowerCase(java.util.Locale.ROOT) + " delivery of charge " + charge.chargeId(),
                List.of(Posting.debit(Accounts.unearned(charge.provider()), charge.amount()),
                        Posting.credit(Accounts.revenue(charge.provider(), usage.model()), charge.amount())));
    }

    /** What the attempt cost upstream, owed to the provider's upstream (Mistral, xAI). */
    public static JournalEntry upstreamCost(Charge charge, UsageRecord usage) {
        long cost = usage.upstreamCost();
        return new JournalEntry(JournalKind.UPSTREAM_COST, charge.challengeId(), usage.eventId(), usage.recordedAt(),
                "upstream cost of charge " + charge.chargeId() + " (" + usage.model() + ", "
                        + usage.outcome().name().toLowerCase(java.util.Locale.ROOT) + ")",
                List.of(Posting.debit(Accounts.upstreamExpense(charge.provider()), cost),
                        Posting.credit(Accounts.upstreamPayable(charge.provider()), cost)));
    }

    /**
     * The refund reverses the liability against the wallet. A charge already recognised as revenue (refunded
     * after delivery, which payment-service is not expected to do) reverses the revenue instead, so the unearned
     * liability never goes negative.
     */
    public static JournalEntry refund(Charge charge, Refund refund, boolean reverseRevenue) {
        String debitAccount = reverseRevenue
                ? Accounts.revenue(charge.provider(), charge.model())
                : Accounts.unearned(charge.provider());
        return new JournalEntry(JournalKind.REFUND, charge.challengeId(), refund.eventId(), refund.refundedAt(),
                "refund of charge " + charge.chargeId() + " (tx " + refund.refundTxHash() + "): " + refund.reason(),
                List.of(Posting.debit(debitAccount, refund.amount()),
                        Posting.credit(Accounts.wallet(charge.recipient()), refund.amount())));
    }
}
