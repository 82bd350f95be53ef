package io.mppgateway.ledger.ingest.service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import org.jboss.logging.Logger;

import io.mppgateway.contracts.events.PaymentRefunded;
import io.mppgateway.contracts.events.PaymentSettled;
import io.mppgateway.contracts.events.UsageRecorded;
import io.mppgateway.ledger.charge.domain.Charge;
import io.mppgateway.ledger.charge.domain.ChargeSplit;
import io.mppgateway.ledger.charge.domain.ChargeStatus;
import io.mppgateway.ledger.common.db.Sql;
import io.mppgateway.ledger.journal.domain.JournalEntry;
import io.mppgateway.ledger.refund.domain.Refund;
import io.mppgateway.ledger.report.domain.ReportFigures;
import io.mppgateway.ledger.usage.domain.UsageRecord;

/**
 * The booking rules, applied to the events of one batch in their order, over what the ledger already held
 * ({@link BookingState}). No I/O: the result is a set of writes ({@link #newCharges()}, {@link #journal()}, ...)
 * that the caller stores in the same transaction that read the state, so the batch is booked all or nothing.
 * Each event is booked exactly as if it had been the only one of its transaction.
 */
public final class LedgerBatch {
    private static final Logger LOG = Logger.getLogger(LedgerBatch.class);
    private static final Comparator<UsageRecord> USAGE_ORDER = Comparator.comparing(UsageRecord::recordedAt)
            .thenComparing(UsageRecord::eventId);
    private static final Comparator<Refund> REFUND_ORDER = Comparator.comparing(Refund::refundedAt)
            .thenComparing(Refund::eventId);

    // what the ledger holds, updated as the batch is applied
    private final Map<String, Charge> charges;
    private final Map<String, List<ChargeSplit>> splits;
    private final Map<String, List<UsageRecord>> pendingUsage = new HashMap<>();
    private final Map<String, List<Refund>> pendingRefunds = new HashMap<>();
    private final Map<String, String> chargeIdClaims = new HashMap<>();
    private final Map<String, String> txHashClaims = new HashMap<>();
    private final Set<String> refundTxHashes;

    // what the batch writes
    private final Set<String> newCharges = new LinkedHashSet<>();
    private final Set<String> changedCharges = new LinkedHashSet<>();
    private final Map<String, List<ChargeSplit>> newSplits = new LinkedHashMap<>();
    private final Map<String, UsageRecord> newUsage = new LinkedHashMap<>();
    private final Set<String> appliedUsage = new HashSet<>();
    private final Map<String, Refund> newRefunds = new LinkedHashMap<>();
    private final Set<String> appliedRefunds = new HashSet<>();
    private final List<JournalEntry> journal = new ArrayList<>();
    private final List<Rejection> rejections = new ArrayList<>();
    private final Bookings bookings = new Bookings();

    public LedgerBatch(BookingState state) {
        this.charges = new HashMap<>(state.charges());
        this.splits = new HashMap<>(state.splits());
        state.pendingUsage().forEach((k, v) -> pendingUsage.put(k, new ArrayList<>(v)));
        state.pendingRefunds().forEach((k, v) -> pendingRefunds.put(k, new ArrayList<>(v)));
        for (Charge c : state.claims()) {
            chargeIdClaims.put(c.chargeId(), c.challengeId());
            txHashClaims.put(c.txHash(), c.challengeId());
        }
        this.refundTxHashes = new HashSet<>(state.refundTxHashes());
    }

    /** An event that failed validation (never a database write, but kept for an operator). */
    public IngestResult reject(EventOrigin origin, String reason) {
        rejections.add(new Rejection(origin, reason));
        return IngestResult.REJECTED;
    }

