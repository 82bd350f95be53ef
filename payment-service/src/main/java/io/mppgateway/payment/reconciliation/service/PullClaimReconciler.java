package io.mppgateway.payment.reconciliation.service;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

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

    private final ChargeRepository charges;
    private final SettlementRecorder recorder;
    private final TempoChainClient chain;
    private final OutboxRelay relay;
    private final PaymentConfig config;
    private final Clock clock;
    private final MeterRegistry metrics;

    public PullClaimReconciler(ChargeRepository charges, SettlementRecorder recorder, TempoChainClient chain,
            OutboxRelay relay, PaymentConfig config, Clock clock, MeterRegistry metrics) {
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
    void reconcilePeriodically() {
        reconcile();
    }

    /** One round over the unresolved claims; @return how many were settled */
    public int reconcile() {
        int settled = 0;
        for (Charge claim : charges.unresolvedPullClaims(config.reconciler().minAge(), BATCH)) {
            Resolution resolution;
            try {
                resolution = resolve(claim);
            } catch (RuntimeException e) {
                Log.warnf(e, "pull claim %s not reconciled this round", claim.challengeId());
                continue;
            }
            if (resolution != Resolution.OPEN) {
                metrics.counter("payment.reconciler.resolved", "resolution", resolution.name().toLowerCase())
                        .increment();
                Log.infof("pull claim %s reconciled from the chain: %s", claim.challengeId(), resolution);
            }
            if (resolution == Resolution.SETTLED) {
                settled++;
            }
        }
        if (settled > 0) {
            try {
                relay.publishPending();
            } catch (RuntimeException e) {
                Log.warnf("reconciled settlements not published yet: %s", e.getMessage());
            }
        }
        return settled;
    }

    /** Looks the claim's transaction up on chain and applies what the chain says. */
    public Resolution resolve(Charge claim) {
        // a pending claim is resolved only while no request is broadcasting it: the lease keeps them apart
        if (ChargeStatus.of(claim.status()) == ChargeStatus.PENDING
                && !charges.takeBroadcastLease(claim.chargeId(), config.broadcastLease())) {
            return Resolution.OPEN;
        }
        String nodeHash = Numeric.toHexString(Hash.sha3(Numeric.hexStringToByteArray(claim.rawTransaction())));
        Optional<TransactionReceipt> receipt;
        try {
            receipt = chain.getTransactionReceipt(nodeHash);
        } catch (ChainUnavailableException | RejectedByChainException | TimeoutException
                | CircuitBreakerOpenException e) {
            // unknown is not failed: ask again next round
            return Resolution.OPEN;
        }
        if (receipt.isEmpty()) {
            return canStillLand(claim) ? Resolution.OPEN
                    : charges.failForGood(claim.chargeId(), ChargeRepository.NEVER_INCLUDED) ? Resolution.FAILED
                            : Resolution.OPEN;
        }
        String from;
        try {
            // the terms the buyer signed, even if the route's configuration changed since the claim
            from = TransferVerifier.verify(receipt.get(), new ExpectedPayment(claim.currency(), claim.recipient(),
                    claim.terms(), claim.realm(), claim.challengeId(), claim.payer()));
        } catch (PaymentRejectedException e) {
            return charges.failForGood(claim.chargeId(), ChargeRepository.DID_NOT_PAY) ? Resolution.FAILED
                    : Resolution.OPEN;
        }
        return recorder.settleUnreleased(claim.settledAs(receipt.get().transactionHash(), from, Instant.now(clock)))
                ? Resolution.SETTLED
                : Resolution.OPEN;
    }

    /** Until its validBefore (plus a margin for block timestamps) the signed transaction may still be included. */
    private boolean canStillLand(Charge claim) {
        Long validBefore = TempoTransaction.decode(claim.rawTransaction()).validBefore();
        return validBefore == null || !Instant.now(clock)
                .isAfter(Instant.ofEpochSecond(validBefore).plus(config.reconciler().landingMargin()));
    }
}
