package io.mppgateway.ledger.finance;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.mppgateway.ledger.ingest.messaging.LedgerEventConsumer;
import io.mppgateway.ledger.support.FinanceAuth;
import io.mppgateway.ledger.support.Ingest;
import io.mppgateway.ledger.support.LedgerAssertions;
import io.mppgateway.ledger.support.LedgerDb;
import io.mppgateway.ledger.support.TestEvents;
import io.mppgateway.ledger.support.TestEvents.Settled;
import io.mppgateway.ledger.support.TestEvents.Usage;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * usage.recorded v2 with known events on a day of their own: revenue on the first attempt that delivered anything
 * (a partial stream counts, an abandoned call does not), the upstream cost of every attempt, units by kind, xAI's
 * ticks kept, and the margin, pricing and cost-over-price reports computed by hand below, to the base unit.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageV2MarginsTest {
    @Inject
    LedgerEventConsumer consumer;

    @Inject
    DataSource dataSource;

    private LocalDate day;
    private Instant t0;
    private String grok4;
    private String image;
    private String tts;
    private String ocr;
    /** chat, delivered: tokens of every kind, 3 server-side tool calls, xAI ticks. */
    private Settled a;
    /** two images. */
    private Settled b;
    /** OCR sold below its cost, and above its quote. */
    private Settled c;
    /** TTS: the buyer left during the stream, after part of it (delivered). */
    private Settled d;
    /** chat: failed upstream (billed 1,000), then redeemed (2,000): revenue once, both costs. */
    private Settled e;
    /** chat: the serving replica died; nothing delivered. */
    private Settled f;
    /** chat: a v1 event without delivered (derived from FULFILLED) and without costs. */
    private Settled g;

    @BeforeEach
    void bookOnce() {
        FinanceAuth.asFinance();
        if (a != null) {
            return;
        }
        day = LocalDate.parse("1980-01-01").plusDays(Math.floorMod(System.nanoTime(), 3000));
        t0 = day.atStartOfDay().toInstant(ZoneOffset.UTC);
        String sfx = TestEvents.suffix();
        grok4 = "grok-4-" + sfx;
        image = "grok-2-image-" + sfx;
        tts = "grok-tts-" + sfx;
        ocr = "mistral-ocr-" + sfx;

        a = settle("grok", "/grok/chat", 100_000, 1);
        b = settle("grok", "/grok/image-generate", 70_000, 2);
        c = settle("mistral", "/mistral/ocr", 5_000, 3);
        d = settle("grok", "/grok/tts", 20_000, 4);
        e = settle("grok", "/grok/chat", 10_000, 5);
        f = settle("grok", "/grok/chat", 9_000, 6);
        g = settle("grok", "/grok/chat", 11_000, 7);
        Ingest.batch(consumer, List.of(a, b, c, d, e, f, g));

        Ingest.book(consumer,
                usage(a, "FULFILLED", true, grok4).tokens(1_000, 2_000, 3_500, 500, 200).units(0, 0, 0, 3)
                        .with("upstreamCost", 61_234L).with("quotedUpstreamCost", 80_000L)
                        .with("costInUsdTicks", 612_340_000L),
                usage(b, "FULFILLED", true, image).units(2, 0, 0, 0).with("upstreamCost", 40_000L)
                        .with("quotedUpstreamCost", 40_000L).with("costInUsdTicks", 400_000_000L),
                usage(c, "FULFILLED", true, ocr).units(0, 0, 3, 0).with("upstreamCost", 6_000L)
                        .with("quotedUpstreamCost", 4_500L),
                usage(d, "CLIENT_GONE", true, tts).units(0, 1_200, 0, 0).with("upstreamCost", 4_800L)
                        .with("quotedUpstreamCost", 6_000L),
                usage(f, "ABANDONED", false, grok4).with("upstreamStatus", 0).with("quotedUpstreamCost", 7_000L));
        // both attempts of e in one batch: booked in their order
        Ingest.batch(consumer, List.of(
                usage(e, "UPSTREAM_FAILED", false, grok4).with("upstreamStatus", 502).with("upstreamCost", 1_000L)
                        .with("quotedUpstreamCost", 8_000L),
                usage(e, "REDEEMED", null, grok4).with("upstreamCost", 2_000L).with("quotedUpstreamCost", 8_000L)
                        .with("recordedAt", at(5).plusSeconds(60))));
        Usage v1 = usage(g, "FULFILLED", null, grok4);
        v1.without("upstreamCost").without("quotedUpstreamCost").without("images").without("characters")
                .without("pages").without("toolCalls");
        Ingest.book(consumer, v1);
    }

    private Instant at(int hour) {
        return t0.plus(hour, ChronoUnit.HOURS);
    }

    private Settled settle(String provider, String route, long amount, int hour) {
        return TestEvents.settled().with("provider", provider).with("route", route)
                .with("realm", provider + ".gateway.local").with("amount", amount).with("settledAt", at(hour));
    }

    private Usage usage(Settled s, String outcome, Boolean delivered, String model) {
        Usage u = TestEvents.usage(s, outcome).with("model", model)
                .with("recordedAt", ((Instant) s.field("settledAt")).plusSeconds(5));
        return delivered == null ? u : u.with("delivered", delivered);
    }

    @Test
    void revenueOnTheFirstDeliveredAttemptAndEveryAttemptsCost() {
        assertEquals(Map.of(a.challengeId(), "fulfilled", b.challengeId(), "fulfilled", c.challengeId(), "fulfilled",
                d.challengeId(), "fulfilled", e.challengeId(), "fulfilled", f.challengeId(), "unfulfilled",
                g.challengeId(), "fulfilled"), statuses(a, b, c, d, e, f, g));

        JsonPath redeemed = charge(e);
        assertEquals(List.of("settlement", "upstream_cost", "delivery", "upstream_cost"),
                redeemed.getList("journal.kind"));
        assertEquals(List.of(1_000, 0), redeemed.getList("journal[1].postings.debit"));
        assertEquals("expenses:upstream:grok", redeemed.getString("journal[1].postings[0].account"));
        assertEquals(List.of(10_000, 0), redeemed.getList("journal[2].postings.debit"));
        assertEquals("revenue:grok:" + grok4, redeemed.getString("journal[2].postings[1].account"));
        assertEquals(List.of(2_000, 0), redeemed.getList("journal[3].postings.debit"));
        assertEquals(3_000L, redeemed.getLong("upstreamCost"));
        assertEquals(8_000L, redeemed.getLong("quotedUpstreamCost"));
        assertEquals(List.of(false, true), redeemed.getList("usage.delivered"));

        JsonPath abandoned = charge(f);
        assertEquals(List.of("settlement"), abandoned.getList("journal.kind"), "no revenue, no cost");
        assertEquals("ABANDONED", abandoned.getString("usage[0].outcome"));

        JsonPath partial = charge(d);
        assertEquals(List.of("settlement", "delivery", "upstream_cost"), partial.getList("journal.kind"));
        assertEquals(1_200L, partial.getLong("usage[0].characters"));

        // the journal of these charges, account by account
        Map<String, Long> journal = LedgerDb.balances(dataSource, ids(a, b, c, d, e, f, g));
        assertEquals(109_034L, journal.get("expenses:upstream:grok"));
        assertEquals(6_000L, journal.get("expenses:upstream:mistral"));
        assertEquals(-121_000L, journal.get("revenue:grok:" + grok4));
        assertEquals(-70_000L, journal.get("revenue:grok:" + image));
        assertEquals(-20_000L, journal.get("revenue:grok:" + tts));
        assertEquals(-5_000L, journal.get("revenue:mistral:" + ocr));
        assertEquals(-9_000L, journal.get("liabilities:unearned:grok"), "f is still owed");
        LedgerAssertions.journalBalancesAndRollupsAgree(dataSource);
    }

    @Test
    void theChargeDetailCarriesEveryUnitAndXaisTicks() {
        JsonPath chat = charge(a);
        assertEquals(1, chat.getList("usage").size());
        assertEquals(true, chat.getBoolean("usage[0].delivered"));
        assertEquals(500L, chat.getLong("usage[0].reasoningTokens"));
        assertEquals(200L, chat.getLong("usage[0].cachedTokens"));
        assertEquals(3L, chat.getLong("usage[0].toolCalls"));
        assertEquals(61_234L, chat.getLong("usage[0].upstreamCost"));
        assertEquals(80_000L, chat.getLong("usage[0].quotedUpstreamCost"));
        assertEquals(612_340_000L, chat.getLong("usage[0].costInUsdTicks"));
        assertEquals(2L, charge(b).getLong("usage[0].images"));
        JsonPath pages = charge(c);
        assertEquals(3L, pages.getLong("usage[0].pages"));
        assertEquals(3L, pages.getLong("usage[0].units"), "the former name of pages");
        assertNull(pages.get("usage[0].costInUsdTicks"));
        assertEquals(6_000L, pages.getLong("upstreamCost"));
        assertEquals(4_500L, pages.getLong("quotedUpstreamCost"));
        assertEquals(List.of(), pages.getList("refunds"));
    }

    @Test
    void theReportByModelShowsCostMarginAndUnitsByKind() {
        JsonPath r = given().queryParam("from", day.toString()).queryParam("to", day.plusDays(1).toString())
                .queryParam("groupBy", "provider,model").get("/ledger/reports").then().statusCode(200)
                .extract().jsonPath();
        Map<String, Map<String, Object>> rows = r.<Map<String, Object>>getList("rows").stream()
                .collect(Collectors.toMap(row -> (String) row.get("model"), row -> row));
        assertEquals(java.util.Set.of(grok4, image, tts, ocr), rows.keySet());

        Map<String, Object> chat = rows.get(grok4);
        assertFigures(chat, Map.ofEntries(Map.entry("calls", 5L), Map.entry("fulfilledCalls", 3L),
                Map.entry("revenue", 121_000L), Map.entry("upstreamCost", 64_234L), Map.entry("margin", 56_766L),
                Map.entry("marginBps", 4_691L), Map.entry("quotedUpstreamCost", 103_000L),
                Map.entry("quoteSlack", 38_766L), Map.entry("promptTokens", 1_000L),
                Map.entry("completionTokens", 2_000L), Map.entry("totalTokens", 3_500L),
                Map.entry("reasoningTokens", 500L), Map.entry("cachedTokens", 200L), Map.entry("toolCalls", 3L),
                Map.entry("images", 0L), Map.entry("characters", 0L), Map.entry("pages", 0L)));
        assertFigures(rows.get(image), Map.of("calls", 1L, "revenue", 70_000L, "upstreamCost", 40_000L,
                "margin", 30_000L, "marginBps", 4_285L, "images", 2L, "quoteSlack", 0L));
        assertFigures(rows.get(tts), Map.of("calls", 1L, "fulfilledCalls", 1L, "revenue", 20_000L,
                "upstreamCost", 4_800L, "margin", 15_200L, "marginBps", 7_600L, "characters", 1_200L));
        assertFigures(rows.get(ocr), Map.of("revenue", 5_000L, "upstreamCost", 6_000L, "margin", -1_000L,
                "marginBps", -2_000L, "pages", 3L, "quotedUpstreamCost", 4_500L, "quoteSlack", -1_500L));

        assertEquals(216_000L, r.getLong("total.revenue"));
        assertEquals(115_034L, r.getLong("total.upstreamCost"));
        assertEquals(100_966L, r.getLong("total.margin"));
        assertEquals(4_674L, r.getLong("total.marginBps")); // 100966 / 216000 = 46.74 %
        assertEquals(8L, r.getLong("total.calls"));
        assertEquals(6L, r.getLong("total.fulfilledCalls"));
    }

    @Test
    void thePricingReportComparesChargedQuotedAndActualPerModel() {
        JsonPath p = given().queryParam("from", day.toString()).queryParam("to", day.plusDays(1).toString())
                .get("/ledger/reports/pricing").then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Object>> rows = p.<Map<String, Object>>getList("rows").stream()
                .collect(Collectors.toMap(row -> (String) row.get("model"), row -> row));
        assertFigures(rows.get(grok4), Map.ofEntries(Map.entry("calls", 5L), Map.entry("deliveredCalls", 3L),
                Map.entry("charged", 121_000L), Map.entry("upstreamCost", 64_234L),
                Map.entry("quotedUpstreamCost", 103_000L), Map.entry("overcharge", 56_766L),
                Map.entry("overchargeBps", 4_691L), Map.entry("quoteSlack", 38_766L),
                Map.entry("quoteSlackBps", 3_763L), Map.entry("costOverPriceCalls", 0L)));
        assertEquals("grok", rows.get(grok4).get("provider"));
        assertFigures(rows.get(ocr), Map.of("charged", 5_000L, "upstreamCost", 6_000L, "overcharge", -1_000L,
                "overchargeBps", -2_000L, "quoteSlack", -1_500L, "quoteSlackBps", -3_333L, "costOverPriceCalls", 1L));
        assertFigures(rows.get(tts), Map.of("quoteSlack", 1_200L, "quoteSlackBps", 2_000L));
        assertEquals(1L, p.getLong("total.costOverPriceCalls"));
        assertEquals(216_000L, p.getLong("total.charged"));

        given().queryParam("from", day.toString()).queryParam("to", day.toString()).get("/ledger/reports/pricing")
                .then().statusCode(400);
    }

    @Test
    void callsSoldBelowCostAreListedAndNoOther() {
        JsonPath list = given().queryParam("from", t0.toString()).queryParam("to", t0.plus(1, ChronoUnit.DAYS).toString())
                .get("/ledger/reports/cost-over-price").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(c.challengeId()), list.getList("items.challengeId"));
        assertEquals(5_000L, list.getLong("items[0].amount"));
        assertEquals(6_000L, list.getLong("items[0].upstreamCost"));
        assertEquals(1_000L, list.getLong("items[0].loss"));
        assertEquals(4_500L, list.getLong("items[0].quotedUpstreamCost"));
        assertTrue(list.getBoolean("items[0].quoteExceeded"));
        assertEquals(ocr, list.getString("items[0].model"));
        assertNull(list.getString("nextCursor"));

        // the same filter on the charges listing
        JsonPath charges = given().queryParam("from", t0.toString())
                .queryParam("to", t0.plus(1, ChronoUnit.DAYS).toString()).queryParam("costOverPrice", "true")
                .get("/ledger/charges").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(c.challengeId()), charges.getList("items.challengeId"));
        assertEquals(6_000L, charges.getLong("items[0].upstreamCost"));
        given().queryParam("costOverPrice", "maybe").get("/ledger/charges").then().statusCode(400);
    }

    @Test
    void theChargesCsvCarriesTheNewColumns() {
        String csv = given().queryParam("from", t0.toString()).queryParam("to", t0.plus(1, ChronoUnit.DAYS).toString())
                .get("/ledger/export/charges.csv").then().statusCode(200).extract().asString();
        String[] lines = csv.split("\r\n");
        List<String> header = List.of(lines[0].split(","));
        String chat = java.util.Arrays.stream(lines).filter(l -> l.contains(a.challengeId())).findFirst().orElseThrow();
        List<String> cells = List.of(chat.split(",", -1));
        Map<String, String> row = new java.util.HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            row.put(header.get(i), cells.get(i));
        }
        assertEquals("61234", row.get("upstream_cost"));
        assertEquals("80000", row.get("quoted_upstream_cost"));
        assertEquals("500", row.get("reasoning_tokens"));
        assertEquals("200", row.get("cached_tokens"));
        assertEquals("3", row.get("tool_calls"));
        assertEquals("612340000", row.get("cost_in_usd_ticks"));
        String redeemed = java.util.Arrays.stream(lines).filter(l -> l.contains(e.challengeId())).findFirst()
                .orElseThrow();
        assertEquals("3000", List.of(redeemed.split(",", -1)).get(header.indexOf("upstream_cost")), "both attempts");
        assertEquals("", List.of(redeemed.split(",", -1)).get(header.indexOf("cost_in_usd_ticks")), "none sent");
        assertFalse(csv.contains(".0,"), "integers only");
    }

    private static void assertFigures(Map<String, Object> row, Map<String, Long> expected) {
        expected.forEach((k, v) -> assertEquals(v, ((Number) row.get(k)).longValue(), k + " of " + row));
    }

    private static JsonPath charge(Settled s) {
        return given().get("/ledger/charges/" + s.challengeId()).then().statusCode(200).extract().jsonPath();
    }

    private Map<String, String> statuses(Settled... charges) {
        Map<String, String> out = new java.util.HashMap<>();
        for (Settled s : charges) {
            out.put(s.challengeId(), charge(s).getString("status"));
        }
        return out;
    }

    private static List<String> ids(Settled... charges) {
        return java.util.Arrays.stream(charges).map(Settled::challengeId).toList();
    }
}
