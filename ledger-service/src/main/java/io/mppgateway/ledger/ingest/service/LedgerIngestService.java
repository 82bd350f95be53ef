package io.mppgateway.ledger.ingest.service;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.mppgateway.contracts.Topics;
import io.mppgateway.contracts.events.PaymentRefunded;
import io.mppgateway.contracts.events.PaymentSettled;
import io.mppgateway.contracts.events.UsageRecorded;
import io.mppgateway.ledger.charge.domain.Charge;
import io.mppgateway.ledger.charge.domain.ChargeStatus;
import io.mppgateway.ledger.charge.repository.ChargeRepository;
import io.mppgateway.ledger.ingest.repository.ProcessedEventRepository;
import io.mppgateway.ledger.ingest.repository.RejectedEventRepository;
import io.mppgateway.ledger.journal.repository.JournalRepository;
import io.mppgateway.ledger.refund.domain.Refund;
import io.mppgateway.ledger.refund.repository.RefundRepository;
import io.mppgateway.ledger.usage.domain.UsageRecord;
import io.mppgateway.ledger.usage.repository.UsageRepository;

/**
 * Books payment and usage facts into the ledger. Each public method is one database transaction: the event id,
 * the stored fact, the charge status and the journal postings commit together or not at all.
 */
@ApplicationScoped
public class LedgerIngestService {
    private static final Logger LOG = Logger.getLogger(LedgerIngestService.class);

    private final ProcessedEventRepository processedEvents;
    private final RejectedEventRepository rejectedEvents;
    private final ChargeRepository charges;
    private final UsageRepository usage;
    private final RefundRepository refunds;
    private final JournalRepository journal;

    public LedgerIngestService(ProcessedEventRepository processedEvents, RejectedEventRepository rejectedEvents,
            ChargeRepository charges, UsageRepository usage, RefundRepository refunds, JournalRepository journal) {
        this.processedEvents = processedEvents;
        this.rejectedEvents = rejectedEvents;
        this.charges = charges;
        this.usage = usage;
        this.refunds = refunds;
        this.journal = journal;
    }

    @Transactional
    public IngestResult recordSettlement(PaymentSettled event, EventOrigin origin) {
        processedEvents.lockChallenge(event.challengeId());
        if (!processedEvents.markProcessed(event.eventId(), Topics.PAYMENTS_SETTLED)) {
            return IngestResult.DUPLICATE;
        }
        if (charges.findByChallengeId(event.challengeId()).isPresent()) {
            // payment-service claims each challenge once, so this is a re-published fact, not a second payment
            LOG.warnf("settlement %s repeats challenge %s already in the ledger; nothing booked", event.eventId(),
                    event.challengeId());
            return IngestResult.ALREADY_KNOWN;
        }
        Optional<Charge> clash = charges.findOtherClaiming(event.challengeId(), event.chargeId(), event.txHash());
        if (clash.isPresent()) {
            String reason = "charge id or tx hash already settled for challenge " + clash.get().challengeId();
            LOG.errorf("settlement %s rejected: %s", event.eventId(), reason);
            rejectedEvents.record(origin, reason);
            return IngestResult.REJECTED;
        }

        Charge charge = new Charge(event.challengeId(), event.chargeId(), event.provider(), event.route(),
                event.realm(), null, event.amount(), event.currency(), event.chainId(), event.txHash(), event.payer(),
                event.recipient(), event.mode(), event.digest(), ChargeStatus.SETTLED, event.settledAt(), null);
        charges.insert(charge);
        journal.post(JournalEntries.settlement(charge, event.eventId()));

        // facts that overtook their settlement on other topics are booked now, in the order they happened
        for (UsageRecord pending : usage.findPending(charge.challengeId())) {
            charge = apply(charge, pending);
        }
        for (Refund pending : refunds.findPending(charge.challengeId())) {
            charge = apply(charge, pending);
        }
        charges.updateStatusAndModel(charge.challengeId(), charge.status(), charge.model());
        return IngestResult.APPLIED;
    }

    @Transactional
    public IngestResult recordUsage(UsageRecorded event) {
        processedEvents.lockChallenge(event.challengeId());
        if (!processedEvents.markProcessed(event.eventId(), Topics.USAGE_RECORDED)) {
            return IngestResult.DUPLICATE;
        }
        UsageRecord record = UsageRecord.pending(event);
        usage.insert(record);
        Optional<Charge> charge = charges.findByChallengeId(event.challengeId());
        if (charge.isEmpty()) {
            return IngestResult.PENDING;
        }
        Charge updated = apply(charge.get(), record);
        charges.updateStatusAndModel(updated.challengeId(), updated.status(), updated.model());
        return IngestResult.APPLIED;
    }

    @Transactional
    public IngestResult recordRefund(PaymentRefunded event) {
        processedEvents.lockChallenge(event.challengeId());
        if (!processedEvents.markProcessed(event.eventId(), Topics.PAYMENTS_REFUNDED)) {
            return IngestResult.DUPLICATE;
        }
        if (refunds.existsByRefundTxHash(event.refundTxHash())) {
            LOG.warnf("refund %s repeats refund tx %s already in the ledger; nothing booked", event.eventId(),
                    event.refundTxHash());
            return IngestResult.ALREADY_KNOWN;
        }
        Refund refund = Refund.pending(event);
        refunds.insert(refund);
        Optional<Charge> charge = charges.findByChallengeId(event.challengeId());
        if (charge.isEmpty()) {
            return IngestResult.PENDING;
        }
        Charge updated = apply(charge.get(), refund);
        charges.updateStatusAndModel(updated.challengeId(), updated.status(), updated.model());
        return IngestResult.APPLIED;
    }

    /** Books one usage record against its charge and returns the charge as it now stands (not yet saved). */
    private Charge apply(Charge charge, UsageRecord record) {
        Charge result = charge;
        if (record.delivered()) {
            if (charge.status() == ChargeStatus.SETTLED || charge.status() == ChargeStatus.UNFULFILLED) {
                journal.post(JournalEntries.delivery(charge, record));
                result = charge.withStatus(ChargeStatus.FULFILLED).withModel(record.model());
            } else {
                // one payment, one delivery: revenue is never recognised twice nor after a refund
                LOG.warnf("usage %s (%s) for %s charge %s: no revenue booked", record.eventId(), record.outcome(),
                        charge.status().dbValue(), charge.challengeId());
            }
        } else {
            if (charge.status() == ChargeStatus.SETTLED) {
                result = charge.withStatus(ChargeStatus.UNFULFILLED);
            }
            if (result.model() == null) {
                result = result.withModel(record.model());
            }
        }
        // the upstream was (probably) billed whatever became of the answer, so the estimate is booked for any outcome
        if (record.upstreamCostEstimate() > 0) {
            journal.post(JournalEntries.upstreamCost(charge, record));
        }
        usage.markApplied(record.eventId());
        return result;
    }

    private Charge apply(Charge charge, Refund refund) {
        boolean reverseRevenue = charge.status() == ChargeStatus.FULFILLED;
        if (reverseRevenue) {
            LOG.warnf("refund %s of delivered charge %s reverses its revenue", refund.eventId(), charge.challengeId());
        }
        journal.post(JournalEntries.refund(charge, refund, reverseRevenue));
        refunds.markApplied(refund.eventId());
        return charge.withStatus(ChargeStatus.REFUNDED);
    }
}
