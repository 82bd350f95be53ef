package io.mppgateway.payment.chain.service;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.mppgateway.payment.chain.client.ChainUnavailableException;
import io.mppgateway.payment.chain.client.RejectedByChainException;
import io.mppgateway.payment.chain.client.TempoChainClient;
import io.mppgateway.payment.chain.client.TempoChainClient.SimulatedCall;
import io.mppgateway.payment.chain.repository.SponsorBudgetRepository;
import io.mppgateway.payment.chain.tempo.TempoTransaction;
import io.mppgateway.payment.config.PaymentConfig;
import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentRejectedException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.web3j.utils.Numeric;

/**
 * What the fee payer checks before it co-signs, so that the sponsor never pays gas for a transaction that cannot
 * succeed and never more than it budgeted:
 * <ol>
 * <li>the worst-case fee (gas limit × max fee per gas, in base units of the fee token) is within the per-transaction
 * cap;</li>
 * <li>the whole transaction is simulated against the sender's state: every token's transfers together against the
 * sender's balance, then all calls in one {@code eth_simulateV1} block, each seeing the previous ones' effects, and
 * the gas limit against what the calls use (per-call {@code eth_call}s pass a split route whose sender covers the
 * largest transfer but not the sum, which then reverts on chain at the sponsor's expense);</li>
 * <li>the worst-case fee fits in the sponsor's budget of the current time window (reserved in PostgreSQL, shared by
 * every replica; a reservation is kept even if the broadcast fails, since a reverted transaction costs its fee
 * too).</li>
 * </ol>
 * Any refusal is a 402 with a detail that says which; a chain that cannot be asked is a 503 (retry).
 */
@ApplicationScoped
public class SponsorGuard {
    /** transfer/transferWithMemo put the amount in bytes 36..68 of the call data (checked by the verifier). */
    private static final int AMOUNT_OFFSET = 36;
    /** A TIP-20 amount of gas × price in attodollars is 10^12 times the token's base units (6 decimals). */
    private static final BigInteger ATTO_PER_BASE_UNIT = BigInteger.TEN.pow(12);
    private static final long INTRINSIC_GAS = 21_000;

    private final TempoChainClient chain;
    private final SponsorBudgetRepository budget;
    private final PaymentConfig.FeePayer config;
    private final MeterRegistry metrics;
    private final Clock clock;

