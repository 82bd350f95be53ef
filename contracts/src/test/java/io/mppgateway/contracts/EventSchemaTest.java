package io.mppgateway.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
}
