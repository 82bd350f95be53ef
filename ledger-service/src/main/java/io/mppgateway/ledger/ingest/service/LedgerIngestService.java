package io.mppgateway.ledger.ingest.service;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.mppgateway.ledger.balance.repository.BalanceRepository;
import io.mppgateway.ledger.charge.domain.Charge;
import io.mppgateway.ledger.charge.domain.ChargeSplit;
import io.mppgateway.ledger.charge.repository.ChargeRepository;
import io.mppgateway.ledger.charge.repository.ChargeSplitRepository;
import io.mppgateway.ledger.common.db.LedgerTx;
import io.mppgateway.ledger.common.db.Sql;
import io.mppgateway.ledger.common.db.Transactions;
import io.mppgateway.ledger.ingest.repository.ProcessedEventRepository;
import io.mppgateway.ledger.ingest.repository.ProcessedEventRepository.Processed;
import io.mppgateway.ledger.ingest.repository.RejectedEventRepository;
import io.mppgateway.ledger.journal.repository.JournalRepository;
import io.mppgateway.ledger.refund.domain.Refund;
import io.mppgateway.ledger.refund.repository.RefundRepository;
import io.mppgateway.ledger.report.repository.RollupRepository;
import io.mppgateway.ledger.usage.domain.UsageRecord;
import io.mppgateway.ledger.usage.repository.UsageRepository;
import io.smallrye.mutiny.Uni;

/**
 * Books a batch of events into the ledger in ONE database transaction: the charges' advisory locks, the event ids
 * (a redelivered one is skipped), the stored facts, the charge statuses, the journal postings and the rollups
 * derived from them (account balances, report figures) commit together or not at all. The Uni completes after the
 * commit, which is when the consumer acknowledges the records.
 * <p>
 * Batches booked in parallel (several consumers, several replicas) serialize on the charges they are about, not on
 * the transaction hashes and charge ids those charges claim: two settlements of different charges claiming one
 * transaction (a clash the ledger rejects) can both find it unclaimed, and the second to insert fails on the unique
 * key once the first commits. That batch is then booked again from the start: it now sees the committed claim and
 * rejects its clashing event like any other. Locking the claims instead would cost every batch two more locks per
 * settlement for a case the payment service already prevents.
 */
@ApplicationScoped
public class LedgerIngestService {
    /** Unique keys a concurrent batch can claim first (see the class comment). */
    private static final Set<String> CLAIM_KEYS = Set.of("charges_tx_hash_key", "charges_charge_id_key",
            "refunds_refund_tx_hash_key");
    /** A batch that lost a race for a claim, booked again; each retry follows a commit that claimed something. */
    private static final int CLAIM_RETRIES = 3;

    private final Transactions transactions;
    private final ProcessedEventRepository processedEvents;
    private final RejectedEventRepository rejectedEvents;
    private final ChargeRepository charges;
    private final ChargeSplitRepository chargeSplits;
    private final UsageRepository usage;
    private final RefundRepository refunds;
    private final JournalRepository journal;
    private final BalanceRepository balances;
    private final RollupRepository rollups;

