package io.mppgateway.paywall.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.paywall.route.PaidCall;
import io.mppgateway.paywall.route.Quote;
import io.mppgateway.paywall.testing.PriceTables;
import io.mppgateway.paywall.testing.PricingOracle;
import io.mppgateway.paywall.usage.OpenAiUsage;

import org.junit.jupiter.api.Test;

/** The price rules over a small table; each gap of issue 12 has a test here that fails on the old pricing. */
class ChatPricingTest {
    static final PricingConfig TABLE = PriceTables.of(Map.ofEntries(
            Map.entry("pricing.margin-bps", "2000"),
            Map.entry("pricing.min-per-call", "5000"),
            Map.entry("pricing.max-per-call", "100000"),
            Map.entry("pricing.routes.big.max-per-call", "10000000"),
            Map.entry("pricing.default-output-tokens", "1024"),
            Map.entry("pricing.image-tokens", "4000"),
            Map.entry("pricing.models.large.input-per-million", "2000000"),
            Map.entry("pricing.models.large.output-per-million", "6000000"),
            Map.entry("pricing.models.large.max-output-tokens", "32768"),
            Map.entry("pricing.models.small.input-per-million", "100000"),
            Map.entry("pricing.models.small.cached-input-per-million", "10000"),
            Map.entry("pricing.models.small.output-per-million", "300000"),
            Map.entry("pricing.models.small.max-output-tokens", "32768"),
            Map.entry("pricing.models.grok-4.input-per-million", "3000000"),
            Map.entry("pricing.models.grok-4.output-per-million", "15000000"),
            Map.entry("pricing.models.grok-4.max-output-tokens", "65536"),
            Map.entry("pricing.models.grok-4.reasoning-tokens", "4096"),
            Map.entry("pricing.models.grok-4.context-tokens", "256000"),
            Map.entry("pricing.models.codestral.input-per-million", "300000"),
            Map.entry("pricing.models.codestral.output-per-million", "900000"),
            Map.entry("pricing.models.codestral.uses", "chat,fim"),
            Map.entry("pricing.models.embed.input-per-million", "100000"),
            Map.entry("pricing.models.embed.uses", "embed"),
            Map.entry("pricing.models.ocr.per-page", "1000"),
            Map.entry("pricing.models.ocr.per-page-annotated", "3000"),
            Map.entry("pricing.models.ocr.min-per-call", "1000"),
            Map.entry("pricing.models.ocr.uses", "ocr")));

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final PriceRules rules = PriceTables.rules(TABLE);
    private final PricingOracle oracle = new PricingOracle(TABLE);

    private static PaidCall call(String route, String json) {
        return new PaidCall(route, "POST", "/" + route, Map.of(), null, json.getBytes(StandardCharsets.UTF_8),
                MAPPER);
    }

    private Quote chat(String route, String json) {
        return rules.chat("max_completion_tokens", "max_tokens").quote(call(route, json));
    }

    private static JsonNode upstream(PaidCall call, Quote quote) throws Exception {
        return MAPPER.readTree(quote.upstreamBody(call));
    }

    @Test
    void theQuoteCoversTheWholeBodyAsTokensAndTheOutputLimitWithMarginRoundedUp() throws Exception {
        String json = """
                {"model":"large","max_tokens":2000,"messages":[{"role":"user","content":"hello there"}]}""";
        Quote q = chat("chat", json);
        // every byte of the (compact) body + 64 bytes of room for what a shaper adds, as tokens at 2 base units each;
        // 2000 output tokens at 6 each
        long bytes = MAPPER.readTree(json).toString().length();
        assertEquals((bytes + 64) * 2 + 12_000, q.quotedUpstreamCost());
        assertEquals(Math.ceilDiv(q.quotedUpstreamCost() * 12, 10), q.amount()); // + 20 %, rounded up
        assertTrue(q.amount() >= oracle.withMargin(oracle.chat(json.getBytes(StandardCharsets.UTF_8),
                new String[] {"max_tokens"}), "large"));
    }

