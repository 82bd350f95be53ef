package io.mppgateway.payment.settlement.service;

import static io.mppgateway.payment.settlement.service.Settlements.alreadyUsed;
import static io.mppgateway.payment.settlement.service.Settlements.expiresAt;
import static io.mppgateway.payment.settlement.service.Settlements.unavailable;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import io.mppgateway.contracts.mpp.PaymentTerms;
import io.mppgateway.contracts.payment.SettlementRequest;
import io.mppgateway.contracts.payment.SettlementResponse;
import io.mppgateway.payment.chain.client.ChainUnavailableException;
import io.mppgateway.payment.chain.client.RejectedByChainException;
import io.mppgateway.payment.chain.client.TempoChainClient;
import io.mppgateway.payment.chain.client.TransactionReceipt;
import io.mppgateway.payment.chain.service.FeePayerCosigner;
import io.mppgateway.payment.chain.service.PullTransactionVerifier;
import io.mppgateway.payment.chain.service.TransferMatcher.ExpectedPayment;
import io.mppgateway.payment.chain.service.TransferVerifier;
import io.mppgateway.payment.chain.tempo.TempoTransaction;
import io.mppgateway.payment.challenge.service.EchoedChallengeVerifier;
import io.mppgateway.payment.config.PaymentConfig;
import io.mppgateway.payment.mpp.Credential;
import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentRejectedException;
import io.mppgateway.payment.settlement.repository.Charge;
import io.mppgateway.payment.settlement.repository.ChargeRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * Pull mode: the buyer's signed Tempo transaction is checked, simulated, claimed (pending) and only then broadcast,
 * so one replica ever broadcasts it; an unknown outcome keeps the claim and answers 503 for the same credential to
 * resume (or the reconciler to resolve).
 */
@ApplicationScoped
public class PullSettlement {
    private final TempoChainClient chain;
    private final SettlementRecorder recorder;
    private final ChargeRepository charges;
    private final Representations representations;
    private final EchoedChallengeVerifier challengeVerifier;
    private final FeePayerCosigner cosigner;
    private final Settlements settlements;
    private final PaymentConfig config;
    private final Clock clock;

    public PullSettlement(TempoChainClient chain, SettlementRecorder recorder, ChargeRepository charges,
            Representations representations, EchoedChallengeVerifier challengeVerifier, FeePayerCosigner cosigner,
            Settlements settlements, PaymentConfig config, Clock clock) {
        this.chain = chain;
        this.recorder = recorder;
        this.charges = charges;
        this.representations = representations;
        this.challengeVerifier = challengeVerifier;
        this.cosigner = cosigner;
        this.settlements = settlements;
        this.config = config;
        this.clock = clock;
    }

