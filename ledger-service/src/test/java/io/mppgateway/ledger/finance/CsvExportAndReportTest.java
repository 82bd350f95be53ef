package io.mppgateway.ledger.finance;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.mppgateway.ledger.ingest.messaging.LedgerEventConsumer;
import io.mppgateway.ledger.support.FinanceAuth;
import io.mppgateway.ledger.support.Ingest;
import io.mppgateway.ledger.support.LedgerDb;
import io.mppgateway.ledger.support.TestEvents;
import io.mppgateway.ledger.support.TestEvents.Settled;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * A known data set on a day of its own (one fulfilled charge with an upstream cost, one failed and refunded
 * charge): the CSV exports and the reports must show exactly these values.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CsvExportAndReportTest {
    @Inject
    LedgerEventConsumer consumer;

    @Inject
    DataSource dataSource;

    private String provider;
    private String model;
    private LocalDate day;
    private Instant t0;
    private Settled fulfilled;
    private Settled refunded;

    @BeforeEach
    void knownDataSetOnce() {
        FinanceAuth.asFinance();
        if (fulfilled != null) {
            return;
        }
        provider = "mistral";
        model = "m-large-" + TestEvents.suffix();
        day = LocalDate.parse("2010-01-01").plusDays(Math.floorMod(System.nanoTime(), 3000));
        t0 = day.atStartOfDay().toInstant(ZoneOffset.UTC);
        fulfilled = charge(t0.plus(1, ChronoUnit.HOURS), 12_345L);
        refunded = charge(t0.plus(2, ChronoUnit.HOURS), 8_000L);
        book(fulfilled);
        book(TestEvents.usage(fulfilled, "FULFILLED").with("model", model).tokens(100, 50, 150, 0, 0)
                .with("upstreamCost", 700L).with("quotedUpstreamCost", 900L)
                .with("recordedAt", t0.plus(1, ChronoUnit.HOURS).plusSeconds(2)));
        book(refunded);
        book(TestEvents.usage(refunded, "UPSTREAM_FAILED").with("model", "m-small").tokens(40, 0, 40, 0, 0)
                .with("upstreamStatus", 502).with("recordedAt", t0.plus(2, ChronoUnit.HOURS).plusSeconds(1)));
        book(TestEvents.refunded(refunded, 8_000L).with("refundedAt", t0.plus(3, ChronoUnit.HOURS)));
    }

    private Settled charge(Instant at, long amount) {
        return TestEvents.settled().with("provider", provider).with("route", "/" + provider + "/chat")
                .with("amount", amount).with("settledAt", at);
    }

    private void book(TestEvents.Event<?> e) {
        Ingest.book(consumer, e);
    }

    @Test
    void aReportByPayerComesAPageOfPayersAtATimeWhileTheTotalCoversThemAll() {
        List<String> payers = java.util.stream.Stream.of(fulfilled.payer(), refunded.payer()).sorted().toList();
        io.restassured.path.json.JsonPath first = payerPage(1, null).statusCode(200).extract().jsonPath();
        assertEquals(List.of(payers.get(0)), first.getList("rows.payer"));
        assertEquals(payers.get(0), first.getString("nextAfter"));
        assertEquals(12_345L, first.getLong("total.revenue"), "the total covers every payer, not the page");
        assertEquals(8_000L, first.getLong("total.refunds"));

        io.restassured.path.json.JsonPath last = payerPage(1, first.getString("nextAfter")).statusCode(200).extract()
                .jsonPath();
        assertEquals(List.of(payers.get(1)), last.getList("rows.payer"));
        org.junit.jupiter.api.Assertions.assertNull(last.getString("nextAfter"), "the last page says so");
        assertEquals(12_345L, last.getLong("total.revenue"));

        io.restassured.path.json.JsonPath both = payerPage(null, null).statusCode(200).extract().jsonPath();
        assertEquals(payers, both.getList("rows.payer"), "the default page holds up to 1000 payers");

        payerPage(0, null).statusCode(400);
        payerPage(10_001, null).statusCode(400);
        given().queryParam("from", day.toString()).queryParam("to", day.plusDays(1).toString())
                .queryParam("groupBy", "day").queryParam("limit", 5).get("/ledger/reports").then().statusCode(400);
    }

    private io.restassured.response.ValidatableResponse payerPage(Integer limit, String after) {
        var request = given().queryParam("from", day.toString()).queryParam("to", day.plusDays(1).toString())
                .queryParam("provider", provider).queryParam("groupBy", "payer");
        if (limit != null) {
            request = request.queryParam("limit", limit);
        }
        if (after != null) {
            request = request.queryParam("after", after);
        }
        return request.get("/ledger/reports").then();
    }

    @Test
    void chargesCsvHasExactlyTheKnownRows() {
        String csv = given().queryParam("from", t0.toString()).queryParam("to", t0.plus(1, ChronoUnit.DAYS).toString())
                .get("/ledger/export/charges.csv").then().statusCode(200)
                .contentType(startsWith("text/csv"))
                .header("Content-Disposition", containsString("charges.csv"))
                .extract().asString();
        String expected = String.join("\r\n",
                "settled_at,charge_id,challenge_id,provider,route,model,payer,recipient,amount,currency,chain_id,"
                        + "tx_hash,mode,status,prompt_tokens,completion_tokens,total_tokens,upstream_cost,"
                        + "reasoning_tokens,cached_tokens,images,characters,pages,tool_calls,quoted_upstream_cost,"
                        + "cost_in_usd_ticks",
                line(fulfilled, t0.plus(1, ChronoUnit.HOURS), model, 12_345, "fulfilled", 100, 50, 150, 700)
                        + ",0,0,0,0,0,0,900,",
                line(refunded, t0.plus(2, ChronoUnit.HOURS), "m-small", 8_000, "refunded", 40, 0, 40, 0)
                        + ",0,0,0,0,0,0,0,") + "\r\n";
        assertEquals(expected, onlyProvider(csv));
    }

    @Test
    void postingsCsvHasEveryPostingOfTheRangeInTimeOrder() {
        String csv = given().queryParam("from", t0.toString()).queryParam("to", t0.plus(1, ChronoUnit.DAYS).toString())
                .get("/ledger/export/postings.csv").then().statusCode(200).contentType(startsWith("text/csv"))
                .extract().asString();
        String wallet1 = "assets:wallet:" + fulfilled.recipient();
        String wallet2 = "assets:wallet:" + refunded.recipient();
        String unearned = "liabilities:unearned:" + provider;
        List<String> expected = new ArrayList<>();
        expected.add("occurred_at,transaction_id,kind,challenge_id,charge_id,posting_id,account,debit,credit");
        expected.addAll(tx(fulfilled, "settlement", t0.plus(1, ChronoUnit.HOURS), wallet1, unearned, 12_345));
        Instant used = t0.plus(1, ChronoUnit.HOURS).plusSeconds(2);
        expected.addAll(tx(fulfilled, "delivery", used, unearned, "revenue:" + provider + ":" + model, 12_345));
        expected.addAll(tx(fulfilled, "upstream_cost", used, "expenses:upstream:" + provider,
                "liabilities:upstream-payable:" + provider, 700));
        expected.addAll(tx(refunded, "settlement", t0.plus(2, ChronoUnit.HOURS), wallet2, unearned, 8_000));
        expected.addAll(tx(refunded, "refund", t0.plus(3, ChronoUnit.HOURS), unearned, wallet2, 8_000));
        assertEquals(String.join("\r\n", expected) + "\r\n", onlyProvider(csv));
    }

    @Test
    void reportByDayAndModelShowsRevenueCostMarginCallsAndTokens() {
        JsonPath r = given().queryParam("from", day.toString()).queryParam("to", day.plusDays(1).toString())
                .queryParam("provider", provider).queryParam("groupBy", "model,day").get("/ledger/reports").then()
                .statusCode(200).extract().jsonPath();
        assertEquals(List.of("day", "model"), r.getList("groupBy"));
        assertEquals(2, r.getList("rows").size());
        assertEquals(day.toString(), r.getString("rows[0].day"));
        assertEquals(model, r.getString("rows[0].model"));
        assertEquals(12_345L, r.getLong("rows[0].revenue"));
        assertEquals(700L, r.getLong("rows[0].upstreamCost"));
        assertEquals(11_645L, r.getLong("rows[0].margin"));
        assertEquals(9_432L, r.getLong("rows[0].marginBps")); // 11645 / 12345 = 94.32 %
        assertEquals(1L, r.getLong("rows[0].calls"));
        assertEquals(1L, r.getLong("rows[0].fulfilledCalls"));
        assertEquals(100L, r.getLong("rows[0].promptTokens"));
        assertEquals(50L, r.getLong("rows[0].completionTokens"));
        assertEquals(150L, r.getLong("rows[0].totalTokens"));
        assertEquals(900L, r.getLong("rows[0].quotedUpstreamCost"));
        assertEquals(200L, r.getLong("rows[0].quoteSlack"));
        assertEquals("m-small", r.getString("rows[1].model"));
        assertEquals(0L, r.getLong("rows[1].revenue"));
        assertEquals(8_000L, r.getLong("rows[1].refunds"));
        assertEquals(1L, r.getLong("rows[1].calls"));
        assertEquals(0L, r.getLong("rows[1].fulfilledCalls"));
        assertEquals(40L, r.getLong("rows[1].totalTokens"));
        assertEquals(12_345L, r.getLong("total.revenue"));
        assertEquals(11_645L, r.getLong("total.margin"));
        assertEquals(190L, r.getLong("total.totalTokens"));

        JsonPath byPayer = given().queryParam("from", day.toString()).queryParam("to", day.plusDays(1).toString())
                .queryParam("provider", provider).queryParam("groupBy", "payer").get("/ledger/reports").then()
                .statusCode(200).extract().jsonPath();
        assertEquals(2, byPayer.getList("rows").size());
        assertEquals(12_345L, byPayer.getLong("total.revenue"));
        for (int i = 0; i < 2; i++) {
            String payer = byPayer.getString("rows[" + i + "].payer");
            long revenue = byPayer.getLong("rows[" + i + "].revenue");
            assertEquals(payer.equals(fulfilled.payer()) ? 12_345L : 0L, revenue);
        }

        given().queryParam("from", day.toString()).queryParam("to", day.toString()).get("/ledger/reports").then()
                .statusCode(400);
        given().queryParam("from", day.toString()).queryParam("to", day.plusDays(1).toString())
                .queryParam("groupBy", "payer,model").get("/ledger/reports").then().statusCode(400);
        given().queryParam("from", day.toString()).queryParam("to", day.plusDays(1).toString())
                .queryParam("groupBy", "week").get("/ledger/reports").then().statusCode(400);
    }

    @Test
    void exportNeedsAValidRange() {
        given().get("/ledger/export/charges.csv").then().statusCode(400)
                .contentType(startsWith("application/problem+json"));
        given().queryParam("from", "x").queryParam("to", "y").get("/ledger/export/postings.csv").then().statusCode(400);
    }

    /** The window is this test's own day, but keep only this data set's lines in case of a clash. */
    private String onlyProvider(String csv) {
        String[] lines = csv.split("\r\n");
        StringBuilder out = new StringBuilder(lines[0]).append("\r\n");
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].contains(fulfilled.challengeId())
                    || lines[i].contains(refunded.challengeId())) {
                out.append(lines[i]).append("\r\n");
            }
        }
        return out.toString();
    }

    private static String line(Settled s, Instant at, String model, long amount, String status, long prompt,
            long completion, long total, long cost) {
        return String.join(",", at.toString(), s.chargeId(), s.challengeId(), s.provider(), "/" + s.provider() + "/chat",
                model, s.payer(), s.recipient(), Long.toString(amount), TestEvents.PATH_USD, "1337", s.txHashValue(),
                "push", status, Long.toString(prompt), Long.toString(completion), Long.toString(total),
                Long.toString(cost));
    }

    /** The CSV lines of one journal transaction: its id and posting ids come from the database. */
    private List<String> tx(Settled s, String kind, Instant at, String debitAccount, String creditAccount, long amount) {
        long txId = LedgerDb.count(dataSource,
                "SELECT id FROM journal_transactions WHERE challenge_id = ? AND kind = ?", s.challengeId(), kind);
        long debitId = LedgerDb.count(dataSource,
                "SELECT id FROM postings WHERE journal_transaction_id = ? AND debit > 0", txId);
        long creditId = LedgerDb.count(dataSource,
                "SELECT id FROM postings WHERE journal_transaction_id = ? AND credit > 0", txId);
        String prefix = at + "," + txId + "," + kind + "," + s.challengeId() + "," + s.chargeId() + ",";
        List<String> lines = new ArrayList<>();
        lines.add(prefix + debitId + "," + debitAccount + "," + amount + ",0");
        lines.add(prefix + creditId + "," + creditAccount + ",0," + amount);
        lines.sort((a, b) -> Long.compare(Long.parseLong(a.split(",")[5]), Long.parseLong(b.split(",")[5])));
        return lines;
    }
}
