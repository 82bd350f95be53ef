package io.mppgateway.payment.settlement.service;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mppgateway.contracts.events.PaymentSettled;
import io.mppgateway.contracts.payment.ChallengeRequest;
import io.mppgateway.contracts.payment.SettlementRequest;
import io.mppgateway.contracts.payment.SettlementResponse;
import io.mppgateway.payment.chain.client.ChainUnavailableException;
import io.mppgateway.payment.chain.client.TempoChainClient;
import io.mppgateway.payment.chain.client.TransactionReceipt;
import io.mppgateway.payment.chain.service.TransferVerifier;
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
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * Verifies a push-mode tempo charge credential end to end and settles it exactly once:
 * parse → challenge binding and pinning → expiry → on-chain receipt → claim + outbox → publish.
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
    private final PaymentConfig config;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final MeterRegistry metrics;

    public SettlementService(CredentialParser parser, EchoedChallengeVerifier challengeVerifier,
            ChallengeService challenges, TempoChainClient chain, SettlementRecorder recorder, ChargeRepository charges, OutboxRelay relay,
            PaymentConfig config, ObjectMapper mapper, Clock clock, MeterRegistry metrics) {
        this.parser = parser;
        this.challengeVerifier = challengeVerifier;
        this.challenges = challenges;
        this.chain = chain;
        this.recorder = recorder;
        this.charges = charges;
        this.relay = relay;
        this.config = config;
        this.mapper = mapper;
        this.clock = clock;
        this.metrics = metrics;
    }

    public SettlementResponse settle(SettlementRequest request) {
        Timer.Sample sample = Timer.start(metrics);
        try {
            SettlementResponse response = verifyAndRecord(request);
            metrics.counter("payment.settlements", "outcome", "settled", "reason", "none").increment();
            return response;
        } catch (PaymentRejectedException e) {
            metrics.counter("payment.settlements", "outcome", "rejected", "reason", e.problem().code).increment();
            if (e.problem().status == 503) {
                throw e;
            }
            // every 402 (and the 400s) carries a fresh challenge for the same purchase
            throw e.withFreshChallenge(challenges.issue(new ChallengeRequest(request.realm(), request.provider(),
                    request.route(), request.amount(), request.digest(), request.description())).wwwAuthenticate());
        } finally {
            sample.stop(metrics.timer("payment.settlement.verification"));
        }
    }

    private SettlementResponse verifyAndRecord(SettlementRequest request) {
        Credential credential = parse(request);
        String id = credential.challenge().id();
        challengeVerifier.verify(credential.challenge(), new EchoedChallengeVerifier.Expected(
                request.realm(), request.route(), request.amount(), request.digest()));
        if ("transaction".equals(credential.payloadType())) {
            throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                    "pull mode is not offered; broadcast the transfer and send its hash (supportedModes: "
                            + config.supportedModes() + ")", id);
        }
        if (!"hash".equals(credential.payloadType()) || credential.hash() == null
                || !TX_HASH.matcher(credential.hash()).matches()) {
            throw new PaymentRejectedException(PaymentProblem.MALFORMED_CREDENTIAL,
                    "payload must be {type:\"hash\", hash:\"0x<64 hex>\"}", id);
        }
        String txHash = credential.hash().toLowerCase();
        PayerDid payer = PayerDid.parse(credential.source(), config.chainId(), id);
        if (charges.isClaimed(id, txHash)) {
            throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                    "this payment has already been used", id);
        }
        TransactionReceipt receipt = receipt(txHash, id);
        String from = TransferVerifier.verify(receipt, new TransferVerifier.ExpectedTransfer(config.currency(),
                config.recipient(), request.amount(), payer == null ? null : payer.address(), request.realm(), id));

        Instant now = Instant.now(clock);
        Charge charge = new Charge(UUID.randomUUID(), id, txHash, request.provider(), request.route(),
                request.realm(), request.amount(), config.currency(), config.chainId(), from, config.recipient(),
                credential.source(), "push", request.digest(), now, expiresAt(credential.challenge().expires()));
        PaymentSettled event = new PaymentSettled(UUID.randomUUID().toString(), charge.chargeId().toString(), id,
                charge.provider(), charge.route(), charge.realm(), charge.amount(), charge.currency(),
                charge.chainId(), txHash, from, charge.recipient(), charge.mode(), charge.digest(), now);
        if (!recorder.recordOnce(charge, event)) {
            throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                    "this payment has already been used", id);
        }
        publishNow();
        String receiptHeader = PaymentReceipt.tempoSuccess(txHash, now).encode(mapper);
        return new SettlementResponse(charge.chargeId().toString(), id, txHash, from, charge.amount(), charge.mode(),
                receiptHeader);
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
        } catch (ChainUnavailableException | TimeoutException | CircuitBreakerOpenException e) {
            Log.warnf("chain unavailable while verifying %s: %s", txHash, e.getMessage());
            throw new PaymentRejectedException(PaymentProblem.VERIFICATION_UNAVAILABLE,
                    "the chain could not be asked about " + txHash + "; nothing was charged twice, retry shortly",
                    id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PaymentRejectedException(PaymentProblem.VERIFICATION_UNAVAILABLE, "interrupted", id);
        }
        throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                "transaction " + txHash + " is not on chain", id);
    }

    private void publishNow() {
        try {
            relay.publishPending();
        } catch (RuntimeException e) {
            // the charge is committed; the scheduled relay will publish it when Kafka is back
            Log.warnf("settled event not published yet: %s", e.getMessage());
        }
    }

    private static Instant expiresAt(String expires) {
        return OffsetDateTime.parse(expires).toInstant();
    }
}