    public SettlementResponse settle(SettlementRequest request, Credential credential, PayerDid payer,
            PaymentTerms terms) {
        String id = credential.challenge().id();
        TempoTransaction tx;
        try {
            tx = TempoTransaction.decode(credential.signature());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new PaymentRejectedException(PaymentProblem.MALFORMED_CREDENTIAL,
                    "payload.signature is not a signed Tempo transaction: " + e.getMessage(), id);
        }
        String ref = Numeric.toHexString(Hash.sha3(Numeric.hexStringToByteArray(credential.signature())));
        Optional<SettlementResponse> again = representations.presentedAgain(id, ref, this::broadcast);
        if (again.isPresent()) {
            return again.get();
        }
        challengeVerifier.requireUnexpired(credential.challenge());
        // every call is from the signer; whether the signer is the credential's source is checked below
        String sender = PullTransactionVerifier.verify(tx, new PullTransactionVerifier.Expected(config.chainId(),
                new ExpectedPayment(config.currency(), config.recipient(), terms, request.realm(), id, null),
                expiresAt(credential.challenge().expires()), Instant.now(clock), config.maxValidity(),
                config.feePayer().enabled(), config.feePayer().maxGas(), config.feePayer().maxFeePerGas()));
        if (payer != null && !payer.address().equalsIgnoreCase(sender)) {
            throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                    "transaction was not signed by the credential's source " + payer.address(), id);
        }
        simulate(tx, sender, id);
        String raw = config.feePayer().enabled() ? cosigner.cosign(tx, sender, id) : credential.signature();
        Charge pending = settlements.newCharge(request, credential, ref, sender.toLowerCase(), PaymentMode.PULL,
                ChargeStatus.PENDING, raw, terms);
        if (!recorder.claimPending(pending)) {
            return representations.presentedAgain(id, ref, this::broadcast).orElseThrow(() -> alreadyUsed(id));
        }
        charges.takeBroadcastLease(pending.chargeId(), config.broadcastLease());
        return broadcast(pending);
    }

    /** eth_call of each call from the sender: a transfer that would revert is refused before anything is claimed. */
    private void simulate(TempoTransaction tx, String sender, String id) {
        try {
            for (TempoTransaction.Call call : tx.calls()) {
                chain.simulate(sender, call.to(), Numeric.toHexString(call.data()));
            }
        } catch (RejectedByChainException e) {
            throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                    "the transfer would revert: " + e.getMessage(), id);
        } catch (ChainUnavailableException | TimeoutException | CircuitBreakerOpenException e) {
            throw unavailable(id, "the transfer could not be simulated");
        }
    }

    /** Broadcast a claimed pull transaction (this request holds its lease); unknown outcome keeps the claim, 503. */
    private SettlementResponse broadcast(Charge pending) {
        String id = pending.challengeId();
        TransactionReceipt receipt;
        try {
            receipt = chain.sendRawTransactionSync(pending.rawTransaction());
        } catch (RejectedByChainException e) {
            // the node may already have it (a resumed broadcast): then its receipt decides
            receipt = lookUpAfterRefusal(pending, e);
        } catch (ChainUnavailableException | TimeoutException | CircuitBreakerOpenException e) {
            // the node may have included it without answering the synchronous call (anvil does not answer it for a
            // reverted transaction): its receipt, if there is one, decides now instead of after a retry
            Log.warnf("broadcast of %s has an unknown outcome: %s", id, e.getMessage());
            receipt = includedReceipt(pending).orElseThrow(() -> unavailable(id,
                    "the transaction was submitted but its inclusion is not confirmed yet"));
        }
        String from;
        try {
            // the terms the buyer signed, even if the route's configuration changed since the claim
            from = TransferVerifier.verify(receipt, new ExpectedPayment(pending.currency(), pending.recipient(),
                    pending.terms(), pending.realm(), id, pending.payer()));
        } catch (PaymentRejectedException e) {
            // included, and it did not pay: final
            charges.failForGood(pending.chargeId(), ChargeRepository.DID_NOT_PAY);
            throw e;
        }
        Charge settled = pending.settledAs(receipt.transactionHash(), from, Instant.now(clock));
        if (!recorder.completePending(settled)) {
            return representations.presentedAgain(id, pending.credentialRef(), this::broadcast)
                    .orElseThrow(() -> alreadyUsed(id));
        }
        settlements.publishNow();
        return settlements.response(settled, false);
    }

    private TransactionReceipt lookUpAfterRefusal(Charge pending, RejectedByChainException refusal) {
        Optional<TransactionReceipt> known = includedReceipt(pending);
        if (known.isPresent()) {
            return known.get();
        }
        // not final: a refusal (e.g. already known) does not prove it will never be included; the reconciler decides
        charges.markFailed(pending.chargeId());
        throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                "the chain refused the transaction: " + refusal.getMessage(), pending.challengeId());
    }

    /** The receipt of a claimed pull transaction if the chain has included it; 503 when the chain cannot say. */
    private Optional<TransactionReceipt> includedReceipt(Charge pending) {
        String nodeHash = Numeric.toHexString(Hash.sha3(Numeric.hexStringToByteArray(pending.rawTransaction())));
        try {
            return chain.getTransactionReceipt(nodeHash);
        } catch (ChainUnavailableException | TimeoutException | CircuitBreakerOpenException e) {
            throw unavailable(pending.challengeId(), "the transaction's inclusion could not be checked");
        }
    }
}
