package io.mppgateway.payment.settlement.service;

import static io.mppgateway.payment.settlement.service.Settlements.alreadyUsed;
import static io.mppgateway.payment.settlement.service.Settlements.inProgress;
import static io.mppgateway.payment.settlement.service.Settlements.refunded;
import static io.mppgateway.payment.settlement.service.Settlements.upstreamUnavailable;

import java.util.Optional;
import java.util.function.Function;

import io.mppgateway.contracts.payment.SettlementRequest;
import io.mppgateway.contracts.payment.SettlementResponse;
import io.mppgateway.payment.common.db.Transactions;
import io.mppgateway.payment.common.timing.StepTimer;
import io.mppgateway.payment.common.timing.StepTimer.Step;
import io.mppgateway.payment.config.PaymentConfig;
import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentRejectedException;
import io.mppgateway.payment.settlement.repository.Charge;
import io.mppgateway.payment.settlement.repository.ChargeRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A credential whose challenge (or transaction) is already claimed is decided by its claim — whatever the
 * challenge's expiry — and never answered with a fresh challenge while its charge is settled: it is released again
 * once (unfulfilled → redeeming; not while its provider's upstream is down: 503), told to wait (409), its pending
 * broadcast resumed, or refused (402).
 */
@ApplicationScoped
public class Representations {
    private final SqlClient db;
    private final ChargeRepository charges;
    private final Settlements settlements;
    private final PaymentConfig config;

    public Representations(Transactions transactions, ChargeRepository charges, Settlements settlements,
            PaymentConfig config) {
        this.db = transactions.autoCommit();
        this.charges = charges;
        this.settlements = settlements;
        this.config = config;
    }

    /**
     * @param request       the settlement request: whether its provider can deliver now decides a redemption
     * @param ref           the transaction the credential names (push hash, or keccak of the pull transaction)
     * @param resumePending resumes the broadcast of a pending pull claim, once this request holds its lease
     * @return the answer for a re-presented credential, or empty when neither its challenge nor its transaction was
     *         claimed
     */
    public Uni<Optional<SettlementResponse>> presentedAgain(SettlementRequest request, String challengeId, String ref,
            Function<Charge, Uni<SettlementResponse>> resumePending) {
        return StepTimer.timed(Step.CLAIM, () -> charges.findPresented(db, challengeId, ref)).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Optional.<SettlementResponse>empty());
            }
            Charge charge = found.get();
            if (!charge.challengeId().equals(challengeId)) {
                throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                        "this transaction has already paid for another challenge", challengeId);
            }
            return decide(request, charge, challengeId, ref, resumePending).map(Optional::of);
        });
    }

    private Uni<SettlementResponse> decide(SettlementRequest request, Charge charge, String challengeId, String ref,
            Function<Charge, Uni<SettlementResponse>> resumePending) {
        if (!charge.credentialRef().equalsIgnoreCase(ref) && !charge.txHash().equalsIgnoreCase(ref)) {
            throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                    "this challenge has already been paid with another transaction", challengeId);
        }
        ChargeStatus status = ChargeStatus.of(charge.status());
        if (status == ChargeStatus.UNFULFILLED && request.upstreamDown()) {
            // its one redemption would only fail again: keep it for when the provider's upstream is back
            throw upstreamUnavailable(challengeId, request);
        }
        return switch (status) {
            case UNFULFILLED -> charges.startRedemption(db, charge.chargeId()).chain(started -> started
                    ? Uni.createFrom().item(settlements.response(charge, true))
                    : charges.findById(db, charge.chargeId()).<SettlementResponse>map(now -> {
                        throw notRedeemable(challengeId, now.map(Charge::status).orElse(charge.status()));
                    }));
            case REFUNDING, REFUNDED -> throw refunded(challengeId);
            case SETTLED, REDEEMING -> throw inProgress(challengeId,
                    "this payment is settled and its call is being served; retry the same credential shortly");
            case PENDING -> charges.takeBroadcastLease(db, charge.chargeId(), config.broadcastLease())
                    .chain(taken -> {
                        if (!taken) {
                            throw inProgress(challengeId,
                                    "this payment's transaction is being broadcast; retry shortly");
                        }
                        return resumePending.apply(charge);
                    });
            case FAILED -> throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                    "this payment's transaction did not pay on chain", challengeId);
            case FULFILLED -> throw alreadyUsed(challengeId);
        };
    }

    /** Why an unfulfilled charge was not released again just now: the other claim that won decides. */
    private static PaymentRejectedException notRedeemable(String id, String status) {
        return switch (ChargeStatus.of(status)) {
            case REDEEMING -> inProgress(id, "another request is redeeming this payment right now");
            case UNFULFILLED -> new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                    "this payment has already been used: it was redeemed once and is refunded instead", id);
            case REFUNDING, REFUNDED -> refunded(id);
            default -> alreadyUsed(id);
        };
    }
}