    @Test
    void nChoicesCostNTimesTheOutput() {
        String one = """
                {"model":"large","max_tokens":4000,"messages":[{"role":"user","content":"hi"}]}""";
        String four = """
                {"model":"large","max_tokens":4000,"n":4,"messages":[{"role":"user","content":"hi"}]}""";
        Quote q1 = chat("big", one);
        Quote q4 = chat("big", four);
        assertTrue(q4.amount() > q1.amount(), q4.amount() + " vs " + q1.amount());
        // 4 x 4000 x 6/M = 96 000 of output alone
        assertTrue(q4.quotedUpstreamCost() >= 96_000, "" + q4.quotedUpstreamCost());
        assertEquals("n", assertThrows(InvalidRequestException.class, () -> chat("chat", """
                {"model":"large","n":0,"messages":[{"role":"user","content":"hi"}]}""")).param());
        // a huge n is a 400, never an overflow
        assertEquals("n", assertThrows(InvalidRequestException.class, () -> chat("big", """
                {"model":"grok-4","n":2000000000,"max_completion_tokens":65536,"messages":[{"role":"user","content":"hi"}]}"""))
                .param());
    }

    @Test
    void toolsSchemasAndSystemPromptsArePricedAsInput() {
        String plain = """
                {"model":"large","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""";
        String description = "x".repeat(20_000);
        String withTools = """
                {"model":"large","max_tokens":10,"messages":[{"role":"user","content":"hi"}],
                 "tools":[{"type":"function","function":{"name":"f","description":"%s","parameters":{}}}]}"""
                .formatted(description);
        Quote small = chat("chat", plain);
        Quote tools = chat("chat", withTools);
        // 20 000 bytes of tools are 20 000 input tokens at 2/M = 40 000 more upstream
        assertTrue(tools.quotedUpstreamCost() - small.quotedUpstreamCost() >= 40_000,
                small.quotedUpstreamCost() + " -> " + tools.quotedUpstreamCost());
        assertTrue(tools.amount() > small.amount());
    }

    @Test
    void imagesArePricedPerImageNotByTheirUrlsLength() {
        String image = "{\"type\":\"image_url\",\"image_url\":\"https://x/y.png\"}";
        String twoImages = """
                {"model":"large","max_tokens":10,"messages":[{"role":"user","content":[%s,%s]}]}"""
                .formatted(image, image);
        String noImage = """
                {"model":"large","max_tokens":10,"messages":[{"role":"user","content":[]}]}""";
        // 2 images x 4000 image tokens x 2/M = 16 000 more than none, whatever the URLs' length
        assertTrue(chat("chat", twoImages).quotedUpstreamCost() - chat("chat", noImage).quotedUpstreamCost()
                >= 16_000);
    }

    @Test
    void withoutAnOutputLimitTheQuotedOneGoesUpstream() throws Exception {
        PaidCall call = call("chat", """
                {"model":"small","messages":[{"role":"user","content":"hi"}]}""");
        Quote q = rules.chat("max_completion_tokens", "max_tokens").quote(call);
        assertEquals(1024, upstream(call, q).path("max_completion_tokens").asLong());
        // the buyer's own limit goes upstream as the buyer sent it
        PaidCall limited = call("chat", """
                {"model":"small","max_tokens":77,"messages":[{"role":"user","content":"hi"}]}""");
        Quote ql = rules.chat("max_completion_tokens", "max_tokens").quote(limited);
        assertNull(ql.upstreamBody());
        assertEquals(77, upstream(limited, ql).path("max_tokens").asLong());
    }

