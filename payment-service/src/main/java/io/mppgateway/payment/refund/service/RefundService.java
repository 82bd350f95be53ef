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
import jakarta.enterprise.context.ApplicationScoped;

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
@ApplicationScoped
public class RefundService {
    private static final BigInteger GAS = BigInteger.valueOf(300_000);

    private final ChargeRepository charges;
    private final RefundRepository refunds;
    private final RefundRecorder recorder;
    private final TempoChainClient chain;
    private final OutboxRelay relay;
    private final PaymentConfig config;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Credentials wallet;

    public RefundService(ChargeRepository charges, RefundRepository refunds, RefundRecorder recorder,
            TempoChainClient chain, OutboxRelay relay, PaymentConfig config, Clock clock, MeterRegistry metrics) {
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

    public RefundResponse refund(UUID chargeId, String reason) {
        Charge charge = charges.findById(chargeId).orElseThrow(() -> new PaymentRejectedException(
                PaymentProblem.NOT_FOUND, "no charge " + chargeId));
        Optional<Refund> existing = refunds.find(chargeId);
        if (existing.isPresent()) {
            return "sending".equals(existing.get().status()) ? broadcast(charge, existing.get())
                    : response(charge, existing.get());
        }
        if (!"unfulfilled".equals(charge.status())) {
            throw new PaymentRejectedException(PaymentProblem.OUTCOME_CONFLICT,
                    "only unfulfilled charges are refunded; this one is " + charge.status(), charge.challengeId());
        }
        if (wallet == null) {
            throw new PaymentRejectedException(PaymentProblem.REFUND_UNAVAILABLE,
                    "refunds are not configured (payment.refund.private-key)", charge.challengeId());
        }
        if (!wallet.getAddress().equalsIgnoreCase(charge.recipient())) {
            throw new IllegalStateException("the refund key is not the recipient wallet " + charge.recipient());
        }
        String payer = payerOf(charge);
        String raw = sign(charge, payer);
        Refund signed = new Refund(chargeId, payer, charge.amount(), "sending", txHash(raw), raw, reason);
        if (!recorder.claim(signed)) {
            // another replica (or the automatic policy) got here first: continue with its refund
            Refund theirs = refunds.find(chargeId).orElseThrow();
            return "sending".equals(theirs.status()) ? broadcast(charge, theirs) : response(charge, theirs);
        }
        return broadcast(charge, signed);
    }

    private RefundResponse broadcast(Charge charge, Refund refund) {
        TransactionReceipt receipt;
        try {
            receipt = chain.sendRawTransactionSync(refund.rawTransaction());
        } catch (RejectedByChainException e) {
            receipt = alreadyIncluded(refund).orElse(null);
            if (receipt == null) {
                recorder.fail(refund.chargeId());
                metrics.counter("payment.refunds", "outcome", "failed").increment();
                throw new PaymentRejectedException(PaymentProblem.REFUND_FAILED,
                        "the chain refused the refund: " + e.getMessage(), charge.challengeId());
            }
        } catch (ChainUnavailableException | TimeoutException | CircuitBreakerOpenException e) {
            Log.warnf("refund of %s not confirmed yet: %s", charge.chargeId(), e.getMessage());
            throw new PaymentRejectedException(PaymentProblem.VERIFICATION_UNAVAILABLE,
                    "the refund was signed but its inclusion is not confirmed yet; it is retried", charge.challengeId());
        }
        if (!receipt.succeeded()) {
            recorder.fail(refund.chargeId());
            throw new PaymentRejectedException(PaymentProblem.REFUND_FAILED,
                    "the refund transaction " + receipt.transactionHash() + " reverted", charge.challengeId());
        }
        if (recorder.confirm(charge, refund.payer(), receipt.transactionHash(), refund.reason(), Instant.now(clock))) {
            metrics.counter("payment.refunds", "outcome", "sent").increment();
            try {
                relay.publishPending();
            } catch (RuntimeException e) {
                Log.warnf("refund event not published yet: %s", e.getMessage());
            }
        }
        return response(charge, refunds.find(refund.chargeId()).orElseThrow());
    }

    private Optional<TransactionReceipt> alreadyIncluded(Refund refund) {
        try {
            return chain.getTransactionReceipt(refund.txHash());
        } catch (RuntimeException e) {
            throw new PaymentRejectedException(PaymentProblem.VERIFICATION_UNAVAILABLE,
                    "the refund's inclusion could not be checked; it is retried");
        }
    }

    private String sign(Charge charge, String payer) {
        BigInteger gasPrice;
        try {
            gasPrice = chain.gasPrice();
        } catch (ChainUnavailableException | TimeoutException | CircuitBreakerOpenException e) {
            throw new PaymentRejectedException(PaymentProblem.VERIFICATION_UNAVAILABLE,
                    "the chain could not be asked for fees; retry shortly", charge.challengeId());
        }
        String data = "0xa9059cbb" + word(Numeric.cleanHexPrefix(payer)) + word(Long.toHexString(charge.amount()));
        // one nonce lane per charge (nonce 0 on it): the refund can be included at most once, on any replica
        BigInteger lane = new BigInteger(1, Arrays.copyOf(Hash.sha3(("mpp-refund:" + charge.chargeId())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)), 24));
        return TempoTransactionSigner.sign(new TempoTransactionSigner.Unsigned(config.chainId(), BigInteger.ZERO,
                gasPrice.multiply(BigInteger.TWO), GAS, charge.currency(), data, lane, charge.currency()), wallet);
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