    /** A settlement seen for the first time (its event id was not processed before). */
    public IngestResult settlement(PaymentSettled event, EventOrigin origin) {
        if (charges.containsKey(event.challengeId())) {
            // payment-service claims each challenge once, so this is a re-published fact, not a second payment
            LOG.warnf("settlement %s repeats challenge %s already in the ledger; nothing booked", event.eventId(),
                    event.challengeId());
            return IngestResult.ALREADY_KNOWN;
        }
        String clash = firstNonNull(chargeIdClaims.get(event.chargeId()), txHashClaims.get(event.txHash()));
        if (clash != null) {
            String reason = "charge id or tx hash already settled for challenge " + clash;
            LOG.errorf("settlement %s rejected: %s", event.eventId(), reason);
            rejections.add(new Rejection(origin, reason));
            return IngestResult.REJECTED;
        }

        Charge charge = new Charge(event.challengeId(), event.chargeId(), event.provider(), event.route(),
                event.realm(), null, event.amount(), event.currency(), event.chainId(), event.txHash(), event.payer(),
                event.recipient(), event.mode(), event.digest(), ChargeStatus.SETTLED, Sql.micros(event.settledAt()),
                null, 0, 0);
        List<ChargeSplit> chargeSplits = IntStream.range(0, event.splits().size())
                .mapToObj(i -> new ChargeSplit(i, event.splits().get(i).recipient(), event.splits().get(i).amount(),
                        event.splits().get(i).memo()))
                .toList();
        charges.put(charge.challengeId(), charge);
        chargeIdClaims.put(charge.chargeId(), charge.challengeId());
        txHashClaims.put(charge.txHash(), charge.challengeId());
        newCharges.add(charge.challengeId());
        if (!chargeSplits.isEmpty()) {
            splits.put(charge.challengeId(), chargeSplits);
            newSplits.put(charge.challengeId(), chargeSplits);
        }
        post(JournalEntries.settlement(charge, chargeSplits, event.eventId()));
        long splitCost = ChargeSplit.total(chargeSplits);
        if (splitCost > 0) {
            // a cost on the day it is posted; the model is not known at settlement: it stays under model '' until
            // the charge's first usage names it (see apply)
            bookings.figures(charge.settledAt(), charge.provider(), null, charge.payer(),
                    ReportFigures.splitCost(splitCost));
        }

        // facts that overtook their settlement on other topics are booked now, in the order they happened
        List<UsageRecord> usage = new ArrayList<>(pendingUsage.getOrDefault(charge.challengeId(), List.of()));
        usage.sort(USAGE_ORDER);
        for (UsageRecord pending : usage) {
            charge = apply(charge, pending);
        }
        pendingUsage.remove(charge.challengeId());
        List<Refund> refunds = new ArrayList<>(pendingRefunds.getOrDefault(charge.challengeId(), List.of()));
        refunds.sort(REFUND_ORDER);
        for (Refund pending : refunds) {
            charge = apply(charge, pending);
        }
        pendingRefunds.remove(charge.challengeId());
        charges.put(charge.challengeId(), charge);
        return IngestResult.APPLIED;
    }

    /** A usage event seen for the first time. */
    public IngestResult usage(UsageRecorded event) {
        UsageRecord record = UsageRecord.pending(event);
        newUsage.put(record.eventId(), record);
        Charge charge = charges.get(event.challengeId());
        if (charge == null) {
            pendingUsage.computeIfAbsent(event.challengeId(), k -> new ArrayList<>()).add(record);
            return IngestResult.PENDING;
        }
        charges.put(charge.challengeId(), apply(charge, record));
        changed(charge.challengeId());
        return IngestResult.APPLIED;
    }

    /** A refund event seen for the first time. */
    public IngestResult refund(PaymentRefunded event) {
        if (!refundTxHashes.add(event.refundTxHash())) {
            LOG.warnf("refund %s repeats refund tx %s already in the ledger; nothing booked", event.eventId(),
                    event.refundTxHash());
            return IngestResult.ALREADY_KNOWN;
        }
        Refund refund = Refund.pending(event);
        newRefunds.put(refund.eventId(), refund);
        Charge charge = charges.get(event.challengeId());
        if (charge == null) {
            pendingRefunds.computeIfAbsent(event.challengeId(), k -> new ArrayList<>()).add(refund);
            return IngestResult.PENDING;
        }
        charges.put(charge.challengeId(), apply(charge, refund));
        changed(charge.challengeId());
        return IngestResult.APPLIED;
    }