    @Test
    void aQuoteAboveTheMaximumIsRefusedWithTheLargestAcceptableLimit() {
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> chat("chat", """
                {"model":"grok-4","max_completion_tokens":65536,"messages":[{"role":"user","content":"hi"}]}"""));
        assertEquals(400, refused.status());
        assertEquals("max_completion_tokens", refused.param());
        // (100 000 / 1.2 - ~400 of input) / 15 per token - 4096 reasoning = ~1 430 tokens
        assertTrue(refused.getMessage().startsWith("max_completion_tokens must be ≤ 1,4"), refused.getMessage());
        assertTrue(refused.getMessage().endsWith("for one paid call to grok-4"), refused.getMessage());
        long largest = Long.parseLong(refused.getMessage().replaceAll("^.*≤ ([0-9,]+) .*$", "$1").replace(",", ""));
        Quote fits = chat("chat", """
                {"model":"grok-4","max_completion_tokens":%d,"messages":[{"role":"user","content":"hi"}]}"""
                .formatted(largest));
        assertTrue(fits.amount() <= 100_000);
        assertThrows(InvalidRequestException.class, () -> chat("chat", """
                {"model":"grok-4","max_completion_tokens":%d,"messages":[{"role":"user","content":"hi"}]}"""
                .formatted(largest + 1)));
        // the limit is per route: the same call on a route allowed more is sold
        assertTrue(chat("big", """
                {"model":"grok-4","max_completion_tokens":65536,"messages":[{"role":"user","content":"hi"}]}""")
                .amount() > 100_000);
    }

    @Test
    void reasoningTheOutputLimitDoesNotBoundIsPricedIn() {
        Quote q = chat("chat", """
                {"model":"grok-4","max_completion_tokens":10,"messages":[{"role":"user","content":"hi"}]}""");
        // (10 + 4096) x 15/M = 61 590 of output
        assertTrue(q.quotedUpstreamCost() >= 61_590, "" + q.quotedUpstreamCost());
    }

    @Test
    void rejectsWhatTheUpstreamWouldRejectBeforeAnyPayment() {
        assertEquals("unknown_model", assertThrows(InvalidRequestException.class, () -> chat("chat", """
                {"model":"nope","messages":[{"role":"user","content":"hi"}]}""")).code());
        assertEquals("model", assertThrows(InvalidRequestException.class, () -> chat("chat", """
                {"messages":[{"role":"user","content":"hi"}]}""")).param());
        assertEquals("messages", assertThrows(InvalidRequestException.class, () -> chat("chat", """
                {"model":"small","messages":[]}""")).param());
        assertEquals("invalid_json", assertThrows(InvalidRequestException.class, () -> chat("chat", "{not json"))
                .code());
        assertEquals("max_tokens", assertThrows(InvalidRequestException.class, () -> chat("chat", """
                {"model":"small","max_tokens":40000,"messages":[{"role":"user","content":"hi"}]}""")).param());
        assertEquals("messages[0].role", assertThrows(InvalidRequestException.class, () -> chat("chat", """
                {"model":"small","messages":[{"role":"wizard","content":"hi"}]}""")).param());
    }

    @Test
    void fimQuotesTheWholeBodyAndOnlyForFimModels() throws Exception {
        PaidCall call = call("fim", """
                {"model":"codestral","prompt":"def add(a, b):\\n","suffix":"return a + b"}""");
        Quote q = rules.fim("max_tokens").quote(call);
        assertEquals(1024, upstream(call, q).path("max_tokens").asLong());
        assertEquals(5000, q.amount());
        assertEquals("unknown_model", assertThrows(InvalidRequestException.class,
                () -> rules.fim("max_tokens").quote(call("fim", "{\"model\":\"large\",\"prompt\":\"x\"}"))).code());
        assertEquals("prompt", assertThrows(InvalidRequestException.class,
                () -> rules.fim("max_tokens").quote(call("fim", "{\"model\":\"codestral\"}"))).param());
    }

    @Test
    void embeddingsArePricedByInputSizeWithTheFixedPriceAsMinimum() {
        assertEquals(8000, rules.byInputSize(ModelUse.EMBED, "input")
                .quote(call("embeddings", "{\"model\":\"embed\",\"input\":[\"a\"]}")).amount());
        // 900 000 bytes x 0.1/M = 90 -> no, 90 000 000 / 1e6 = 90 base units... a batch far above the minimum:
        String big = "{\"model\":\"embed\",\"input\":[\"" + "w".repeat(800_000) + "\"]}";
        Quote q = rules.byInputSize(ModelUse.EMBED, "input").quote(call("big", big));
        assertEquals(Math.ceilDiv(big.length() * 100_000L, 1_000_000L), q.quotedUpstreamCost());
        assertEquals(Math.max(8000, Math.ceilDiv(q.quotedUpstreamCost() * 12_000, 10_000)), q.amount());
        assertEquals("unknown_model", assertThrows(InvalidRequestException.class, () -> rules
                .byInputSize(ModelUse.EMBED, "input").quote(call("embeddings", "{\"model\":\"large\",\"input\":\"a\"}")))
                .code());
    }

    @Test
    void ocrQuotesTheListedPagesOrSendsTheQuotedOnesUpstream() throws Exception {
        PaidCall listed = call("ocr", """
                {"model":"ocr","pages":[0,1,2,2],"document":{"type":"document_url","document_url":"https://x/y.pdf"}}""");
        assertEquals(3600, rules.perPage(ModelUse.OCR).quote(listed).amount()); // 3 distinct pages x 1000 x 1.2
        assertEquals(3600, rules.perPage(ModelUse.OCR).quote(call("ocr", """
                {"model":"ocr","pages":"0-2","document":{"type":"document_url","document_url":"https://x/y.pdf"}}"""))
                .amount());
        PaidCall whole = call("ocr", """
                {"model":"ocr","document":{"type":"document_url","document_url":"https://x/y.pdf"}}""");
        Quote q = rules.perPage(ModelUse.OCR).quote(whole);
        assertEquals(9600, q.amount()); // the default 8 pages
        assertEquals("[0,1,2,3,4,5,6,7]", upstream(whole, q).path("pages").toString());
        // annotations are billed at their own page price
        assertEquals(3 * 3000 * 12 / 10, rules.perPage(ModelUse.OCR).quote(call("ocr", """
                {"model":"ocr","pages":[0,1,2],"bbox_annotation_format":{"type":"json_schema"},
                 "document":{"type":"document_url","document_url":"https://x/y.pdf"}}""")).amount());
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> rules.perPage(ModelUse.OCR).quote(call("ocr", """
                        {"model":"ocr","pages":"0-199","document":{"type":"document_url","document_url":"https://x"}}""")));
        assertEquals("pages must list ≤ 83 pages for one paid call to ocr", refused.getMessage());
    }

    @Test
    void theUpstreamCostOfAKnownUsageIsTheOracles() throws Exception {
        PricingConfig.ModelPrice small = TABLE.models().get("small");
        // 1000 prompt tokens of which 400 cached, 200 completion + 300 reasoning (xAI counts those outside)
        JsonNode usage = MAPPER.readTree("""
                {"prompt_tokens":1000,"completion_tokens":200,"total_tokens":1500,
                 "prompt_tokens_details":{"cached_tokens":400},"completion_tokens_details":{"reasoning_tokens":300}}""");
        // oracle: 600 x 0.1/M + 400 x 0.01/M + 500 x 0.3/M = 60 + 4 + 150 = 214 millionths... in base units:
        // 600 x 100 000 / 1e6 = 60; 400 x 10 000 / 1e6 = 4; 500 x 300 000 / 1e6 = 150 -> 214
        assertEquals(214, PriceRules.tokenCost(OpenAiUsage.of(usage), small));
        // xAI's own figure wins: 1 234 000 ticks = 123.4 base units -> 124
        JsonNode ticks = MAPPER.readTree("""
                {"prompt_tokens":1000,"completion_tokens":200,"total_tokens":1500,"cost_in_usd_ticks":1234000}""");
        assertEquals(124, PriceRules.tokenCost(OpenAiUsage.of(ticks), small));
    }

    @Test
    void aBodyOverTheLimitIs413() {
        assertEquals(413, assertThrows(InvalidRequestException.class,
                () -> InvalidRequestException.requireAtMost(new byte[11], 10)).status());
    }

    private final ChatPricing chatPricing = new ChatPricing(PriceTables.catalogue(TABLE));

    private Quote responses(String json, ToolCalls tools) {
        return rules.tokens(chatPricing.quoteResponses(parse(json), "big", tools,
                "max_output_tokens"));
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void aResponsesCallIsPricedAsAChatOverItsInputPlusItsToolCalls() throws Exception {
        String json = """
                {"model":"large","max_output_tokens":2000,"input":[{"role":"user","content":[{"type":"input_text","text":"hi"},{"type":"input_image","image_url":"https://x/c.png"}]}]}""";
        Quote plain = responses(json, ToolCalls.NONE);
        long bytes = MAPPER.readTree(json).toString().length();
        long imageBytes = MAPPER.readTree(json).at("/input/0/content/1").toString().length();
        // the body but its image as tokens (+ 64 of room) x 2, the image at 4000 tokens x 2, 2000 output x 6
        assertEquals((bytes - imageBytes + 64) * 2 + 4000 * 2 + 12_000, plain.quotedUpstreamCost());
        // 6 tool calls at 5000 each, each adding 1000 input tokens at 2
        Quote withTools = responses(json, new ToolCalls(6, 5000, 1000));
        assertEquals(plain.quotedUpstreamCost() + 6 * 5000 + 6 * 1000 * 2, withTools.quotedUpstreamCost());
        assertTrue(withTools.detail().contains("up to 6 tool calls"), withTools.detail());
        // without an output limit the default goes upstream as max_output_tokens
        PaidCall call = call("big", "{\"model\":\"large\",\"input\":\"hi\"}");
        Quote bounded = rules.tokens(chatPricing.quoteResponses(call.json(), "big", ToolCalls.NONE, "max_output_tokens"));
        assertEquals(1024, upstream(call, bounded).path("max_output_tokens").asLong());
    }

    @Test
    void aStoredConversationIsPricedAtTheWholeContextAndABadInputIsRefused() {
        // previous_response_id: xAI reads the stored conversation, whatever this body's size
        Quote continued = responses("""
                {"model":"grok-4","max_output_tokens":100,"input":"and then?","previous_response_id":"r1"}""",
                ToolCalls.NONE);
        assertTrue(continued.quotedUpstreamCost() >= 256_000 * 3, "" + continued.quotedUpstreamCost());
        for (String bad : new String[] {"{\"model\":\"large\"}", "{\"model\":\"large\",\"input\":[]}",
                "{\"model\":\"large\",\"input\":\" \"}", "{\"model\":\"large\",\"input\":[\"x\"]}"}) {
            assertTrue(assertThrows(InvalidRequestException.class, () -> responses(bad, ToolCalls.NONE)).param()
                    .startsWith("input"), bad);
        }
    }

    @Test
    void theActualCostOfAResponseAddsItsToolCallsUnlessXaiSentItsOwnCost() throws Exception {
        Quote q = responses("{\"model\":\"large\",\"max_output_tokens\":100,\"input\":\"hi\"}",
                new ToolCalls(6, 5000, 1000));
        // Responses usage names: 1000 input at 2, 500 output + 200 reasoning at 6, 2 tool calls at 5000
        var usage = OpenAiUsage.of(MAPPER.readTree("""
                {"input_tokens":1000,"input_tokens_details":{"cached_tokens":0},"output_tokens":500,
                 "output_tokens_details":{"reasoning_tokens":200},"total_tokens":1700,"num_server_side_tools_used":2,
                 "server_side_tool_usage_details":{"web_search_calls":1,"x_search_calls":1,"x_posts_fetched":7}}"""));
        assertEquals(1000, usage.promptTokens());
        assertEquals(500, usage.completionTokens());
        assertEquals(200, usage.reasoningTokens());
        assertEquals(2, usage.toolCalls(), "calls, not the posts fetched");
        assertEquals(2000 + 700 * 6 + 2 * 5000, q.upstreamCost().applyAsLong(usage));
        assertEquals(10_500, q.upstreamCost().applyAsLong(usage.withCostInUsdTicks(105_000_000L)));
    }
}
