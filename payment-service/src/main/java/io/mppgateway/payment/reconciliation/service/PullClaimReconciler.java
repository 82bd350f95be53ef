package io.mppgateway.payment.reconciliation.service;

import java.time.Clock;
import java.time.Instant;

import io.micrometer.core.instrument.MeterRegistry;
import io.mppgateway.payment.chain.client.ChainUnavailableException;
import io.mppgateway.payment.chain.client.RejectedByChainException;
import io.mppgateway.payment.chain.client.TempoChainClient;
import io.mppgateway.payment.chain.client.TransactionReceipt;
import io.mppgateway.payment.chain.service.TransferMatcher.ExpectedPayment;
import io.mppgateway.payment.chain.service.TransferVerifier;
import io.mppgateway.payment.chain.tempo.TempoTransaction;
import io.mppgateway.payment.config.PaymentConfig;
import io.mppgateway.payment.mpp.PaymentRejectedException;
import io.mppgateway.payment.settlement.messaging.OutboxRelay;
import io.mppgateway.payment.settlement.repository.Charge;
import io.mppgateway.payment.settlement.repository.ChargeRepository;
import io.mppgateway.payment.settlement.service.ChargeStatus;
import io.mppgateway.payment.settlement.service.SettlementRecorder;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.mppgateway.payment.common.db.Transactions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * Nothing stranded: a pull claim whose broadcast never got an answer (pending after a 503, a stalled node, a replica
 * stopped mid-broadcast) or that the node refused once without a receipt (failed, yet the transaction may still land)
 * is resolved from the chain, whether or not its buyer comes back and however long ago its challenge expired:
 * <ul>
 * <li>included and paying the charge → unfulfilled (outcome {@link ChargeRepository#NOT_RELEASED}) plus its
 * payments.settled event, once: the buyer's re-presented credential redeems it, or the refund policy pays it back;
 * <li>included but not paying (reverted, other transfers) → failed for good ({@link ChargeRepository#DID_NOT_PAY});
 * <li>not included and past its validBefore (plus a margin) → failed for good
 * ({@link ChargeRepository#NEVER_INCLUDED});
 * <li>otherwise, or when the node cannot be asked → left as it is, looked up again next round.
 * </ul>
 * Every transition is a conditional update, so replicas reconciling side by side (and a buyer's request resuming the
 * broadcast) settle a claim at most once.
 */
@ApplicationScoped
public class PullClaimReconciler {
    private static final int BATCH = 50;

    public enum Resolution { SETTLED, FAILED, OPEN }

    private final SqlClient db;
    private final ChargeRepository charges;
    private final SettlementRecorder recorder;
    private final TempoChainClient chain;
    private final OutboxRelay relay;
    private final PaymentConfig config;
    private final Clock clock;
    private final MeterRegistry metrics;

    public PullClaimReconciler(Transactions transactions, ChargeRepository charges, SettlementRecorder recorder,
            TempoChainClient chain, OutboxRelay relay, PaymentConfig config, Clock clock, MeterRegistry metrics) {
        this.db = transactions.autoCommit();
        this.charges = charges;
        this.recorder = recorder;
        this.chain = chain;
        this.relay = relay;
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Scheduled(every = "${payment.reconciler.poll-interval:10s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> reconcilePeriodically() {
        return reconcile().replaceWithVoid();
    }

    /** One round over the unresolved claims, one after the other; @return how many were settled */
    public Uni<Integer> reconcile() {
        return charges.unresolvedPullClaims(db, config.reconciler().minAge(), BATCH).chain(claims -> {
            Uni<Integer> settled = Uni.createFrom().item(0);
            for (Charge claim : claims) {
                settled = settled.chain(count -> resolve(claim)
                        .onFailure().recoverWithUni(e -> {
                            Log.warnf(e, "pull claim %s not reconciled this round", claim.challengeId());
                            return Uni.createFrom().nullItem();
                        })
                        .map(resolution -> {
                            if (resolution == null) {
                                return count;
                            }
                            if (resolution != Resolution.OPEN) {
                                metrics.counter("payment.reconciler.resolved", "resolution",
                                        resolution.name().toLowerCase()).increment();
                                Log.infof("pull claim %s reconciled from the chain: %s", claim.challengeId(),
                                        resolution);
                            }
                            return resolution == Resolution.SETTLED ? count + 1 : count;
                        }));
            }
            return settled;
        }).call(settled -> settled == 0 ? Uni.createFrom().voidItem()
                : relay.publishPending().onFailure().invoke(e -> Log.warnf(
                        "reconciled settlements not published yet: %s", e.getMessage()))
                        .onFailure().recoverWithNull());
    }

    /** Looks the claim's transaction up on chain and applies what the chain says. */
    public Uni<Resolution> resolve(Charge claim) {
        // a pending claim is resolved only while no request is broadcasting it: the lease keeps them apart
        Uni<Boolean> mayResolve = ChargeStatus.of(claim.status()) == ChargeStatus.PENDING
                ? charges.takeBroadcastLease(db, claim.chargeId(), config.broadcastLease())
                : Uni.createFrom().item(true);
        return mayResolve.chain(may -> may ? resolveFromChain(claim) : Uni.createFrom().item(Resolution.OPEN));
    }

    private Uni<Resolution> resolveFromChain(Charge claim) {
        String nodeHash = Numeric.toHexString(Hash.sha3(Numeric.hexStringToByteArray(claim.rawTransaction())));
        return chain.getTransactionReceipt(nodeHash).onItemOrFailure().transformToUni((receipt, failure) -> {
            if (failure != null) {
                if (failure instanceof ChainUnavailableException || failure instanceof RejectedByChainException
                        || failure instanceof TimeoutException || failure instanceof CircuitBreakerOpenException) {
                    // unknown is not failed: ask again next round
                    return Uni.createFrom().item(Resolution.OPEN);
                }
                return Uni.createFrom().failure(failure);
            }
            if (receipt.isEmpty()) {
                return canStillLand(claim) ? Uni.createFrom().item(Resolution.OPEN)
                        : failForGood(claim, ChargeRepository.NEVER_INCLUDED);
            }
            String from;
            try {
                // the terms the buyer signed, even if the route's configuration changed since the claim
                from = TransferVerifier.verify(receipt.get(), new ExpectedPayment(claim.currency(), claim.recipient(),
                        claim.terms(), claim.realm(), claim.challengeId(), claim.payer()));
            } catch (PaymentRejectedException e) {
                return failForGood(claim, ChargeRepository.DID_NOT_PAY);
            }
            return recorder.settleUnreleased(claim.settledAs(receipt.get().transactionHash(), from,
                    Instant.now(clock))).map(settled -> settled ? Resolution.SETTLED : Resolution.OPEN);
        });
    }

    private Uni<Resolution> failForGood(Charge claim, String why) {
        return charges.failForGood(db, claim.chargeId(), why)
                .map(failed -> failed ? Resolution.FAILED : Resolution.OPEN);
    }

    /** Until its validBefore (plus a margin for block timestamps) the signed transaction may still be included. */
    private boolean canStillLand(Charge claim) {
        Long validBefore = TempoTransaction.decode(claim.rawTransaction()).validBefore();
        return validBefore == null || !Instant.now(clock)
                .isAfter(Instant.ofEpochSecond(validBefore).plus(config.reconciler().landingMargin()));
    }
}
