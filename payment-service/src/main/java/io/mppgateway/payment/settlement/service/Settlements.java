package io.mppgateway.payment.settlement.service;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mppgateway.contracts.mpp.PaymentTerms;
import io.mppgateway.contracts.payment.SettlementRequest;
import io.mppgateway.contracts.payment.SettlementResponse;
import io.mppgateway.payment.config.PaymentConfig;
import io.mppgateway.payment.mpp.Credential;
import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentReceipt;
import io.mppgateway.payment.mpp.PaymentRejectedException;
import io.mppgateway.payment.settlement.messaging.OutboxRelay;
import io.mppgateway.payment.settlement.repository.Charge;
import io.mppgateway.payment.settlement.repository.OutboxRepository.WrittenEvent;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

/** What push, pull and re-presentation share: the charge they claim, the answer they give, the refusals. */
@ApplicationScoped
public class Settlements {
    private final OutboxRelay relay;
    private final PaymentConfig config;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final MeterRegistry metrics;

    public Settlements(OutboxRelay relay, PaymentConfig config, ObjectMapper mapper, Clock clock,
            MeterRegistry metrics) {
        this.relay = relay;
        this.config = config;
        this.mapper = mapper;
        this.clock = clock;
        this.metrics = metrics;
    }

    Charge newCharge(SettlementRequest request, Credential credential, String txHash, String from, PaymentMode mode,
            ChargeStatus status, String raw, PaymentTerms terms) {
        String ref = mode == PaymentMode.PULL ? txHash : txHash.toLowerCase();
        return new Charge(UUID.randomUUID(), credential.challenge().id(), txHash, request.provider(),
                request.route(), request.realm(), request.amount(), config.currency(), config.chainId(), from,
                config.recipient(), credential.source(), mode.value, request.digest(), Instant.now(clock),
                expiresAt(credential.challenge().expires()), ref, status.value(), raw, terms.memo(), terms.splits());
    }

    SettlementResponse response(Charge charge, boolean redeemed) {
        String receiptHeader = PaymentReceipt.tempoSuccess(charge.txHash(), charge.settledAt()).encode(mapper);
        return new SettlementResponse(charge.chargeId().toString(), charge.challengeId(), charge.txHash(),
                charge.payer(), charge.amount(), charge.mode(), receiptHeader, redeemed);
    }

    /**
     * Publishes the settled event this settlement just committed (its outbox row, leased to it), without holding the
     * answer for the broker's acknowledgement: the provider registers its wait for the event before it settles (and
     * remembers events that arrive before it registers), so an event that overtakes the answer is not missed. The
     * committed row is the source of truth whatever happens here: a send that fails or is not acknowledged leaves it
     * unpublished, and the scheduled relay publishes it (when Kafka is back). An event written unleased (the broker
     * seemed away) is left to the relay.
     */
    void publishInBackground(WrittenEvent event) {
        if (!event.leasedToWriter()) {
            return;
        }
        Timer.Sample sample = Timer.start(metrics);
        relay.publishLeased(event.row())
                // send, acknowledgement, mark: the provider releases the call on this event
                .onTermination().invoke(() -> sample.stop(Timer.builder("payment.outbox.publish")
                        .publishPercentiles(0.5, 0.99).register(metrics)))
                .subscribe().with(published -> {
                }, e -> Log.warnf("settled event not published yet, the relay will: %s", e.getMessage()));
    }

    static Instant expiresAt(String expires) {
        return OffsetDateTime.parse(expires).toInstant();
    }

    static PaymentRejectedException unavailable(String id, String what) {
        return new PaymentRejectedException(PaymentProblem.VERIFICATION_UNAVAILABLE,
                what + "; nothing was charged twice, retry the same credential shortly", id);
    }

    static PaymentRejectedException inProgress(String id, String detail) {
        return new PaymentRejectedException(PaymentProblem.PAYMENT_IN_PROGRESS, detail, id);
    }

    /** Nothing claimed, nothing redeemed: the provider's upstream is down, the credential is good afterwards. */
    static PaymentRejectedException upstreamUnavailable(String id, SettlementRequest request) {
        return new PaymentRejectedException(PaymentProblem.UPSTREAM_UNAVAILABLE, "the " + request.provider()
                + " upstream is unavailable right now; nothing was charged or used, present the same credential again"
                + " after the Retry-After", id).withRetryAfter(request.upstreamDownForSeconds());
    }

    static PaymentRejectedException refunded(String id) {
        return new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                "this payment has already been used: it was refunded", id);
    }

    static PaymentRejectedException alreadyUsed(String id) {
        return new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED, "this payment has already been used",
                id);
    }
}
