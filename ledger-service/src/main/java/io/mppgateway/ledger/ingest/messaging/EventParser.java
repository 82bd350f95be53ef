package io.mppgateway.ledger.ingest.messaging;

import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import io.mppgateway.contracts.events.PaymentRefunded;
import io.mppgateway.contracts.events.PaymentSettled;
import io.mppgateway.contracts.events.PaymentSplit;
import io.mppgateway.contracts.events.UsageRecorded;

/**
 * Turns Kafka String payloads into contract records and checks what the ledger relies on, so that a bad event is
 * rejected before any database write instead of failing half-way through a transaction.
 */
@ApplicationScoped
public class EventParser {
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");

    private final ObjectReader settledReader;
    private final ObjectReader usageReader;
    private final ObjectReader refundedReader;

    /** The Quarkus-managed mapper: JavaTimeModule registered, unknown properties ignored (see application.properties). */
    public EventParser(ObjectMapper mapper) {
        this.settledReader = strict(mapper, PaymentSettled.class);
        this.usageReader = strict(mapper, UsageRecorded.class);
        this.refundedReader = strict(mapper, PaymentRefunded.class);
    }

    /**
     * Jackson would silently truncate 100.5 to 100; an amount that is not an integer must be refused instead.
     * Absent optional counters (reasoningTokens, units, ...) still default to 0; a missing amount then fails the
     * positive check below.
     */
    private static ObjectReader strict(ObjectMapper mapper, Class<?> type) {
        return mapper.readerFor(type)
                .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    }

    public PaymentSettled settled(String json, String key) {
        PaymentSettled e = read(json, settledReader, PaymentSettled.class);
        String challengeId = firstNonBlank(e.challengeId(), key);
        e = new PaymentSettled(e.eventId(), e.chargeId(), challengeId, e.provider(), e.route(), e.realm(), e.amount(),
                e.currency(), e.chainId(), e.txHash(), e.payer(), e.recipient(), e.mode(), e.digest(), e.settledAt(),
                e.splits());
        require("eventId", e.eventId());
        require("chargeId", e.chargeId());
        require("challengeId", e.challengeId());
        require("provider", e.provider());
        require("route", e.route());
        require("realm", e.realm());
        require("currency", e.currency());
        require("txHash", e.txHash());
        require("payer", e.payer());
        require("recipient", e.recipient());
        require("mode", e.mode());
        require("settledAt", e.settledAt());
        positive("amount", e.amount());
        positive("chainId", e.chainId());
        splits(e);
        return e;
    }

    /**
     * Each split becomes an expense account and a transfer reconciliation looks for, and the wallet is debited with
     * what the splits leave: that must be a real address, a positive amount, and less than the whole charge.
     */
    private static void splits(PaymentSettled e) {
        long total = 0;
        for (int i = 0; i < e.splits().size(); i++) {
            PaymentSplit split = e.splits().get(i);
            String field = "splits[" + i + "]";
            if (split.recipient() == null || !ADDRESS.matcher(split.recipient()).matches()) {
                throw new InvalidEventException(field + ".recipient must be a 0x address");
            }
            positive(field + ".amount", split.amount());
            try {
                total = Math.addExact(total, split.amount());
            } catch (ArithmeticException overflow) {
                throw new InvalidEventException("splits overflow a 64-bit amount");
            }
        }
        if (total >= e.amount()) {
            throw new InvalidEventException("splits sum to " + total + ", which must be less than the amount "
                    + e.amount());
        }
    }

    public UsageRecorded usage(String json, String key) {
        UsageRecorded e = read(json, usageReader, UsageRecorded.class);
        String challengeId = firstNonBlank(e.challengeId(), key);
        e = new UsageRecorded(e.eventId(), e.chargeId(), challengeId, e.provider(), e.route(), e.model(), e.outcome(),
                e.delivered(), e.promptTokens(), e.completionTokens(), e.totalTokens(), e.reasoningTokens(),
                e.cachedTokens(), e.images(), e.characters(), e.pages(), e.toolCalls(), e.upstreamStatus(),
                e.latencyMs(), e.upstreamCost(), e.quotedUpstreamCost(), e.costInUsdTicks(), e.recordedAt());
        require("eventId", e.eventId());
        require("challengeId", e.challengeId());
        require("provider", e.provider());
        require("model", e.model());
        require("outcome", e.outcome());
        require("recordedAt", e.recordedAt());
        notNegative("promptTokens", e.promptTokens());
        notNegative("completionTokens", e.completionTokens());
        notNegative("totalTokens", e.totalTokens());
        notNegative("reasoningTokens", e.reasoningTokens());
        notNegative("cachedTokens", e.cachedTokens());
        notNegative("images", e.images());
        notNegative("characters", e.characters());
        notNegative("pages", e.pages());
        notNegative("toolCalls", e.toolCalls());
        notNegative("latencyMs", e.latencyMs());
        notNegative("upstreamCost", e.upstreamCost());
        notNegative("quotedUpstreamCost", e.quotedUpstreamCost());
        return e;
    }

    public PaymentRefunded refunded(String json, String key) {
        PaymentRefunded e = read(json, refundedReader, PaymentRefunded.class);
        String challengeId = firstNonBlank(e.challengeId(), key);
        e = new PaymentRefunded(e.eventId(), e.chargeId(), challengeId, e.refundTxHash(), e.payer(), e.amount(),
                e.reason(), e.refundedAt());
        require("eventId", e.eventId());
        require("challengeId", e.challengeId());
        require("refundTxHash", e.refundTxHash());
        require("refundedAt", e.refundedAt());
        positive("amount", e.amount());
        return e;
    }

    private static <T> T read(String json, ObjectReader reader, Class<T> type) {
        if (json == null || json.isBlank()) {
            throw new InvalidEventException("empty payload");
        }
        if (json.indexOf('\u0000') >= 0 || json.contains("\\u0000")) {
            // PostgreSQL text cannot hold NUL: refused here rather than failing (and stopping) the whole batch
            throw new InvalidEventException("payload contains a NUL character");
        }
        try {
            T value = reader.readValue(json);
            if (value == null) {
                throw new InvalidEventException("payload is JSON null");
            }
            return value;
        } catch (JsonProcessingException e) {
            // the message names the field and the problem; the payload itself is kept in rejected_events
            throw new InvalidEventException("not a valid " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** The record key is the challenge id by contract, so it stands in when the field is absent. */
    private static String firstNonBlank(String value, String fallback) {
        return value != null && !value.isBlank() ? value : fallback;
    }

    private static void require(String field, Object value) {
        if (value == null || value instanceof String s && s.isBlank()) {
            throw new InvalidEventException(field + " is missing");
        }
    }

    private static void positive(String field, long value) {
        if (value <= 0) {
            throw new InvalidEventException(field + " must be positive, was " + value);
        }
    }

    private static void notNegative(String field, long value) {
        if (value < 0) {
            throw new InvalidEventException(field + " must not be negative, was " + value);
        }
    }
}
