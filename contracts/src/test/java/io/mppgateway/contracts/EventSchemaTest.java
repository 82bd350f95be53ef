package io.mppgateway.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.events.UsageRecorded;

import org.junit.jupiter.api.Test;

class EventSchemaTest {
    private static final String SETTLED = """
            {"eventId":"2f0c1d4e-8a7b-4c6d-9e0f-1a2b3c4d5e6f","chargeId":"3f0c1d4e-8a7b-4c6d-9e0f-1a2b3c4d5e6f",
             "challengeId":"X6v1eo7fJ76gAxqY0xN9Jd__4lUyDDYmriryOM-5FO4","provider":"mistral","route":"/mistral/chat",
             "realm":"mistral.gateway.local","amount":10000,"currency":"0x20c0000000000000000000000000000000000000",
             "chainId":1337,"txHash":"0x83ebd92c2ccf60813c4267d4840f1ca1475713f43dc8180f0d226e58c1262c5c",
             "payer":"0x90F79bf6EB2c4f870365E785982E1f101E93b906","recipient":"0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
             "mode":"push","digest":"sha-256=:abc=:","settledAt":"2026-11-21T22:25:19.386Z"}""";

    @Test
    void aWellFormedSettlementValidates() {
        assertEquals(0, EventSchemaAssert.validate(Topics.PAYMENTS_SETTLED, SETTLED).size());
    }

    @Test
    void splitsArePositiveBaseUnitsToAddresses() {
        String split = SETTLED.replace("\"settledAt\"", "\"splits\":[{\"recipient\":"
                + "\"0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65\",\"amount\":1500,\"memo\":null}],\"settledAt\"");
        assertEquals(0, EventSchemaAssert.validate(Topics.PAYMENTS_SETTLED, split).size());
        assertFalse(EventSchemaAssert.validate(Topics.PAYMENTS_SETTLED, split.replace("1500", "0")).isEmpty());
        assertFalse(EventSchemaAssert.validate(Topics.PAYMENTS_SETTLED, split.replace("1500", "1.5")).isEmpty());
        assertFalse(EventSchemaAssert.validate(Topics.PAYMENTS_SETTLED,
                split.replace("\"memo\":null", "\"memo\":\"0x1234\"")).isEmpty());
    }

    @Test
    void anEventWithSplitsSerializesToTheSchemaAndKnowsWhatTheRecipientGot() throws Exception {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper().findAndRegisterModules()
                .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        var event = mapper.readValue(SETTLED, io.mppgateway.contracts.events.PaymentSettled.class);
        assertEquals(java.util.List.of(), event.splits());
        var split = new io.mppgateway.contracts.events.PaymentSettled(event.eventId(), event.chargeId(),
                event.challengeId(), event.provider(), event.route(), event.realm(), event.amount(), event.currency(),
                event.chainId(), event.txHash(), event.payer(), event.recipient(), event.mode(), event.digest(),
                event.settledAt(), java.util.List.of(new io.mppgateway.contracts.events.PaymentSplit(
                        "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", 1500, null)));
        assertEquals(8500, split.recipientAmount());
        assertEquals(0, EventSchemaAssert.validate(Topics.PAYMENTS_SETTLED, mapper.writeValueAsString(split)).size());
    }

    @Test
    void aFractionalAmountIsRejected() {
        assertFalse(EventSchemaAssert.validate(Topics.PAYMENTS_SETTLED, SETTLED.replace("10000", "100.5")).isEmpty());
    }

    @Test
    void anUnknownOutcomeIsRejected() {
        String usage = """
                {"eventId":"2f0c1d4e-8a7b-4c6d-9e0f-1a2b3c4d5e6f","chargeId":"3f0c1d4e-8a7b-4c6d-9e0f-1a2b3c4d5e6f",
                 "challengeId":"X6v1eo7fJ76gAxqY0xN9Jd__4lUyDDYmriryOM-5FO4","provider":"grok","route":"/grok/chat",
                 "model":"grok-4","outcome":"MAYBE","promptTokens":1,"completionTokens":2,"totalTokens":3,
                 "upstreamStatus":200,"latencyMs":5,"recordedAt":"2026-11-21T22:25:19.386Z"}""";
        assertFalse(EventSchemaAssert.validate(Topics.USAGE_RECORDED, usage).isEmpty());
        assertEquals(0, EventSchemaAssert.validate(Topics.USAGE_RECORDED, usage.replace("MAYBE", "FULFILLED")).size());
    }
    @Test
    void aUsageEventWithUnitsAndCostsValidatesAndSaysWhetherItWasDelivered() throws Exception {
        ObjectMapper mapper = new ObjectMapper().findAndRegisterModules()
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        UsageRecorded partial = new UsageRecorded("2f0c1d4e-8a7b-4c6d-9e0f-1a2b3c4d5e6f",
                "3f0c1d4e-8a7b-4c6d-9e0f-1a2b3c4d5e6f", "X6v1eo7fJ76gAxqY0xN9Jd__4lUyDDYmriryOM-5FO4", "grok",
                "/grok/image-generate", "grok-2-image", UsageOutcome.CLIENT_GONE, true, 0, 0, 0, 0, 0, 2, 0, 0, 1,
                200, 900, 140_000, 150_000, 1_400_000_000L, Instant.parse("2026-12-05T10:00:00Z"));
        String json = mapper.writeValueAsString(partial);
        assertEquals(0, EventSchemaAssert.validate(Topics.USAGE_RECORDED, json).size());
        assertFalse(EventSchemaAssert.validate(Topics.USAGE_RECORDED, json.replace("\"images\":2", "\"images\":-2"))
                .isEmpty());
        assertTrue(partial.deliveredToBuyer());
        // events written before "delivered" existed: only FULFILLED and REDEEMED delivered anything
        UsageRecorded legacy = mapper.readValue("""
                {"eventId":"2f0c1d4e-8a7b-4c6d-9e0f-1a2b3c4d5e6f","chargeId":"3f0c1d4e-8a7b-4c6d-9e0f-1a2b3c4d5e6f",
                 "challengeId":"X6v1eo7fJ76gAxqY0xN9Jd__4lUyDDYmriryOM-5FO4","provider":"grok","route":"/grok/chat",
                 "model":"grok-4","outcome":"CLIENT_GONE","promptTokens":1,"completionTokens":2,"totalTokens":3,
                 "upstreamStatus":200,"latencyMs":5,"recordedAt":"2026-11-21T22:25:19.386Z"}""", UsageRecorded.class);
        assertFalse(legacy.deliveredToBuyer());
        assertEquals(0, legacy.upstreamCost());
    }
}
