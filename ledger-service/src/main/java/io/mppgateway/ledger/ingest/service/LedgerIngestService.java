package io.mppgateway.ledger.ingest.service;

import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.mppgateway.contracts.Topics;
import io.mppgateway.contracts.events.PaymentRefunded;
import io.mppgateway.contracts.events.PaymentSettled;
import io.mppgateway.contracts.events.UsageRecorded;
import io.mppgateway.ledger.balance.repository.BalanceRepository;
import io.mppgateway.ledger.charge.domain.Charge;
import io.mppgateway.ledger.charge.domain.ChargeSplit;
import io.mppgateway.ledger.charge.domain.ChargeStatus;
import io.mppgateway.ledger.charge.repository.ChargeRepository;
import io.mppgateway.ledger.charge.repository.ChargeSplitRepository;
import io.mppgateway.ledger.ingest.repository.ProcessedEventRepository;
import io.mppgateway.ledger.ingest.repository.RejectedEventRepository;
import io.mppgateway.ledger.journal.domain.JournalEntry;
import io.mppgateway.ledger.journal.repository.JournalRepository;
import io.mppgateway.ledger.refund.domain.Refund;
import io.mppgateway.ledger.refund.repository.RefundRepository;
import io.mppgateway.ledger.report.domain.ReportFigures;
import io.mppgateway.ledger.report.repository.RollupRepository;
import io.mppgateway.ledger.usage.domain.UsageRecord;
import io.mppgateway.ledger.usage.repository.UsageRepository;

/**
 * Books payment and usage facts into the ledger. Each public method is one database transaction: the event id,
 * the stored fact, the charge status, the journal postings and the rollups derived from them (account balances,
 * report figures) commit together or not at all.
 */
@ApplicationScoped
public class LedgerIngestService {
    private static final Logger LOG = Logger.getLogger(LedgerIngestService.class);

    private final ProcessedEventRepository processedEvents;
    private final RejectedEventRepository rejectedEvents;
    private final ChargeRepository charges;
    private final ChargeSplitRepository chargeSplits;
    private final UsageRepository usage;
    private final RefundRepository refunds;
    private final JournalRepository journal;
    private final BalanceRepository balances;
    private final RollupRepository rollups;

    public LedgerIngestService(ProcessedEventRepository processedEvents, RejectedEventRepository rejectedEvents,
            ChargeRepository charges, ChargeSplitRepository chargeSplits, UsageRepository usage,
            RefundRepository refunds, JournalRepository journal, BalanceRepository balances, RollupRepository rollups) {
        this.processedEvents = processedEvents;
        this.rejectedEvents = rejectedEvents;
        this.charges = charges;
        this.chargeSplits = chargeSplits;
        this.usage = usage;
        this.refunds = refunds;
        this.journal = journal;
        this.balances = balances;
        this.rollups = rollups;
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
        List<ChargeSplit> splits = IntStream.range(0, event.splits().size())
                .mapToObj(i -> new ChargeSplit(i, event.splits().get(i).recipient(), event.splits().get(i).amount(),
                        event.splits().get(i).memo()))
                .toList();
        charges.insert(charge);
        chargeSplits.insert(charge.challengeId(), splits);
        Bookings bookings = new Bookings();
        post(JournalEntries.settlement(charge, splits, event.eventId()), bookings);
        long splitCost = ChargeSplit.total(splits);
        if (splitCost > 0) {
            // a cost on the day it is posted; the model is not known at settlement: it stays under model '' until
            // the charge's first usage names it (see apply)
            bookings.figures(charge.settledAt(), charge.provider(), null, charge.payer(),
                    ReportFigures.splitCost(splitCost));
        }

        // facts that overtook their settlement on other topics are booked now, in the order they happened
        for (UsageRecord pending : usage.findPending(charge.challengeId())) {
            charge = apply(charge, pending, bookings);
        }
        for (Refund pending : refunds.findPending(charge.challengeId())) {
            charge = apply(charge, pending, bookings);
        }
        charges.updateStatusAndModel(charge.challengeId(), charge.status(), charge.model());
        flush(bookings);
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
        Bookings bookings = new Bookings();
        Charge updated = apply(charge.get(), record, bookings);
        charges.updateStatusAndModel(updated.challengeId(), updated.status(), updated.model());
        flush(bookings);
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
        Bookings bookings = new Bookings();
        Charge updated = apply(charge.get(), refund, bookings);
        charges.updateStatusAndModel(updated.challengeId(), updated.status(), updated.model());
        flush(bookings);
        return IngestResult.APPLIED;
    }

    /** Books one usage record against its charge and returns the charge as it now stands (not yet saved). */
    private Charge apply(Charge charge, UsageRecord record, Bookings bookings) {
        Charge result = charge;
        long revenue = 0;
        if (record.delivered()) {
            if (charge.status() == ChargeStatus.SETTLED || charge.status() == ChargeStatus.UNFULFILLED) {
                post(JournalEntries.delivery(charge, record), bookings);
                revenue = charge.amount();
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
        if (charge.model() == null && record.model() != null) {
            long splitCost = ChargeSplit.total(chargeSplits.findByChallengeId(charge.challengeId()));
            if (splitCost > 0) {
                // the model's margin carries the splits its calls cost
                bookings.attributeSplitCost(charge.settledAt(), charge.provider(), record.model(), splitCost);
            }
        }
        // the upstream was (probably) billed whatever became of the answer, so the estimate is booked for any outcome
        if (record.upstreamCostEstimate() > 0) {
            post(JournalEntries.upstreamCost(charge, record), bookings);
        }
        bookings.figures(record.recordedAt(), charge.provider(), record.model(), charge.payer(),
                new ReportFigures(1, record.delivered() ? 1 : 0, revenue, 0, record.upstreamCostEstimate(), 0,
                        record.promptTokens(), record.completionTokens(), record.totalTokens(),
                        record.reasoningTokens(), record.cachedTokens()));
        usage.markApplied(record.eventId());
        return result;
    }

    private Charge apply(Charge charge, Refund refund, Bookings bookings) {
        boolean reverseRevenue = charge.status() == ChargeStatus.FULFILLED;
        if (reverseRevenue) {
            LOG.warnf("refund %s of delivered charge %s reverses its revenue", refund.eventId(), charge.challengeId());
        }
        post(JournalEntries.refund(charge, refund, reverseRevenue), bookings);
        bookings.figures(refund.refundedAt(), charge.provider(), charge.model(), charge.payer(),
                new ReportFigures(0, 0, reverseRevenue ? -refund.amount() : 0, refund.amount(), 0, 0, 0, 0, 0, 0, 0));
        refunds.markApplied(refund.eventId());
        return charge.withStatus(ChargeStatus.REFUNDED);
    }

    private void post(JournalEntry entry, Bookings bookings) {
        journal.post(entry);
        bookings.posted(entry);
    }

    /** Derived tables last, each in key order (see Bookings). */
    private void flush(Bookings bookings) {
        balances.add(bookings.balances());
        rollups.add(bookings.byModel(), bookings.byPayer());
    }
}
