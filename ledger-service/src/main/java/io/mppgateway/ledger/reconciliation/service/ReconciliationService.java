package io.mppgateway.ledger.reconciliation.service;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.mppgateway.ledger.charge.domain.Charge;
import io.mppgateway.ledger.charge.domain.ChargeSplit;
import io.mppgateway.ledger.charge.repository.ChargeRepository;
import io.mppgateway.ledger.charge.repository.ChargeSplitRepository;
import io.mppgateway.ledger.charge.service.ChargeQueryService;
import io.mppgateway.ledger.charge.service.InvalidQueryException;
import io.mppgateway.ledger.reconciliation.client.TempoChainClient;
import io.mppgateway.ledger.reconciliation.config.ChainConfig;
import io.mppgateway.ledger.reconciliation.domain.ChainReceipt;
import io.mppgateway.ledger.reconciliation.domain.ReconciliationReport;
import io.mppgateway.ledger.reconciliation.domain.ReconciliationReport.ChainOnly;
import io.mppgateway.ledger.reconciliation.domain.ReconciliationReport.ChargeCheck;
import io.mppgateway.ledger.reconciliation.domain.ReconciliationReport.DayTotal;
import io.mppgateway.ledger.reconciliation.domain.ReconciliationReport.SplitCheck;
import io.mppgateway.ledger.reconciliation.domain.ReconciliationReport.Summary;
import io.mppgateway.ledger.reconciliation.domain.TokenTransfer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** Re-checks the ledger against the chain; read-only on both sides. */
@ApplicationScoped
public class ReconciliationService {
    private final ChargeRepository charges;
    private final ChargeSplitRepository chargeSplits;
    private final TempoChainClient chain;
    private final ChainConfig config;

    public ReconciliationService(ChargeRepository charges, ChargeSplitRepository chargeSplits, TempoChainClient chain,
            ChainConfig config) {
        this.charges = charges;
        this.chargeSplits = chargeSplits;
        this.chain = chain;
        this.config = config;
    }

    /** Validates synchronously (a bad parameter is a 400 before any query or chain call), then reconciles. */
    public Uni<ReconciliationReport> reconcile(String fromParam, String toParam, String recipientParam) {
        Instant from = ChargeQueryService.instant("from", fromParam);
        Instant to = ChargeQueryService.instant("to", toParam);
        if (from == null || to == null) {
            throw new InvalidQueryException("from and to are required (ISO-8601 instants)");
        }
        if (!from.isBefore(to)) {
            throw new InvalidQueryException("from must be before to");
        }
        if (Duration.between(from, to).compareTo(Duration.ofDays(config.maxDays())) > 0) {
            throw new InvalidQueryException("the range may span at most " + config.maxDays() + " days");
        }
        String recipient = recipientParam == null || recipientParam.isBlank() ? null : lower(recipientParam.trim());
        if (recipient != null && !recipient.matches("0x[0-9a-f]{40}")) {
            throw new InvalidQueryException("recipient must be a 0x address");
        }
        // each database read has its own short session: none is held while the chain is asked
        return Panache.withSession(() -> charges.settledBetween(from, to, recipient, config.maxCharges() + 1))
                .chain(inRange -> {
                    if (inRange.size() > config.maxCharges()) {
                        throw new InvalidQueryException("more than " + config.maxCharges()
                                + " charges in the range; narrow it");
                    }
                    return Panache.withSession(() -> chargeSplits.findByChallengeIds(
                            inRange.stream().map(Charge::challengeId).toList()))
                            .chain(splits -> receipts(inRange)
                                    .chain(receipts -> reconcile(from, to, recipient, inRange, splits, receipts)));
                });
    }

