package io.mppgateway.payment.settlement.service;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mppgateway.contracts.payment.ChallengeRequest;
import io.mppgateway.contracts.payment.SettlementRequest;
import io.mppgateway.contracts.payment.SettlementResponse;
import io.mppgateway.payment.chain.client.ChainCallTimer;
import io.mppgateway.payment.chain.client.ChainUnavailableException;
import io.mppgateway.payment.chain.client.RejectedByChainException;
import io.mppgateway.payment.chain.client.TempoChainClient;
import io.mppgateway.payment.chain.client.TransactionReceipt;
import io.mppgateway.payment.chain.service.FeePayerCosigner;
import io.mppgateway.payment.chain.service.PullTransactionVerifier;
import io.mppgateway.payment.chain.service.TransferMatcher.ExpectedPayment;
import io.mppgateway.payment.chain.service.TransferVerifier;
import io.mppgateway.payment.chain.tempo.TempoTransaction;
import io.mppgateway.payment.challenge.service.ChallengeService;
import io.mppgateway.payment.challenge.service.EchoedChallengeVerifier;
import io.mppgateway.payment.config.PaymentConfig;
import io.mppgateway.payment.mpp.Credential;
import io.mppgateway.payment.mpp.CredentialParser;
import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentReceipt;
import io.mppgateway.payment.mpp.PaymentRejectedException;
import io.mppgateway.payment.settlement.messaging.OutboxRelay;
import io.mppgateway.payment.settlement.repository.Charge;
import io.mppgateway.payment.settlement.repository.ChargeRepository;
import io.mppgateway.payment.terms.service.PaymentTerms;
import io.mppgateway.payment.terms.service.RouteTermsService;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * Verifies a tempo charge credential (push: a broadcast tx hash; pull: a signed Tempo transaction the server
 * broadcasts) and settles it exactly once: parse → challenge binding and pinning → expiry → chain → claim + outbox.
 * A credential whose challenge is already claimed is never answered with a fresh challenge while its charge is
 * settled: it is released again (unfulfilled → redeeming), told to wait (409), or refused once delivered (402).
 */
@ApplicationScoped
public class SettlementService {
    private static final Pattern TX_HASH = Pattern.compile("^0x[0-9a-fA-F]{64}$");

    private final CredentialParser parser;
    private final EchoedChallengeVerifier challengeVerifier;
    private final ChallengeService challenges;
    private final TempoChainClient chain;
    private final SettlementRecorder recorder;
    private final ChargeRepository charges;
    private final OutboxRelay relay;
    private final FeePayerCosigner cosigner;
    private final PaymentConfig config;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final RouteTermsService routeTerms;

    public SettlementService(CredentialParser parser, EchoedChallengeVerifier challengeVerifier,
            ChallengeService challenges, TempoChainClient chain, SettlementRecorder recorder, ChargeRepository charges,
            OutboxRelay relay, FeePayerCosigner cosigner, PaymentConfig config, ObjectMapper mapper, Clock clock,
            MeterRegistry metrics, RouteTermsService routeTerms) {
        this.routeTerms = routeTerms;
        this.parser = parser;
        this.challengeVerifier = challengeVerifier;
        this.challenges = challenges;
        this.chain = chain;
        this.recorder = recorder;
        this.charges = charges;
        this.relay = relay;
        this.cosigner = cosigner;
        this.config = config;
        this.mapper = mapper;
        this.clock = clock;
        this.metrics = metrics;
    }

    public SettlementResponse settle(SettlementRequest request) {
        Timer.Sample sample = Timer.start(metrics);
        long started = System.nanoTime();
        ChainCallTimer.reset();
        try {
            SettlementResponse response = verifyAndRecord(request);
            metrics.counter("payment.settlements", "outcome", response.redeemed() ? "redeemed" : "settled",
                    "mode", response.mode()).increment();
            // what payment-service adds beyond the node's own answers (verification, database, outbox)
            Timer.builder("payment.settlement.overhead").tag("mode", response.mode())
                    .publishPercentiles(0.5, 0.99).register(metrics)
                    .record(System.nanoTime() - started - ChainCallTimer.nanos(), TimeUnit.NANOSECONDS);
            return response;
        } catch (PaymentRejectedException e) {
            metrics.counter("payment.rejections", "reason", e.problem().code, "status",
                    Integer.toString(e.problem().status)).increment();
            if (e.problem().status == 503 || e.problem().status == 409) {
                // the payment may be (or is) settled: the buyer must retry the same credential, not pay again
                throw e;
            }
            // every 402 (and the 400s) carries a fresh challenge for the same purchase
            throw e.withFreshChallenge(challenges.issue(new ChallengeRequest(request.realm(), request.provider(),
                    request.route(), request.amount(), request.digest(), request.description())).wwwAuthenticate());
        } finally {
            sample.stop(Timer.builder("payment.settlement.verification").publishPercentiles(0.5, 0.99)
                    .register(metrics));
        }
    }

