package io.mppgateway.paywall.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

class ChatPricingTest {
    record Price(long inputPerMillion, long outputPerMillion, long maxOutputTokens, Optional<Long> perPage,
            Optional<Long> perCall, Optional<Long> marginBps, Optional<Long> minPerCall, Optional<Long> maxPerCall,
            Set<String> uses) implements PricingConfig.ModelPrice {

        static Price tokens(long input, long output, long maxOutput, String... uses) {
            return new Price(input, output, maxOutput, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Set.of(uses));
        }
    }

    record Config(long marginBps, long minPerCall, long maxPerCall, long defaultOutputTokens, long fixedPerCall,
            long defaultPagesQuoted, Map<String, PricingConfig.ModelPrice> models) implements PricingConfig {
    }

    static final Config CONFIG = new Config(2000, 5000, 100000, 1024, 8000, 8, Map.of(
            "large", Price.tokens(2_000_000, 6_000_000, 32768, "chat"),
            "small", Price.tokens(100_000, 300_000, 32768, "chat"),
            "codestral", Price.tokens(300_000, 900_000, 32768, "chat", "fim"),
            "embed", new Price(100_000, 0, 1, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Set.of("embed")),
            "ocr", new Price(0, 0, 1, Optional.of(1000L), Optional.empty(), Optional.empty(), Optional.of(1000L),
                    Optional.empty(), Set.of("ocr"))));

    private final ChatPricing pricing = new ChatPricing(new ModelCatalogue(CONFIG, new ObjectMapper()));

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

    @Test
    void fimQuotesThePromptAndSuffixAndOnlyForFimModels() {
        // prompt + suffix = 15 + 12 = 27 chars → 9 tokens × 0.3 = 2.7 → 3; 100 × 0.9 = 90 → 93 × 1.2 = 111.6 → 112 → minimum 5000
        ChatQuote q = pricing.quoteFim(body("""
                {"model":"codestral","max_tokens":100,"prompt":"def add(a, b):\\n","suffix":"return a + b"}"""),
                "max_tokens");
        assertEquals(9, q.inputTokensEstimate());
        assertEquals(93, q.upstreamCostCeiling());
        assertEquals(5000, q.amount());
        assertEquals("unknown_model", assertThrows(InvalidRequestException.class, () -> pricing.quoteFim(body("""
                {"model":"large","prompt":"x"}"""))).code());
        assertEquals("prompt", assertThrows(InvalidRequestException.class, () -> pricing.quoteFim(body("""
                {"model":"codestral"}"""))).param());
    }

    @Test
    void fixedAndPerPageCallsUseTheirOwnPrices() {
        CallPricing calls = new CallPricing(new ModelCatalogue(CONFIG, new ObjectMapper()));
        assertEquals(8000, calls.fixed(body("{\"model\":\"embed\",\"input\":[\"a\"]}"), ModelUse.EMBED, "input")
                .amount());
        assertEquals("unknown_model", assertThrows(InvalidRequestException.class,
                () -> calls.fixed(body("{\"model\":\"large\",\"input\":\"a\"}"), ModelUse.EMBED, "input")).code());
        // 3 listed pages × 1000 = 3000, × 1.2 = 3600 (the model's own minimum, 1000, is below it)
        assertEquals(3600, calls.perPage(body("""
                {"model":"ocr","pages":[0,1,2],"document":{"type":"document_url","document_url":"https://x/y.pdf"}}"""),
                ModelUse.OCR).amount());
        // no pages listed: the default 8 pages → 9600
        assertEquals(9600, calls.perPage(body("""
                {"model":"ocr","document":{"type":"document_url","document_url":"https://x/y.pdf"}}"""),
                ModelUse.OCR).amount());
    }

    @Test
    void aBodyOverTheLimitIs413() {
        assertEquals(413, assertThrows(InvalidRequestException.class,
                () -> InvalidRequestException.requireAtMost(new byte[11], 10)).status());
    }
}