    /**
     * Books one usage record (one delivery attempt) against its charge and returns the charge as it now stands:
     * revenue on the first attempt that delivered anything, the attempt's upstream cost whatever its outcome.
     */
    private Charge apply(Charge charge, UsageRecord record) {
        Charge result = charge;
        long revenue = 0;
        if (record.delivered()) {
            if (charge.status() == ChargeStatus.SETTLED || charge.status() == ChargeStatus.UNFULFILLED) {
                post(JournalEntries.delivery(charge, record));
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
            long splitCost = ChargeSplit.total(splits.getOrDefault(charge.challengeId(), List.of()));
            if (splitCost > 0) {
                // the model's margin carries the splits its calls cost
                bookings.attributeSplitCost(charge.settledAt(), charge.provider(), record.model(), splitCost);
            }
        }
        // every attempt that cost something upstream is an expense, whatever became of the answer
        if (record.upstreamCost() > 0) {
            post(JournalEntries.upstreamCost(charge, record));
        }
        bookings.figures(record.recordedAt(), charge.provider(), record.model(), charge.payer(),
                ReportFigures.attempt(record, revenue));
        appliedUsage.add(record.eventId());
        return result.withCosts(Math.addExact(result.upstreamCost(), record.upstreamCost()),
                Math.max(result.quotedUpstreamCost(), record.quotedUpstreamCost()));
    }

    private Charge apply(Charge charge, Refund refund) {
        boolean reverseRevenue = charge.status() == ChargeStatus.FULFILLED;
        if (reverseRevenue) {
            LOG.warnf("refund %s of delivered charge %s reverses its revenue", refund.eventId(), charge.challengeId());
        }
        post(JournalEntries.refund(charge, refund, reverseRevenue));
        bookings.figures(refund.refundedAt(), charge.provider(), charge.model(), charge.payer(),
                ReportFigures.refund(refund.amount(), reverseRevenue ? refund.amount() : 0));
        appliedRefunds.add(refund.eventId());
        return charge.withStatus(ChargeStatus.REFUNDED);
    }

    private void post(JournalEntry entry) {
        journal.add(entry.requireBalanced());
        bookings.posted(entry);
    }

    private void changed(String challengeId) {
        if (!newCharges.contains(challengeId)) {
            changedCharges.add(challengeId);
        }
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    // ---- the writes, in the order they were produced ----

    /** Charges settled in this batch, as they stand at its end (inserted once, with their final status). */
    public List<Charge> newCharges() {
        return newCharges.stream().map(charges::get).toList();
    }

    /** Charges that existed before the batch and whose status or model changed. */
    public List<Charge> changedCharges() {
        return changedCharges.stream().map(charges::get).toList();
    }

    public Map<String, List<ChargeSplit>> newSplits() {
        return newSplits;
    }

    /** Usage events of this batch, each with whether it was booked against its charge. */
    public List<UsageRecord> newUsage() {
        return newUsage.values().stream().map(u -> u.withApplied(appliedUsage.contains(u.eventId()))).toList();
    }

    /** Usage stored by earlier transactions that this batch booked. */
    public List<String> usageAppliedNow() {
        return appliedUsage.stream().filter(id -> !newUsage.containsKey(id)).sorted().toList();
    }

    public List<Refund> newRefunds() {
        return newRefunds.values().stream().map(r -> r.withApplied(appliedRefunds.contains(r.eventId()))).toList();
    }

    public List<String> refundsAppliedNow() {
        return appliedRefunds.stream().filter(id -> !newRefunds.containsKey(id)).sorted().toList();
    }

    public List<JournalEntry> journal() {
        return journal;
    }

    public List<Rejection> rejections() {
        return rejections;
    }

    public Bookings bookings() {
        return bookings;
    }
}