    /** Every charge's receipt, a few requests at a time. */
    private Uni<Map<String, Optional<ChainReceipt>>> receipts(List<Charge> inRange) {
        if (inRange.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Multi.createFrom().iterable(inRange)
                .onItem().transformToUni(c -> chain.receipt(c.txHash()).map(r -> Map.entry(c.txHash(), r)))
                .merge(config.concurrentReceipts())
                .collect().asMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    private Uni<ReconciliationReport> reconcile(Instant from, Instant to, String recipient, List<Charge> inRange,
            Map<String, List<ChargeSplit>> splits, Map<String, Optional<ChainReceipt>> receipts) {
        // 1. every charge: its receipt, its transfer to the recipient and one transfer per split
        List<ChargeCheck> matched = new ArrayList<>();
        List<ChargeCheck> ledgerOnly = new ArrayList<>();
        List<ChargeCheck> mismatches = new ArrayList<>();
        for (Charge c : inRange) {
            List<ChargeSplit> cs = splits.getOrDefault(c.challengeId(), List.of());
            Optional<ChainReceipt> receipt = receipts.get(c.txHash());
            if (receipt.isEmpty()) {
                ledgerOnly.add(check(c, cs, BigInteger.ZERO, "no such transaction on chain", unpaid(cs)));
                continue;
            }
            if (!receipt.get().success()) {
                ledgerOnly.add(check(c, cs, BigInteger.ZERO, "transaction reverted on chain", unpaid(cs)));
                continue;
            }
            // each split claims its own transfer first, so that one to the recipient's address is not counted twice
            List<TokenTransfer> unclaimed = new ArrayList<>(receipt.get().transfers().stream()
                    .filter(t -> t.token().equals(lower(c.currency()))).toList());
            List<SplitCheck> splitChecks = new ArrayList<>();
            List<String> splitProblems = new ArrayList<>();
            for (ChargeSplit split : cs) {
                SplitCheck sc = claim(split, unclaimed);
                splitChecks.add(sc);
                if (!sc.matched()) {
                    splitProblems.add("split " + split.position() + " to " + sc.recipient() + " for " + split.amount()
                            + (sc.chainAmount().signum() == 0 ? " is not in the transaction"
                                    : ": the transaction transfers " + sc.chainAmount() + " to the split recipient"));
                }
            }
            BigInteger paid = sum(unclaimed, lower(c.recipient()));
            long expected = ChargeSplit.walletAmount(c, cs);
            if (paid.signum() == 0) {
                ledgerOnly.add(check(c, cs, paid, with("the transaction transfers nothing to the recipient",
                        splitProblems), splitChecks));
            } else if (!paid.equals(BigInteger.valueOf(expected))) {
                mismatches.add(check(c, cs, paid, with("chain amount differs from the ledger", splitProblems),
                        splitChecks));
            } else if (!splitProblems.isEmpty()) {
                mismatches.add(check(c, cs, paid, String.join("; ", splitProblems), splitChecks));
            } else {
                matched.add(check(c, cs, paid, "matched", splitChecks));
            }
        }

        // 2. transfers to each recipient over the blocks of the range
        Set<String> recipients = new LinkedHashSet<>();
        if (recipient != null) {
            recipients.add(recipient);
        } else {
            config.recipients().orElse(List.of()).forEach(r -> recipients.add(lower(r)));
            inRange.forEach(c -> recipients.add(lower(c.recipient())));
        }
        Set<String> tokens = new LinkedHashSet<>();
        config.tokens().forEach(t -> tokens.add(lower(t)));
        inRange.forEach(c -> tokens.add(lower(c.currency())));

        return transfersIn(from, to, tokens, recipients).chain(transfers -> Panache.withSession(
                () -> charges.findByTxHashes(transfers.stream().map(TokenTransfer::txHash)
                        .collect(Collectors.toCollection(LinkedHashSet::new))))
                .map(knownCharges -> {
                    Set<String> known = knownCharges.stream().map(c -> lower(c.txHash())).collect(Collectors.toSet());
                    List<ChainOnly> chainOnly = new ArrayList<>();
                    for (TokenTransfer t : transfers) {
                        if (!known.contains(t.txHash())) {
                            chainOnly.add(new ChainOnly(t.txHash(), t.token(), t.from(), t.to(), t.amount(),
                                    t.blockNumber(), t.timestamp()));
                        }
                    }
                    List<DayTotal> days = days(inRange, splits, recipients, transfers);
                    Summary summary = new Summary(inRange.size(), matched.size(), ledgerOnly.size(), chainOnly.size(),
                            mismatches.size(), (int) days.stream().filter(d -> !d.matched()).count());
                    return new ReconciliationReport(from, to, List.copyOf(recipients), summary, matched, ledgerOnly,
                            chainOnly, mismatches, days);
                }));
    }

    /** 3. daily totals per recipient: the ledger's (what each charge left the wallet) against the chain's. */
    private static List<DayTotal> days(List<Charge> inRange, Map<String, List<ChargeSplit>> splits,
            Set<String> recipients, List<TokenTransfer> transfers) {
        Map<String, BigInteger[]> totals = new TreeMap<>();
        for (Charge c : inRange) {
            String r = lower(c.recipient());
            if (recipients.contains(r)) {
                // the splits went to other addresses: the wallet's total is what each charge left it
                BigInteger[] v = totals.computeIfAbsent(day(c.settledAt()) + "|" + r, k -> zero());
                v[0] = v[0].add(BigInteger.valueOf(
                        ChargeSplit.walletAmount(c, splits.getOrDefault(c.challengeId(), List.of()))));
            }
        }
        for (TokenTransfer t : transfers) {
            BigInteger[] v = totals.computeIfAbsent(day(t.timestamp()) + "|" + t.to(), k -> zero());
            v[1] = v[1].add(t.amount());
        }
        List<DayTotal> days = new ArrayList<>();
        totals.forEach((key, v) -> {
            String[] parts = key.split("\\|");
            BigInteger diff = v[1].subtract(v[0]);
            days.add(new DayTotal(LocalDate.parse(parts[0]), parts[1], v[0].longValueExact(), v[1], diff,
                    diff.signum() == 0));
        });
        return days;
    }

    /** Transfers whose block time is in [from, to), found by the block range that covers that time. */
    private Uni<List<TokenTransfer>> transfersIn(Instant from, Instant to, Set<String> tokens,
            Set<String> recipients) {
        if (recipients.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Map<Long, Instant> blockTimes = new HashMap<>();
        return chain.blockNumber().chain(latest -> firstBlockAtOrAfter(TempoChainClient.ceilSeconds(from), 0,
                latest + 1, blockTimes)
                .chain(first -> firstBlockAtOrAfter(TempoChainClient.ceilSeconds(to), first, latest + 1, blockTimes)
                        .chain(end -> {
                            List<long[]> spans = new ArrayList<>();
                            for (long start = first; start <= end - 1; start += config.logBlockChunk()) {
                                spans.add(new long[] { start, Math.min(end - 1, start + config.logBlockChunk() - 1) });
                            }
                            List<String[]> queries = new ArrayList<>();
                            for (long[] span : spans) {
                                for (String token : tokens) {
                                    for (String r : recipients) {
                                        queries.add(new String[] { token, r, Long.toString(span[0]),
                                                Long.toString(span[1]) });
                                    }
                                }
                            }
                            return Multi.createFrom().iterable(queries)
                                    .onItem().transformToUniAndConcatenate(q -> chain.transfersTo(q[0], q[1],
                                            Long.parseLong(q[2]), Long.parseLong(q[3])))
                                    .onItem().transformToIterable(list -> list)
                                    .onItem().transformToUniAndConcatenate(t -> t.timestamp() != null
                                            ? Uni.createFrom().item(t)
                                            : blockTime(t.blockNumber(), blockTimes).map(ts -> new TokenTransfer(
                                                    t.token(), t.from(), t.to(), t.amount(), t.txHash(),
                                                    t.blockNumber(), ts)))
                                    .collect().asList()
                                    .map(ReconciliationService::sumPerTxAndRecipient);
                        })));
    }

    /** One tx may hold several transfers to the same recipient: they are summed per tx, token and recipient. */
    private static List<TokenTransfer> sumPerTxAndRecipient(List<TokenTransfer> transfers) {
        Map<String, TokenTransfer> byTx = new LinkedHashMap<>();
        for (TokenTransfer t : transfers) {
            byTx.merge(t.txHash() + "|" + t.token() + "|" + t.to(), t,
                    (a, b) -> new TokenTransfer(a.token(), a.from(), a.to(), a.amount().add(b.amount()), a.txHash(),
                            a.blockNumber(), a.timestamp()));
        }
        return List.copyOf(byTx.values());
    }

    /** Binary search over block timestamps (non-decreasing) in [lo, hi); hi when every block is earlier. */
    private Uni<Long> firstBlockAtOrAfter(long epochSecond, long lo, long hi, Map<Long, Instant> blockTimes) {
        if (lo >= hi) {
            return Uni.createFrom().item(lo);
        }
        long mid = lo + (hi - lo) / 2;
        return blockTime(mid, blockTimes).chain(t -> t.getEpochSecond() >= epochSecond
                ? firstBlockAtOrAfter(epochSecond, lo, mid, blockTimes)
                : firstBlockAtOrAfter(epochSecond, mid + 1, hi, blockTimes));
    }

    private Uni<Instant> blockTime(long number, Map<Long, Instant> cache) {
        Instant known = cache.get(number);
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return chain.blockTimestamp(number).invoke(t -> cache.put(number, t));
    }

    private static ChargeCheck check(Charge c, List<ChargeSplit> splits, BigInteger chainAmount, String detail,
            List<SplitCheck> splitChecks) {
        return new ChargeCheck(c.chargeId(), c.challengeId(), c.txHash(), lower(c.recipient()),
                ChargeSplit.walletAmount(c, splits), chainAmount, detail, c.amount(), List.copyOf(splitChecks));
    }

    /** Takes the split's transfer (exact recipient and amount) out of {@code unclaimed}, if the tx has one. */
    private static SplitCheck claim(ChargeSplit split, List<TokenTransfer> unclaimed) {
        String to = lower(split.recipient());
        BigInteger amount = BigInteger.valueOf(split.amount());
        for (TokenTransfer t : unclaimed) {
            if (t.to().equals(to) && t.amount().equals(amount)) {
                unclaimed.remove(t);
                return new SplitCheck(split.position(), to, split.amount(), amount, true);
            }
        }
        return new SplitCheck(split.position(), to, split.amount(), sum(unclaimed, to), false);
    }

    private static List<SplitCheck> unpaid(List<ChargeSplit> splits) {
        return splits.stream().map(s -> new SplitCheck(s.position(), lower(s.recipient()), s.amount(),
                BigInteger.ZERO, false)).toList();
    }

    private static BigInteger sum(List<TokenTransfer> transfers, String to) {
        return transfers.stream().filter(t -> t.to().equals(to)).map(TokenTransfer::amount)
                .reduce(BigInteger.ZERO, BigInteger::add);
    }

    private static String with(String detail, List<String> more) {
        return more.isEmpty() ? detail : detail + "; " + String.join("; ", more);
    }

    private static BigInteger[] zero() {
        return new BigInteger[] { BigInteger.ZERO, BigInteger.ZERO };
    }

    private static LocalDate day(Instant t) {
        return LocalDate.ofInstant(t, ZoneOffset.UTC);
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
