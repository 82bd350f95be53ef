package io.mppgateway.ledger.support;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.mppgateway.contracts.EventSchemaAssert;
import io.mppgateway.contracts.Topics;

/**
 * Builds contract-conformant events with fresh ids, as JSON, validated against the contracts' JSON Schemas so the
 * tests exercise what producers really send.
 */
public final class TestEvents {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    public static final String PATH_USD = "0x20c0000000000000000000000000000000000000";

    private TestEvents() {
    }

    public static String challengeId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String txHash() {
        return "0x" + hex(32);
    }

    /** A random bytes32, as a split memo. */
    public static String memo() {
        return "0x" + hex(32);
    }

    /** A fresh address, so that the wallet account assets:wallet:<it> belongs to one test only. */
    public static String address() {
        return "0x" + hex(20);
    }

    public static String suffix() {
        return hex(4);
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public static Settled settled() {
        return new Settled();
    }

    public static Usage usage(Settled charge, String outcome) {
        Usage u = new Usage();
        u.fields.put("chargeId", charge.chargeId());
        u.fields.put("challengeId", charge.challengeId());
        u.fields.put("provider", charge.fields.get("provider"));
        u.fields.put("route", charge.fields.get("route"));
        u.fields.put("outcome", outcome);
        return u;
    }

    public static Refunded refunded(Settled charge, long amount) {
        Refunded r = new Refunded();
        r.fields.put("chargeId", charge.chargeId());
        r.fields.put("challengeId", charge.challengeId());
        r.fields.put("payer", charge.fields.get("payer"));
        r.fields.put("amount", amount);
        return r;
    }

    /** Common JSON building; the topic decides which schema the event must satisfy. */
    public abstract static class Event<SELF extends Event<SELF>> {
        final Map<String, Object> fields = new LinkedHashMap<>();
        private final String topic;

        Event(String topic) {
            this.topic = topic;
            fields.put("eventId", UUID.randomUUID().toString());
        }

        @SuppressWarnings("unchecked")
        public SELF with(String field, Object value) {
            fields.put(field, value);
            return (SELF) this;
        }

        /** Drops a field (an older producer that did not send it). */
        @SuppressWarnings("unchecked")
        public SELF without(String field) {
            fields.remove(field);
            return (SELF) this;
        }

        public Object field(String name) {
            return fields.get(name);
        }

        /** Same fact, new event id: what a re-publishing producer would send. */
        public SELF withNewEventId() {
            return with("eventId", UUID.randomUUID().toString());
        }

        public String eventId() {
            return (String) fields.get("eventId");
        }

        public String challengeId() {
            return (String) fields.get("challengeId");
        }

        public String topic() {
            return topic;
        }

        public String json() {
            String json = unvalidatedJson();
            EventSchemaAssert.assertValid(topic, json);
            return json;
        }

        /** The JSON without the schema check: what a broken producer could send. */
        public String unvalidatedJson() {
            try {
                return JSON.writeValueAsString(fields);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public static final class Settled extends Event<Settled> {
        Settled() {
            super(Topics.PAYMENTS_SETTLED);
            fields.put("chargeId", UUID.randomUUID().toString());
            fields.put("challengeId", TestEvents.challengeId());
            fields.put("provider", "mistral");
            fields.put("route", "/mistral/chat");
            fields.put("realm", "mistral.gateway.local");
            fields.put("amount", 10_000L);
            fields.put("currency", PATH_USD);
            fields.put("chainId", 1337L);
            fields.put("txHash", txHash());
            fields.put("payer", address());
            fields.put("recipient", address());
            fields.put("mode", "push");
            fields.put("digest", "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:");
            fields.put("settledAt", Instant.now());
        }

        public String chargeId() {
            return (String) fields.get("chargeId");
        }

        public String recipient() {
            return (String) fields.get("recipient");
        }

        public String payer() {
            return (String) fields.get("payer");
        }

        public String provider() {
            return (String) fields.get("provider");
        }

        public long amount() {
            return ((Number) fields.get("amount")).longValue();
        }

        public String txHashValue() {
            return (String) fields.get("txHash");
        }

        /** Appends a split (part of the amount paid straight to {@code recipient}); memo a bytes32 hex or null. */
        @SuppressWarnings("unchecked")
        public Settled withSplit(String recipient, long amount, String memo) {
            Map<String, Object> split = new LinkedHashMap<>();
            split.put("recipient", recipient);
            split.put("amount", amount);
            split.put("memo", memo);
            ((java.util.List<Object>) fields.computeIfAbsent("splits", k -> new java.util.ArrayList<>())).add(split);
            return this;
        }

        /** What the recipient received: the amount minus the splits. */
        @SuppressWarnings("unchecked")
        public long walletAmount() {
            long splits = ((java.util.List<Map<String, Object>>) fields.getOrDefault("splits", java.util.List.of()))
                    .stream().mapToLong(m -> ((Number) m.get("amount")).longValue()).sum();
            return amount() - splits;
        }
    }

    public static final class Usage extends Event<Usage> {
        Usage() {
            super(Topics.USAGE_RECORDED);
            fields.put("model", "mistral-small-latest");
            fields.put("promptTokens", 0L);
            fields.put("completionTokens", 0L);
            fields.put("totalTokens", 0L);
            fields.put("reasoningTokens", 0L);
            fields.put("cachedTokens", 0L);
            fields.put("pages", 0L);
            fields.put("upstreamStatus", 200);
            fields.put("latencyMs", 100L);
            fields.put("upstreamCost", 0L);
            fields.put("recordedAt", Instant.now());
        }

        /** Images generated, characters synthesised, document pages read, server-side tool calls. */
        public Usage units(long images, long characters, long pages, long toolCalls) {
            return with("images", images).with("characters", characters).with("pages", pages)
                    .with("toolCalls", toolCalls);
        }

        public Usage tokens(long prompt, long completion, long total, long reasoning, long cached) {
            return with("promptTokens", prompt).with("completionTokens", completion).with("totalTokens", total)
                    .with("reasoningTokens", reasoning).with("cachedTokens", cached);
        }
    }

    public static final class Refunded extends Event<Refunded> {
        Refunded() {
            super(Topics.PAYMENTS_REFUNDED);
            fields.put("refundTxHash", txHash());
            fields.put("reason", "upstream failed; refunded to payer");
            fields.put("refundedAt", Instant.now());
        }
    }
}