    public SponsorGuard(TempoChainClient chain, SponsorBudgetRepository budget, PaymentConfig config,
            MeterRegistry metrics, Clock clock) {
        this.chain = chain;
        this.budget = budget;
        this.config = config.feePayer();
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Refuses (402/503) unless the sponsor may co-sign this transaction; reserves its worst-case fee. */
    public Uni<Void> check(TempoTransaction tx, String sender, String challengeId) {
        long fee = worstCaseFee(tx);
        if (fee > config.maxFeePerTransaction()) {
            throw refused("fee", "the transaction may cost up to " + fee + " base units of the fee token in fees "
                    + "(gas " + tx.gas() + " at " + tx.maxFeePerGas() + " per gas); this service sponsors at most "
                    + config.maxFeePerTransaction() + " per transaction: lower the gas limit or the fee cap",
                    challengeId);
        }
        return simulateWhole(tx, sender, challengeId).chain(() -> {
            Instant now = clock.instant();
            Duration window = config.budgetWindow();
            Instant windowStart = Instant.ofEpochMilli(now.toEpochMilli() - Math.floorMod(now.toEpochMilli(),
                    window.toMillis()));
            return budget.reserve(windowStart, fee, config.budget(), challengeId).invoke(reserved -> {
                if (!reserved) {
                    throw refused("budget", "fee sponsorship is exhausted for now (at most " + config.budget()
                            + " base units per " + window + "); retry after " + windowStart.plus(window),
                            challengeId);
                }
            }).replaceWithVoid();
        });
    }

    /** gas limit × max fee per gas, in base units of the fee token, rounded up. */
    static long worstCaseFee(TempoTransaction tx) {
        BigInteger[] qr = tx.gas().multiply(tx.maxFeePerGas()).divideAndRemainder(ATTO_PER_BASE_UNIT);
        BigInteger fee = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
        return fee.bitLength() < 63 ? fee.longValueExact() : Long.MAX_VALUE;
    }

    private Uni<Void> simulateWhole(TempoTransaction tx, String sender, String id) {
        return coveredByBalance(tx.calls(), sender, id)
                .chain(() -> chain.simulateCalls(sender, tx.calls())
                        // a node without eth_simulateV1: the balance check above is what there is
                        .onFailure(e -> e instanceof RejectedByChainException r && r.code() == -32601)
                        .recoverWithNull())
                .invoke(results -> {
                    if (results == null) {
                        return;
                    }
                    long used = INTRINSIC_GAS;
                    for (int i = 0; i < results.size(); i++) {
                        SimulatedCall call = results.get(i);
                        if (!call.succeeded()) {
                            throw refused("simulation", "call " + (i + 1) + " of " + results.size() + " would revert"
                                    + " when the transaction's calls run together (" + call.error() + ")", id);
                        }
                        used += Math.max(0, call.gasUsed() - INTRINSIC_GAS);
                    }
                    if (BigInteger.valueOf(used).compareTo(tx.gas()) > 0) {
                        throw refused("gas", "the gas limit " + tx.gas() + " cannot carry the transaction's calls"
                                + " (they use at least " + used + "): it would revert on chain", id);
                    }
                })
                .replaceWithVoid()
                .onFailure(RejectedByChainException.class)
                .transform(e -> refused("simulation", "the transaction would revert: " + e.getMessage(), id))
                .onFailure(e -> e instanceof ChainUnavailableException || e instanceof TimeoutException
                        || e instanceof CircuitBreakerOpenException)
                .transform(e -> new PaymentRejectedException(PaymentProblem.VERIFICATION_UNAVAILABLE,
                        "the transaction could not be simulated; retry shortly", id));
    }

    /** Every token's transfers together against the sender's balance of it, one token after the other. */
    private Uni<Void> coveredByBalance(List<TempoTransaction.Call> calls, String sender, String id) {
        Map<String, BigInteger> totals = new LinkedHashMap<>();
        for (TempoTransaction.Call call : calls) {
            byte[] data = call.data();
            BigInteger amount = new BigInteger(1, java.util.Arrays.copyOfRange(data, AMOUNT_OFFSET,
                    AMOUNT_OFFSET + 32));
            totals.merge(call.to().toLowerCase(), amount, BigInteger::add);
        }
        Uni<Void> checks = Uni.createFrom().voidItem();
        for (Map.Entry<String, BigInteger> total : totals.entrySet()) {
            checks = checks.chain(() -> chain.simulate(sender, total.getKey(),
                    "0x70a08231" + "0".repeat(24) + Numeric.cleanHexPrefix(sender).toLowerCase()))
                    .invoke(balanceHex -> {
                        BigInteger balance = balanceHex == null || Numeric.cleanHexPrefix(balanceHex).isEmpty()
                                ? BigInteger.ZERO
                                : Numeric.toBigInt(balanceHex);
                        if (balance.compareTo(total.getValue()) < 0) {
                            throw refused("balance", "the sender's balance of " + total.getKey() + " is " + balance
                                    + " base units, but the transaction's " + calls.size() + " transfers need "
                                    + total.getValue() + " in all: it would revert on chain", id);
                        }
                    })
                    .replaceWithVoid();
        }
        return checks;
    }

    private PaymentRejectedException refused(String reason, String detail, String id) {
        metrics.counter("payment.sponsor.refused", "reason", reason).increment();
        return new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                "fee sponsorship refused: " + detail, id);
    }
}