    private SettlementResponse verifyAndRecord(SettlementRequest request) {
        Credential credential = parse(request);
        String id = credential.challenge().id();
        // expiry is checked only before a first claim: a claimed challenge is decided by its claim
        challengeVerifier.verifyBinding(credential.challenge(), new EchoedChallengeVerifier.Expected(
                request.realm(), request.route(), request.amount(), request.digest()));
        String mode = switch (String.valueOf(credential.payloadType())) {
            case "hash" -> "push";
            case "transaction" -> "pull";
            default -> throw new PaymentRejectedException(PaymentProblem.MALFORMED_CREDENTIAL,
                    "payload type must be \"transaction\" (pull) or \"hash\" (push)", id);
        };
        // the pinned challenge carried exactly these terms
        PaymentTerms terms = routeTerms.termsFor(request.route(), request.amount());
        List<String> modes = routeTerms.supportedModes(terms);
        if (!modes.contains(mode)) {
            throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                    mode + " mode is not offered (supportedModes: " + modes + ")", id);
        }
        if ("push".equals(mode) && config.feePayer().enabled()) {
            // spec: clients MUST NOT send a hash when feePayer is true, servers MUST reject it
            throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                    "fees are sponsored here: send the signed transaction (pull), not a hash", id);
        }
        PayerDid payer = PayerDid.parse(credential.source(), config.chainId(), id);
        return "push".equals(mode) ? push(request, credential, payer, terms) : pull(request, credential, payer, terms);
    }

    // --- push ---

    private SettlementResponse push(SettlementRequest request, Credential credential, PayerDid payer,
            PaymentTerms terms) {
        String id = credential.challenge().id();
        if (credential.hash() == null || !TX_HASH.matcher(credential.hash()).matches()) {
            throw new PaymentRejectedException(PaymentProblem.MALFORMED_CREDENTIAL,
                    "payload must be {type:\"hash\", hash:\"0x<64 hex>\"}", id);
        }
        String txHash = credential.hash().toLowerCase();
        Optional<SettlementResponse> again = presentedAgain(id, txHash);
        if (again.isPresent()) {
            return again.get();
        }
        challengeVerifier.requireUnexpired(credential.challenge());
        TransactionReceipt receipt = receipt(txHash, id);
        String from = TransferVerifier.verify(receipt, new ExpectedPayment(config.currency(), config.recipient(),
                terms, request.realm(), id, payer == null ? null : payer.address()));
        Charge charge = newCharge(request, credential, txHash, from, "push", "settled", null, terms);
        if (!recorder.recordOnce(charge)) {
            // lost a race with another replica (or another challenge used this transaction)
            return presentedAgain(id, txHash).orElseThrow(() -> alreadyUsed(id));
        }
        publishNow();
        return response(charge, false);
    }

    // --- pull ---

    private SettlementResponse pull(SettlementRequest request, Credential credential, PayerDid payer,
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
        Optional<SettlementResponse> again = presentedAgain(id, ref);
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
        String raw = config.feePayer().enabled() ? cosigner.cosign(tx, sender) : credential.signature();
        Charge pending = newCharge(request, credential, ref, sender.toLowerCase(), "pull", "pending", raw, terms);
        if (!recorder.claimPending(pending)) {
            return presentedAgain(id, ref).orElseThrow(() -> alreadyUsed(id));
        }
        charges.takeBroadcastLease(pending.chargeId(), config.broadcastLease());
        return broadcast(pending, request.realm());
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

    /** Broadcast a claimed pull transaction; unknown outcome keeps the claim and answers 503. */
    private SettlementResponse broadcast(Charge pending, String realm) {
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
                    pending.terms(), realm, id, pending.payer()));
        } catch (PaymentRejectedException e) {
            // included, and it did not pay: final
            charges.failForGood(pending.chargeId(), ChargeRepository.DID_NOT_PAY);
            throw e;
        }
        Charge settled = pending.settledAs(receipt.transactionHash(), from, Instant.now(clock));
        if (!recorder.completePending(settled)) {
            return presentedAgain(id, pending.credentialRef()).orElseThrow(() -> alreadyUsed(id));
        }
        publishNow();
        return response(settled, false);
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

    // --- a challenge that is already claimed ---

    /**
     * @param ref the transaction the credential names (push hash, or keccak of the pull transaction)
     * @return the answer for a re-presented credential, or empty when neither its challenge nor its transaction was
     *         claimed
     */
    private Optional<SettlementResponse> presentedAgain(String challengeId, String ref) {
        Optional<Charge> byChallenge = charges.findByChallenge(challengeId);
        if (byChallenge.isEmpty()) {
            // another replica may have committed this very charge between the two reads: then it is ours
            byChallenge = charges.findByTransaction(ref);
            if (byChallenge.isEmpty()) {
                return Optional.empty();
            }
            if (!byChallenge.get().challengeId().equals(challengeId)) {
                throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                        "this transaction has already paid for another challenge", challengeId);
            }
        }
        Charge charge = byChallenge.get();
        if (!charge.credentialRef().equalsIgnoreCase(ref) && !charge.txHash().equalsIgnoreCase(ref)) {
            throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                    "this challenge has already been paid with another transaction", challengeId);
        }
        return Optional.of(switch (charge.status()) {
            case "unfulfilled" -> {
                if (!charges.startRedemption(charge.chargeId())) {
                    throw notRedeemable(challengeId,
                            charges.findById(charge.chargeId()).map(Charge::status).orElse(charge.status()));
                }
                yield response(charge, true);
            }
            case "refunding", "refunded" -> throw refunded(challengeId);
            case "settled", "redeeming" -> throw inProgress(challengeId,
                    "this payment is settled and its call is being served; retry the same credential shortly");
            case "pending" -> {
                if (!charges.takeBroadcastLease(charge.chargeId(), config.broadcastLease())) {
                    throw inProgress(challengeId, "this payment's transaction is being broadcast; retry shortly");
                }
                yield broadcast(charge, charge.realm());
            }
            case "failed" -> throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                    "this payment's transaction did not pay on chain", challengeId);
            default -> throw alreadyUsed(challengeId);
        });
    }

    // --- helpers ---

    private Charge newCharge(SettlementRequest request, Credential credential, String txHash, String from,
            String mode, String status, String raw, PaymentTerms terms) {
        String ref = "pull".equals(mode) ? txHash : txHash.toLowerCase();
        return new Charge(UUID.randomUUID(), credential.challenge().id(), txHash, request.provider(),
                request.route(), request.realm(), request.amount(), config.currency(), config.chainId(), from,
                config.recipient(), credential.source(), mode, request.digest(), Instant.now(clock),
                expiresAt(credential.challenge().expires()), ref, status, raw, terms.memo(), terms.splits());
    }

    private SettlementResponse response(Charge charge, boolean redeemed) {
        String receiptHeader = PaymentReceipt.tempoSuccess(charge.txHash(), charge.settledAt()).encode(mapper);
        return new SettlementResponse(charge.chargeId().toString(), charge.challengeId(), charge.txHash(),
                charge.payer(), charge.amount(), charge.mode(), receiptHeader, redeemed);
    }

    private Credential parse(SettlementRequest request) {
        try {
            return parser.parse(request.authorization());
        } catch (CredentialParser.MultipleCredentialsException e) {
            throw new PaymentRejectedException(PaymentProblem.BAD_REQUEST,
                    "send exactly one Payment credential", null);
        } catch (CredentialParser.MalformedCredentialException e) {
            throw new PaymentRejectedException(PaymentProblem.MALFORMED_CREDENTIAL, e.getMessage(), null);
        }
    }

    /** The node may not have indexed a just-broadcast transaction; ask a few times before calling it unknown. */
    private TransactionReceipt receipt(String txHash, String id) {
        try {
            for (int attempt = 1; attempt <= config.receiptAttempts(); attempt++) {
                Optional<TransactionReceipt> receipt = chain.getTransactionReceipt(txHash);
                if (receipt.isPresent()) {
                    return receipt.get();
                }
                Thread.sleep(config.receiptRetryDelay().toMillis());
            }
        } catch (ChainUnavailableException | RejectedByChainException | TimeoutException
                | CircuitBreakerOpenException e) {
            Log.warnf("chain unavailable while verifying %s: %s", txHash, e.getMessage());
            throw unavailable(id, "the chain could not be asked about " + txHash);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PaymentRejectedException(PaymentProblem.VERIFICATION_UNAVAILABLE, "interrupted", id);
        }
        throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                "transaction " + txHash + " is not on chain", id);
    }

    private void publishNow() {
        Timer.Sample sample = Timer.start(metrics);
        try {
            relay.publishPending();
        } catch (RuntimeException e) {
            // the charge is committed; the scheduled relay will publish it when Kafka is back
            Log.warnf("settled event not published yet: %s", e.getMessage());
        } finally {
            // part of the overhead: the provider releases the call on this event, so it is sent before answering
            sample.stop(Timer.builder("payment.outbox.publish").publishPercentiles(0.5, 0.99).register(metrics));
        }
    }

    private static PaymentRejectedException unavailable(String id, String what) {
        return new PaymentRejectedException(PaymentProblem.VERIFICATION_UNAVAILABLE,
                what + "; nothing was charged twice, retry the same credential shortly", id);
    }

    private static PaymentRejectedException inProgress(String id, String detail) {
        return new PaymentRejectedException(PaymentProblem.PAYMENT_IN_PROGRESS, detail, id);
    }

    /** Why an unfulfilled charge was not released again just now: the other claim that won decides. */
    private static PaymentRejectedException notRedeemable(String id, String status) {
        return switch (status) {
            case "redeeming" -> inProgress(id, "another request is redeeming this payment right now");
            case "unfulfilled" -> new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                    "this payment has already been used: it was redeemed once and is refunded instead", id);
            case "refunding", "refunded" -> refunded(id);
            default -> alreadyUsed(id);
        };
    }

    private static PaymentRejectedException refunded(String id) {
        return new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                "this payment has already been used: it was refunded", id);
    }

    private static PaymentRejectedException alreadyUsed(String id) {
        return new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED, "this payment has already been used",
                id);
    }

    private static Instant expiresAt(String expires) {
        return OffsetDateTime.parse(expires).toInstant();
    }
}
