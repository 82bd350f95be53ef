package io.mppgateway.payment.refund.service;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import io.mppgateway.contracts.payment.RefundResponse;
import io.mppgateway.payment.chain.client.ChainUnavailableException;
import io.mppgateway.payment.chain.client.RejectedByChainException;
import io.mppgateway.payment.chain.client.TempoChainClient;
import io.mppgateway.payment.chain.client.TransactionReceipt;
import io.mppgateway.payment.chain.tempo.TempoTransactionSigner;
import io.mppgateway.payment.config.PaymentConfig;
import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentRejectedException;
import io.mppgateway.payment.refund.repository.RefundRepository;
import io.mppgateway.payment.refund.repository.RefundRepository.Refund;
import io.mppgateway.payment.settlement.messaging.OutboxRelay;
import io.mppgateway.payment.settlement.repository.Charge;
import io.mppgateway.payment.settlement.repository.ChargeRepository;
import io.mppgateway.payment.settlement.service.PayerDid;
import io.quarkus.logging.Log;
import io.mppgateway.payment.common.db.Transactions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * Refunds an unfulfilled charge out of protocol (mpp.dev "refunds"): a TIP-20 transfer of the full amount from the
 * recipient wallet to the payer named by the credential's source DID. At most once per charge twice over: the
 * refunds primary key, and a Tempo nonce lane derived from the charge id, so even two signings of the same refund
 * can only ever be included once on chain.
 */
// created at start, before the scheduler starts (it observes StartupEvent at PLATFORM_BEFORE), not by the first refund
// round on the event loop: its wallet loads the JCA provider, seconds on a loaded node
@Startup(Interceptor.Priority.PLATFORM_BEFORE - 1)
@ApplicationScoped
public class RefundService {
    private static final BigInteger GAS = BigInteger.valueOf(300_000);

    private final SqlClient db;
    private final ChargeRepository charges;
    private final RefundRepository refunds;
    private final RefundRecorder recorder;
    private final TempoChainClient chain;
    private final OutboxRelay relay;
    private final PaymentConfig config;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Credentials wallet;

    public RefundService(Transactions transactions, ChargeRepository charges, RefundRepository refunds,
            RefundRecorder recorder, TempoChainClient chain, OutboxRelay relay, PaymentConfig config, Clock clock,
            MeterRegistry metrics) {
        this.db = transactions.autoCommit();
        this.charges = charges;
        this.refunds = refunds;
        this.recorder = recorder;
        this.chain = chain;
        this.relay = relay;
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
        this.wallet = config.refund().privateKey().filter(k -> !k.isBlank()).map(Credentials::create).orElse(null);
    }

    public boolean enabled() {
        return wallet != null;
    }

    public Uni<RefundResponse> refund(UUID chargeId, String reason) {
        return charges.findById(db, chargeId).chain(found -> {
            Charge charge = found.orElseThrow(() -> new PaymentRejectedException(PaymentProblem.NOT_FOUND,
                    "no charge " + chargeId));
            return refunds.find(db, chargeId).chain(existing -> {
                if (existing.isPresent()) {
                    return continueWith(charge, existing.get());
                }
                if (!"unfulfilled".equals(charge.status())) {
                    throw new PaymentRejectedException(PaymentProblem.OUTCOME_CONFLICT,
                            "only unfulfilled charges are refunded; this one is " + charge.status(),
                            charge.challengeId());
                }
                if (wallet == null) {
                    throw new PaymentRejectedException(PaymentProblem.REFUND_UNAVAILABLE,
                            "refunds are not configured (payment.refund.private-key)", charge.challengeId());
                }
                if (!wallet.getAddress().equalsIgnoreCase(charge.recipient())) {
                    throw new IllegalStateException("the refund key is not the recipient wallet " + charge.recipient());
                }
                String payer = payerOf(charge);
                return sign(charge, payer).chain(raw -> {
                    Refund signed = new Refund(chargeId, payer, charge.amount(), "sending", txHash(raw), raw, reason);
                    return recorder.claim(signed).chain(claimed -> claimed ? broadcast(charge, signed)
                            // another replica (or the automatic policy) got here first: continue with its refund
                            : refunds.find(db, chargeId).chain(theirs -> continueWith(charge, theirs.orElseThrow())));
                });
            });
        });
    }

    /** A refund already recorded: broadcast again while it is sending, else its answer. */
    private Uni<RefundResponse> continueWith(Charge charge, Refund refund) {
        return "sending".equals(refund.status()) ? broadcast(charge, refund)
                : Uni.createFrom().item(response(charge, refund));
    }

