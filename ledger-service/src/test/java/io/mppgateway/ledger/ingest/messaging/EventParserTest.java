package io.mppgateway.ledger.ingest.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.mppgateway.contracts.events.PaymentSettled;
import io.mppgateway.contracts.events.PaymentSplit;
import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.events.UsageRecorded;

class EventParserTest {
    // configured like the Quarkus mapper the service injects
    private final EventParser parser = new EventParser(new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));

    private static final String SETTLED = """
            {"eventId":"2f0c1d4e-8a7b-4c6d-9e0f-1a2b3c4d5e6f","chargeId":"3f0c1d4e-8a7b-4c6d-9e0f-1a2b3c4d5e6f",
             "challengeId":"X6v1eo7fJ76gAxqY0xN9Jd__4lUyDDYmriryOM-5FO4","provider":"mistral","route":"/mistral/chat",
             "realm":"mistral.gateway.local","amount":10000,"currency":"0x20c0000000000000000000000000000000000000",
             "chainId":1337,"txHash":"0x83ebd92c2ccf60813c4267d4840f1ca1475713f43dc8180f0d226e58c1262c5c",
             "payer":"0x90F79bf6EB2c4f870365E785982E1f101E93b906","recipient":"0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
             "mode":"push","digest":null,"settledAt":"2026-11-21T22:25:19.386Z","someFutureField":{"x":1}}""";

    @Test
    void readsASettlementAndIgnoresUnknownFields() {
        PaymentSettled e = parser.settled(SETTLED, "key");
        assertEquals(10_000L, e.amount());
        assertEquals("X6v1eo7fJ76gAxqY0xN9Jd__4lUyDDYmriryOM-5FO4", e.challengeId());
        assertEquals(java.time.Instant.parse("2026-11-21T22:25:19.386Z"), e.settledAt());
    }

    @Test
    void aFractionalAmountIsRefusedNotTruncated() {
        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> parser.settled(SETTLED.replace("10000", "100.5"), "key"));
        assertTrue(e.getMessage().contains("100.5"), e.getMessage());
    }

    @Test
    void missingOrNonPositiveAmountsAndMissingIdsAreRefused() {
        assertThrows(InvalidEventException.class, () -> parser.settled(SETTLED.replace("\"amount\":10000,", ""), "k"));
        assertThrows(InvalidEventException.class, () -> parser.settled(SETTLED.replace("10000", "-1"), "k"));
        assertThrows(InvalidEventException.class,
                () -> parser.settled(SETTLED.replace("\"eventId\":\"2f0c1d4e-8a7b-4c6d-9e0f-1a2b3c4d5e6f\",", ""), "k"));
        assertThrows(InvalidEventException.class, () -> parser.settled("{not json", "k"));
        assertThrows(InvalidEventException.class, () -> parser.settled("null", "k"));
        assertThrows(InvalidEventException.class, () -> parser.settled("", "k"));
    }

    /** PostgreSQL text cannot hold NUL: such an event would fail its whole batch, so it is refused up front. */
    @Test
    void aNulCharacterAnywhereIsRefused() {
        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> parser.settled(SETTLED.replace("\"mode\":\"push\"", "\"mode\":\"pu\\u0000sh\""), "k"));
        assertTrue(e.getMessage().contains("NUL"), e.getMessage());
        assertThrows(InvalidEventException.class, () -> parser.settled(SETTLED.replace("push", "pu\u0000sh"), "k"));
    }

    /** SETTLED with these splits (JSON array text) before settledAt. */
    private static String withSplits(String splitsJson) {
        return SETTLED.replace("\"settledAt\"", "\"splits\":" + splitsJson + ",\"settledAt\"");
    }

    private static final String PARTNER = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
    private static final String MEMO = "0x" + "ab".repeat(32);

    @Test
    void aSettlementWithoutSplitsHasNoneAndOneWithSplitsKeepsThemInOrder() {
        assertEquals(java.util.List.of(), parser.settled(SETTLED, "k").splits());
        assertEquals(java.util.List.of(), parser.settled(withSplits("null"), "k").splits());

        PaymentSettled e = parser.settled(withSplits("[{\"recipient\":\"" + PARTNER + "\",\"amount\":1500,\"memo\":\""
                + MEMO + "\"},{\"recipient\":\"0x70997970c51812dc3a010c7d01b50e0d17dc79c8\",\"amount\":500}]"), "k");
        assertEquals(java.util.List.of(new PaymentSplit(PARTNER, 1500, MEMO),
                new PaymentSplit("0x70997970c51812dc3a010c7d01b50e0d17dc79c8", 500, null)), e.splits());
        assertEquals(8_000L, e.recipientAmount());
    }

    @Test
    void splitsThatCannotBeBookedAreRefused() {
        // the splits must leave the recipient something: equal to or more than the amount is refused
        assertSplitsRefused("[{\"recipient\":\"" + PARTNER + "\",\"amount\":10000}]", "less than the amount");
        assertSplitsRefused("[{\"recipient\":\"" + PARTNER + "\",\"amount\":6000},{\"recipient\":\"" + PARTNER
                + "\",\"amount\":4000}]", "less than the amount");
        assertSplitsRefused("[{\"recipient\":\"" + PARTNER + "\",\"amount\":9223372036854775807},{\"recipient\":\""
                + PARTNER + "\",\"amount\":9223372036854775807}]", "overflow");
        // zero, negative, missing and fractional amounts
        assertSplitsRefused("[{\"recipient\":\"" + PARTNER + "\",\"amount\":0}]", "splits[0].amount");
        assertSplitsRefused("[{\"recipient\":\"" + PARTNER + "\",\"amount\":1},{\"recipient\":\"" + PARTNER
                + "\",\"amount\":-1}]", "splits[1].amount");
        assertSplitsRefused("[{\"recipient\":\"" + PARTNER + "\"}]", "splits[0].amount");
        assertSplitsRefused("[{\"recipient\":\"" + PARTNER + "\",\"amount\":1.5}]", "1.5");
        // recipients that are not a 0x address
        assertSplitsRefused("[{\"amount\":100}]", "splits[0].recipient");
        assertSplitsRefused("[{\"recipient\":\"partner\",\"amount\":100}]", "splits[0].recipient");
        assertSplitsRefused("[{\"recipient\":\"0x15d34AAf54267DB7D7c367839AAf71A00a2C6A6\",\"amount\":100}]",
                "splits[0].recipient");
        // not a list of splits at all
        assertThrows(InvalidEventException.class, () -> parser.settled(withSplits("[null]"), "k"));
        assertThrows(InvalidEventException.class, () -> parser.settled(withSplits("\"all\""), "k"));
    }

    private void assertSplitsRefused(String splitsJson, String mention) {
        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> parser.settled(withSplits(splitsJson), "k"));
        assertTrue(e.getMessage().contains(mention), e.getMessage());
    }

    @Test
    void theRecordKeyStandsInForAnAbsentChallengeId() {
        PaymentSettled e = parser.settled(
                SETTLED.replace("\"challengeId\":\"X6v1eo7fJ76gAxqY0xN9Jd__4lUyDDYmriryOM-5FO4\",", ""), "from-key");
        assertEquals("from-key", e.challengeId());
    }

    @Test
    void usageOptionalCountersDefaultToZeroAndUnknownOutcomesAreRefused() {
        String usage = """
                {"eventId":"e1","chargeId":"c1","challengeId":"ch1","provider":"grok","route":"/grok/chat",
                 "model":"grok-4","outcome":"FULFILLED","promptTokens":1,"completionTokens":2,"totalTokens":3,
                 "upstreamStatus":200,"latencyMs":5,"recordedAt":"2026-11-21T22:25:19.386Z"}""";
        UsageRecorded e = parser.usage(usage, "ch1");
        assertEquals(UsageOutcome.FULFILLED, e.outcome());
        assertEquals(3L, e.totalTokens());
        assertEquals(0L, e.reasoningTokens());
        assertEquals(0L, e.upstreamCost());
        assertThrows(InvalidEventException.class, () -> parser.usage(usage.replace("FULFILLED", "MAYBE"), "ch1"));
        assertThrows(InvalidEventException.class, () -> parser.usage(usage.replace("\"totalTokens\":3", "\"totalTokens\":-3"), "ch1"));
    }
}