    public LedgerIngestService(Transactions transactions, ProcessedEventRepository processedEvents,
            RejectedEventRepository rejectedEvents, ChargeRepository charges, ChargeSplitRepository chargeSplits,
            UsageRepository usage, RefundRepository refunds, JournalRepository journal, BalanceRepository balances,
            RollupRepository rollups) {
        this.transactions = transactions;
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

    /** @return what became of each event, in the order given */
    public Uni<List<IngestResult>> book(List<IncomingEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Uni.createFrom().deferred(() -> bookOnce(events))
                .onFailure(failure -> Sql.uniqueViolation(failure, CLAIM_KEYS)).retry().atMost(CLAIM_RETRIES);
    }

    private Uni<List<IngestResult>> bookOnce(List<IncomingEvent> events) {
        Set<String> challengeIds = new LinkedHashSet<>();
        Set<String> eventIds = new HashSet<>();
        List<Processed> processed = new ArrayList<>();
        for (IncomingEvent e : events) {
            if (!(e instanceof IncomingEvent.Invalid)) {
                challengeIds.add(e.challengeId());
                if (eventIds.add(e.eventId())) {
                    processed.add(new Processed(e.eventId(), e.topic()));
                }
            }
        }
        return transactions.run(tx -> processedEvents.lockChallenges(tx, challengeIds)
                .chain(() -> processedEvents.markProcessed(tx, processed))
                .chain(fresh -> {
                    List<IncomingEvent> firstSeen = events.stream()
                            .filter(e -> e.eventId() != null && fresh.contains(e.eventId())).toList();
                    return load(tx, firstSeen).map(state -> apply(events, fresh, new LedgerBatch(state)));
                })
                .chain(applied -> write(tx, applied.batch()).replaceWith(applied.results())));
    }

    private record Applied(LedgerBatch batch, List<IngestResult> results) {
    }

    /** Every event in order: the first delivery of an event id is booked, any other is a duplicate. */
    private static Applied apply(List<IncomingEvent> events, Set<String> fresh, LedgerBatch batch) {
        Set<String> unseen = new HashSet<>(fresh);
        List<IngestResult> results = new ArrayList<>(events.size());
        for (IncomingEvent e : events) {
            IngestResult result;
            if (e instanceof IncomingEvent.Invalid invalid) {
                result = batch.reject(invalid.origin(), invalid.reason());
            } else if (!unseen.remove(e.eventId())) {
                result = IngestResult.DUPLICATE;
            } else {
                result = switch (e) {
                    case IncomingEvent.Settlement s -> batch.settlement(s.event(), s.origin());
                    case IncomingEvent.Usage u -> batch.usage(u.event());
                    case IncomingEvent.Refund r -> batch.refund(r.event());
                    case IncomingEvent.Invalid i -> throw new IllegalStateException("handled above");
                };
            }
            results.add(result);
        }
        return new Applied(batch, results);
    }

    /** What the ledger holds about the charges these (first-seen) events are about. */
    private Uni<BookingState> load(LedgerTx tx, List<IncomingEvent> events) {
        Set<String> ids = new LinkedHashSet<>();
        Set<String> settling = new LinkedHashSet<>();
        Set<String> chargeIds = new LinkedHashSet<>();
        Set<String> txHashes = new LinkedHashSet<>();
        Set<String> refundTxHashes = new LinkedHashSet<>();
        for (IncomingEvent e : events) {
            ids.add(e.challengeId());
            if (e instanceof IncomingEvent.Settlement s) {
                settling.add(s.challengeId());
                chargeIds.add(s.event().chargeId());
                txHashes.add(s.event().txHash());
            } else if (e instanceof IncomingEvent.Refund r) {
                refundTxHashes.add(r.event().refundTxHash());
            }
        }
        return charges.findByChallengeIds(tx, ids).chain(existing -> {
            // a charge whose model is not known yet carries its split cost under model '' until its first usage
            List<String> withoutModel = existing.values().stream().filter(c -> c.model() == null)
                    .map(Charge::challengeId).toList();
            Uni<List<Charge>> claims = charges.findClaiming(tx, chargeIds, txHashes);
            Uni<Map<String, List<UsageRecord>>> pendingUsage = usage.findPending(tx, settling);
            Uni<Map<String, List<Refund>>> pendingRefunds = refunds.findPending(tx, settling);
            Uni<Map<String, List<ChargeSplit>>> splits = chargeSplits.findByChallengeIds(tx, withoutModel);
            Uni<Set<String>> knownRefunds = refunds.existingTxHashes(tx, refundTxHashes);
            return claims.chain(c -> pendingUsage.chain(u -> pendingRefunds.chain(r -> splits.chain(
                    s -> knownRefunds.map(k -> new BookingState(existing, s, u, r, c, k))))));
        });
    }

    /** The batch's writes; derived tables last, each in key order (see Bookings). */
    private Uni<Void> write(LedgerTx tx, LedgerBatch batch) {
        return rejectedEvents.record(tx, batch.rejections())
                .chain(() -> charges.insert(tx, batch.newCharges()))
                .chain(() -> charges.update(tx, batch.changedCharges()))
                .chain(() -> chargeSplits.insert(tx, batch.newSplits()))
                .chain(() -> usage.insert(tx, batch.newUsage()))
                .chain(() -> usage.markApplied(tx, batch.usageAppliedNow()))
                .chain(() -> refunds.insert(tx, batch.newRefunds()))
                .chain(() -> refunds.markApplied(tx, batch.refundsAppliedNow()))
                .chain(() -> journal.post(tx, batch.journal()))
                .chain(() -> balances.add(tx, batch.bookings().balances()))
                .chain(() -> rollups.add(tx, batch.bookings().byModel(), batch.bookings().byPayer()));
    }
}
