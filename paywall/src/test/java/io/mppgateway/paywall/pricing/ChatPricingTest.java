package io.mppgateway.paywall.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

class ChatPricingTest {
    record Price(long inputPerMillion, long outputPerMillion, long maxOutputTokens)
            implements PricingConfig.ModelPrice {
    }

    record Config(long marginBps, long minPerCall, long maxPerCall, long defaultOutputTokens,
            Map<String, PricingConfig.ModelPrice> models) implements PricingConfig {
    }

    private final ChatPricing pricing = new ChatPricing(new Config(2000, 5000, 100000, 1024, Map.of(
            "large", new Price(2_000_000, 6_000_000, 32768),
            "small", new Price(100_000, 300_000, 32768))), new ObjectMapper());

    private static byte[] body(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void quotesInputEstimatePlusMaxTokensWithMarginRoundedUp() {
        // messages JSON is 41 bytes → 14 input tokens at 3 bytes a token; 2000 output tokens
        ChatQuote q = pricing.quote(body("""
                {"model":"large","max_tokens":2000,"messages":[{"role":"user","content":"hello there"}]}"""),
                "max_tokens");
        assertEquals(14, q.inputTokensEstimate());
        assertEquals(2000, q.outputTokens());
        // 14 × 2 000 000 / 1e6 = 28; 2000 × 6 000 000 / 1e6 = 12 000 → 12 028; × 1.2 = 14 433.6 → 14 434
        assertEquals(12_028, q.upstreamCostCeiling());
        assertEquals(14_434, q.amount());
    }

    @Test
    void cheapCallsPayTheMinimumAndExpensiveOnesAreCapped() {
        assertEquals(5000, pricing.quote(body("""
                {"model":"small","messages":[{"role":"user","content":"hi"}]}"""), "max_tokens").amount());
        assertEquals(100000, pricing.quote(body("""
                {"model":"large","max_tokens":32768,"messages":[{"role":"user","content":"hi"}]}"""),
                "max_tokens").amount());
    }

    @Test
    void rejectsWhatTheUpstreamWouldRejectBeforeAnyPayment() {
        assertEquals("unknown_model", assertThrows(InvalidRequestException.class, () -> pricing.quote(body("""
                {"model":"nope","messages":[{"role":"user","content":"hi"}]}"""))).code());
        assertEquals("model", assertThrows(InvalidRequestException.class, () -> pricing.quote(body("""
                {"messages":[{"role":"user","content":"hi"}]}"""))).param());
        assertEquals("messages", assertThrows(InvalidRequestException.class, () -> pricing.quote(body("""
                {"model":"small","messages":[]}"""))).param());
        assertEquals("invalid_json", assertThrows(InvalidRequestException.class,
                () -> pricing.quote(body("{not json"))).code());
        assertEquals("max_tokens", assertThrows(InvalidRequestException.class, () -> pricing.quote(body("""
                {"model":"small","max_tokens":40000,"messages":[{"role":"user","content":"hi"}]}"""),
                "max_tokens")).param());
        assertEquals("messages[0].role", assertThrows(InvalidRequestException.class, () -> pricing.quote(body("""
                {"model":"small","messages":[{"role":"wizard","content":"hi"}]}"""))).param());
    }
}
