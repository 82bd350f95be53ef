package io.mppgateway.payment.settlement.service;

import static io.mppgateway.payment.settlement.service.Settlements.alreadyUsed;
import static io.mppgateway.payment.settlement.service.Settlements.expiresAt;
import static io.mppgateway.payment.settlement.service.Settlements.unavailable;
import static io.mppgateway.payment.settlement.service.Settlements.upstreamUnavailable;

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
import io.mppgateway.payment.common.db.Transactions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
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
    private final SqlClient db;
    private final Representations representations;
    private final EchoedChallengeVerifier challengeVerifier;
    private final FeePayerCosigner cosigner;
    private final Settlements settlements;
    private final PaymentConfig config;
    private final Clock clock;

    public PullSettlement(TempoChainClient chain, SettlementRecorder recorder, ChargeRepository charges,
            Transactions transactions, Representations representations, EchoedChallengeVerifier challengeVerifier,
            FeePayerCosigner cosigner, Settlements settlements, PaymentConfig config, Clock clock) {
        this.chain = chain;
        this.recorder = recorder;
        this.charges = charges;
        this.db = transactions.autoCommit();
        this.representations = representations;
        this.challengeVerifier = challengeVerifier;
        this.cosigner = cosigner;
        this.settlements = settlements;
        this.config = config;
        this.clock = clock;
    }

    public Uni<SettlementResponse> settle(SettlementRequest request, Credential credential, PayerDid payer,
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
        return representations.presentedAgain(request, id, ref, claim -> broadcast(request, claim)).chain(again -> {
            if (again.isPresent()) {
                return Uni.createFrom().item(again.get());
            }
            challengeVerifier.requireUnexpired(credential.challenge());
            // every call is from the signer; whether the signer is the credential's source is checked below
            // (signature recovery: short CPU work, done in the pipeline)
            String sender = PullTransactionVerifier.verify(tx, new PullTransactionVerifier.Expected(config.chainId(),
                    new ExpectedPayment(config.currency(), config.recipient(), terms, request.realm(), id, null),
                    expiresAt(credential.challenge().expires()), Instant.now(clock), config.maxValidity(),
                    config.feePayer().enabled(), config.feePayer().maxGas(), config.feePayer().maxFeePerGas()));
            if (payer != null && !payer.address().equalsIgnoreCase(sender)) {
                throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                        "transaction was not signed by the credential's source " + payer.address(), id);
            }
            if (request.upstreamDown()) {
                // nothing has moved yet: broadcasting now would take a payment the provider cannot serve
                throw upstreamUnavailable(id, request);
            }
            return simulate(tx, sender, id)
                    .chain(() -> config.feePayer().enabled() ? cosigner.cosign(tx, sender, id)
                            : Uni.createFrom().item(credential.signature()))
                    .chain(raw -> claimAndBroadcast(request, settlements.newCharge(request, credential, ref,
                            sender.toLowerCase(), PaymentMode.PULL, ChargeStatus.PENDING, raw, terms), ref));
        });
    }

    private Uni<SettlementResponse> claimAndBroadcast(SettlementRequest request, Charge pending, String ref) {
        String id = pending.challengeId();
        return recorder.claimPending(pending).chain(claimed -> {
            if (!claimed) {
                return representations.presentedAgain(request, id, ref, claim -> broadcast(request, claim))
                        .map(answer -> answer.orElseThrow(() -> alreadyUsed(id)));
            }
            // the claim holds the broadcast lease already
            return broadcast(request, pending);
        });
    }

    /** eth_call of each call from the sender: a transfer that would revert is refused before anything is claimed. */
    private Uni<Void> simulate(TempoTransaction tx, String sender, String id) {
        Uni<Void> calls = Uni.createFrom().voidItem();
        for (TempoTransaction.Call call : tx.calls()) {
            calls = calls.chain(() -> chain.simulate(sender, call.to(), Numeric.toHexString(call.data())))
                    .replaceWithVoid();
        }
        return calls
                .onFailure(RejectedByChainException.class).transform(e -> new PaymentRejectedException(
                        PaymentProblem.VERIFICATION_FAILED, "the transfer would revert: " + e.getMessage(), id))
                .onFailure(PullSettlement::chainUnavailable)
                .transform(e -> unavailable(id, "the transfer could not be simulated"));
    }

    /** Broadcast a claimed pull transaction (this request holds its lease); unknown outcome keeps the claim, 503. */
    private Uni<SettlementResponse> broadcast(SettlementRequest request, Charge pending) {
        String id = pending.challengeId();
        return chain.sendRawTransactionSync(pending.rawTransaction())
                .onFailure(RejectedByChainException.class)
                // the node may already have it (a resumed broadcast): then its receipt decides
                .recoverWithUni(e -> lookUpAfterRefusal(pending, (RejectedByChainException) e))
                .onFailure(PullSettlement::chainUnavailable).recoverWithUni(e -> {
                    // the node may have included it without answering the synchronous call (anvil does not answer it
                    // for a reverted transaction): its receipt, if there is one, decides now instead of after a retry
                    Log.warnf("broadcast of %s has an unknown outcome: %s", id, e.getMessage());
                    return includedReceipt(pending).map(receipt -> receipt.orElseThrow(() -> unavailable(id,
                            "the transaction was submitted but its inclusion is not confirmed yet")));
                })
                .chain(receipt -> settleIncluded(request, pending, receipt));
    }

    private Uni<SettlementResponse> settleIncluded(SettlementRequest request, Charge pending,
            TransactionReceipt receipt) {
        String id = pending.challengeId();
        String from;
        try {
            // the terms the buyer signed, even if the route's configuration changed since the claim
            from = TransferVerifier.verify(receipt, new ExpectedPayment(pending.currency(), pending.recipient(),
                    pending.terms(), pending.realm(), id, pending.payer()));
        } catch (PaymentRejectedException e) {
            // included, and it did not pay: final
            return charges.failForGood(db, pending.chargeId(), ChargeRepository.DID_NOT_PAY)
                    .chain(failed -> Uni.createFrom().<SettlementResponse>failure(e));
        }
        Charge settled = pending.settledAs(receipt.transactionHash(), from, Instant.now(clock));
        return recorder.completePending(settled).chain(event -> {
            if (event.isPresent()) {
                settlements.publishInBackground(event.get());
                return Uni.createFrom().item(settlements.response(settled, false));
            }
            return representations.presentedAgain(request, id, pending.credentialRef(),
                    again -> broadcast(request, again))
                    .map(answer -> answer.orElseThrow(() -> alreadyUsed(id)));
        });
    }

    private Uni<TransactionReceipt> lookUpAfterRefusal(Charge pending, RejectedByChainException refusal) {
        return includedReceipt(pending).chain(known -> {
            if (known.isPresent()) {
                return Uni.createFrom().item(known.get());
            }
            // not final: a refusal (e.g. already known) does not prove it will never be included; the reconciler
            // decides
            return charges.markFailed(db, pending.chargeId()).<TransactionReceipt>map(marked -> {
                throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                        "the chain refused the transaction: " + refusal.getMessage(), pending.challengeId());
            });
        });
    }

    /** The receipt of a claimed pull transaction if the chain has included it; 503 when the chain cannot say. */
    private Uni<Optional<TransactionReceipt>> includedReceipt(Charge pending) {
        String nodeHash = Numeric.toHexString(Hash.sha3(Numeric.hexStringToByteArray(pending.rawTransaction())));
        return chain.getTransactionReceipt(nodeHash).onFailure(PullSettlement::chainUnavailable)
                .transform(e -> unavailable(pending.challengeId(), "the transaction's inclusion could not be checked"));
    }

    /** The node could not be asked (or did not answer in time, or its circuit breaker is open). */
    static boolean chainUnavailable(Throwable e) {
        return e instanceof ChainUnavailableException || e instanceof TimeoutException
                || e instanceof CircuitBreakerOpenException;
    }
}
