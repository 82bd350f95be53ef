package io.mppgateway.payment.settlement.service;

import static io.mppgateway.payment.settlement.service.Settlements.alreadyUsed;
import static io.mppgateway.payment.settlement.service.Settlements.unavailable;

import java.util.Optional;
import java.util.regex.Pattern;

import io.mppgateway.contracts.mpp.PaymentTerms;
import io.mppgateway.contracts.payment.SettlementRequest;
import io.mppgateway.contracts.payment.SettlementResponse;
import io.mppgateway.payment.chain.client.ChainUnavailableException;
import io.mppgateway.payment.chain.client.RejectedByChainException;
import io.mppgateway.payment.chain.client.TempoChainClient;
import io.mppgateway.payment.chain.client.TransactionReceipt;
import io.mppgateway.payment.chain.service.TransferMatcher.ExpectedPayment;
import io.mppgateway.payment.chain.service.TransferVerifier;
import io.mppgateway.payment.challenge.service.EchoedChallengeVerifier;
import io.mppgateway.payment.config.PaymentConfig;
import io.mppgateway.payment.mpp.Credential;
import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentRejectedException;
import io.mppgateway.payment.settlement.repository.Charge;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/** Push mode: the buyer broadcast the transfer and sends its hash; its receipt must pay the charge. */
@ApplicationScoped
public class PushSettlement {
    private static final Pattern TX_HASH = Pattern.compile("^0x[0-9a-fA-F]{64}$");

    private final TempoChainClient chain;
    private final SettlementRecorder recorder;
    private final Representations representations;
    private final EchoedChallengeVerifier challengeVerifier;
    private final Settlements settlements;
    private final PaymentConfig config;

    public PushSettlement(TempoChainClient chain, SettlementRecorder recorder, Representations representations,
            EchoedChallengeVerifier challengeVerifier, Settlements settlements, PaymentConfig config) {
        this.chain = chain;
        this.recorder = recorder;
        this.representations = representations;
        this.challengeVerifier = challengeVerifier;
        this.settlements = settlements;
        this.config = config;
    }

    public Uni<SettlementResponse> settle(SettlementRequest request, Credential credential, PayerDid payer,
            PaymentTerms terms) {
        String id = credential.challenge().id();
        if (credential.hash() == null || !TX_HASH.matcher(credential.hash()).matches()) {
            throw new PaymentRejectedException(PaymentProblem.MALFORMED_CREDENTIAL,
                    "payload must be {type:\"hash\", hash:\"0x<64 hex>\"}", id);
        }
        String txHash = credential.hash().toLowerCase();
        return presentedAgain(request, id, txHash).chain(again -> {
            if (again.isPresent()) {
                return Uni.createFrom().item(again.get());
            }
            challengeVerifier.requireUnexpired(credential.challenge());
            return receipt(txHash, id, 1).chain(receipt -> {
                String from = TransferVerifier.verify(receipt, new ExpectedPayment(config.currency(),
                        config.recipient(), terms, request.realm(), id, payer == null ? null : payer.address()));
                Charge charge = settlements.newCharge(request, credential, txHash, from, PaymentMode.PUSH,
                        ChargeStatus.SETTLED, null, terms);
                return recorder.recordOnce(charge).chain(event -> {
                    if (event.isPresent()) {
                        settlements.publishInBackground(event.get());
                        return Uni.createFrom().item(settlements.response(charge, false));
                    }
                    // lost a race with another replica (or another challenge used this transaction)
                    return presentedAgain(request, id, txHash)
                            .map(answer -> answer.orElseThrow(() -> alreadyUsed(id)));
                });
            });
        });
    }

    /** A push charge is settled when claimed: it is never pending. */
    private Uni<Optional<SettlementResponse>> presentedAgain(SettlementRequest request, String id, String txHash) {
        return representations.presentedAgain(request, id, txHash, pending -> {
            throw alreadyUsed(id);
        });
    }

    /**
     * The node may not have indexed a just-broadcast transaction; ask a few times (a timer between, no thread held)
     * before calling it unknown.
     */
    private Uni<TransactionReceipt> receipt(String txHash, String id, int attempt) {
        return chain.getTransactionReceipt(txHash)
                .onFailure(e -> e instanceof ChainUnavailableException || e instanceof RejectedByChainException
                        || e instanceof TimeoutException || e instanceof CircuitBreakerOpenException)
                .transform(e -> {
                    Log.warnf("chain unavailable while verifying %s: %s", txHash, e.getMessage());
                    return unavailable(id, "the chain could not be asked about " + txHash);
                })
                .chain(receipt -> {
                    if (receipt.isPresent()) {
                        return Uni.createFrom().item(receipt.get());
                    }
                    Uni<Void> pause = Uni.createFrom().voidItem().onItem().delayIt().by(config.receiptRetryDelay());
                    if (attempt >= config.receiptAttempts()) {
                        return pause.<TransactionReceipt>map(nothing -> {
                            throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                                    "transaction " + txHash + " is not on chain", id);
                        });
                    }
                    return pause.chain(() -> receipt(txHash, id, attempt + 1));
                });
    }
}