    private Uni<RefundResponse> broadcast(Charge charge, Refund refund) {
        return chain.sendRawTransactionSync(refund.rawTransaction())
                .onFailure(RejectedByChainException.class).recoverWithUni(e -> alreadyIncluded(refund)
                        .chain(included -> included.isPresent() ? Uni.createFrom().item(included.get())
                                : recorder.fail(refund.chargeId()).<TransactionReceipt>map(failed -> {
                                    metrics.counter("payment.refunds", "outcome", "failed").increment();
                                    throw new PaymentRejectedException(PaymentProblem.REFUND_FAILED,
                                            "the chain refused the refund: " + e.getMessage(), charge.challengeId());
                                })))
                .onFailure(e -> e instanceof ChainUnavailableException || e instanceof TimeoutException
                        || e instanceof CircuitBreakerOpenException)
                .transform(e -> {
                    Log.warnf("refund of %s not confirmed yet: %s", charge.chargeId(), e.getMessage());
                    return new PaymentRejectedException(PaymentProblem.VERIFICATION_UNAVAILABLE,
                            "the refund was signed but its inclusion is not confirmed yet; it is retried",
                            charge.challengeId());
                })
                .chain(receipt -> {
                    if (!receipt.succeeded()) {
                        return recorder.fail(refund.chargeId()).<Void>map(failed -> {
                            throw new PaymentRejectedException(PaymentProblem.REFUND_FAILED,
                                    "the refund transaction " + receipt.transactionHash() + " reverted",
                                    charge.challengeId());
                        });
                    }
                    return recorder.confirm(charge, refund.payer(), receipt.transactionHash(), refund.reason(),
                            Instant.now(clock)).chain(confirmed -> {
                                if (!confirmed) {
                                    return Uni.createFrom().voidItem();
                                }
                                metrics.counter("payment.refunds", "outcome", "sent").increment();
                                return relay.publishPending().onFailure().invoke(e -> Log.warnf(
                                        "refund event not published yet: %s", e.getMessage()))
                                        .onFailure().recoverWithNull().replaceWithVoid();
                            });
                })
                .chain(() -> refunds.find(db, refund.chargeId()))
                .map(recorded -> response(charge, recorded.orElseThrow()));
    }

    private Uni<Optional<TransactionReceipt>> alreadyIncluded(Refund refund) {
        return chain.getTransactionReceipt(refund.txHash()).onFailure()
                .transform(e -> new PaymentRejectedException(PaymentProblem.VERIFICATION_UNAVAILABLE,
                        "the refund's inclusion could not be checked; it is retried"));
    }

    private Uni<String> sign(Charge charge, String payer) {
        return chain.gasPrice()
                .onFailure(e -> e instanceof ChainUnavailableException || e instanceof TimeoutException
                        || e instanceof CircuitBreakerOpenException)
                .transform(e -> new PaymentRejectedException(PaymentProblem.VERIFICATION_UNAVAILABLE,
                        "the chain could not be asked for fees; retry shortly", charge.challengeId()))
                .map(gasPrice -> {
                    String data = "0xa9059cbb" + word(Numeric.cleanHexPrefix(payer))
                            + word(Long.toHexString(charge.amount()));
                    // one nonce lane per charge (nonce 0 on it): the refund can be included at most once, on any
                    // replica
                    BigInteger lane = new BigInteger(1, Arrays.copyOf(Hash.sha3(("mpp-refund:" + charge.chargeId())
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8)), 24));
                    return TempoTransactionSigner.sign(new TempoTransactionSigner.Unsigned(config.chainId(),
                            BigInteger.ZERO, gasPrice.multiply(BigInteger.TWO), GAS, charge.currency(), data, lane,
                            charge.currency()), wallet);
                });
    }

    /** The payer named by the credential's source DID; the paying address when the credential named none. */
    static String payerOf(Charge charge) {
        PayerDid did = PayerDid.parse(charge.source(), charge.chainId(), charge.challengeId());
        return (did != null ? did.address() : charge.payer()).toLowerCase();
    }

    private static RefundResponse response(Charge charge, Refund refund) {
        return new RefundResponse(charge.chargeId().toString(), charge.challengeId(), refund.txHash(), refund.payer(),
                refund.amount(), refund.status());
    }

    private static String txHash(String raw) {
        return Numeric.toHexString(Hash.sha3(Numeric.hexStringToByteArray(raw)));
    }

    private static String word(String hex) {
        return "0".repeat(64 - hex.length()) + hex.toLowerCase();
    }
}
