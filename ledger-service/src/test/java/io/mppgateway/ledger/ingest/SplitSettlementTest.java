package io.mppgateway.ledger.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
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

import io.mppgateway.contracts.Topics;
import io.mppgateway.ledger.support.FinanceAuth;
import io.mppgateway.ledger.support.Kafka;
import io.mppgateway.ledger.support.LedgerAssertions;
import io.mppgateway.ledger.support.LedgerDb;
import io.mppgateway.ledger.support.TestEvents;
import io.mppgateway.ledger.support.TestEvents.Settled;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Charges whose buyer paid part of the amount straight to partners (MPP splits), through the real broker into the
 * real ledger: the wallet gets what the splits leave, each split is an expense, the liability and the revenue are
 * the whole amount, and the reports show the split cost and the margin after it.
 */
@QuarkusTest
class SplitSettlementTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    DataSource dataSource;

    @BeforeEach
    void financeToken() {
        FinanceAuth.asFinance();
    }

    @Test
    void aChargeWithTwoSplitsBooksTheWalletTheSplitExpensesAndTheWholeLiability() {
        // a day of its own, so that the report of the day holds this charge only
        LocalDate day = LocalDate.parse("1975-01-01").plusDays(Math.floorMod(System.nanoTime(), 3000));
        Instant t0 = day.atStartOfDay().toInstant(ZoneOffset.UTC);
        String model = "m-ocr-" + TestEvents.suffix();
        String provider = "grok";
        // a checksum-style (mixed case) address and a lower-case one
        String partnerA = "0x" + TestEvents.address().substring(2).toUpperCase();
        String partnerB = TestEvents.address();
        String memo = TestEvents.memo();
        Settled settled = TestEvents.settled().with("provider", provider).with("route", "/grok/ocr")
                .with("realm", "grok.gateway.local").with("amount", 100_000L).with("settledAt", t0.plus(1, ChronoUnit.HOURS))
                .withSplit(partnerA, 15_000L, memo).withSplit(partnerB, 5_000L, null);
        Instant used = t0.plus(1, ChronoUnit.HOURS).plusSeconds(2);
        Kafka.send(settled);
        Kafka.send(TestEvents.usage(settled, "FULFILLED").with("model", model).tokens(10, 20, 30, 0, 0)
                .with("upstreamCost", 20_000L).with("recordedAt", used));
        JsonPath charge = awaitStatus(settled.challengeId(), "fulfilled");

        // detail view: the splits as the event had them, and what the wallet received
        assertEquals(100_000L, charge.getLong("amount"));
        assertEquals(80_000L, charge.getLong("walletAmount"));
        assertEquals(2, charge.getList("splits").size());
        assertEquals(partnerA, charge.getString("splits[0].recipient"));
        assertEquals(15_000L, charge.getLong("splits[0].amount"));
        assertEquals(memo, charge.getString("splits[0].memo"));
        assertEquals(partnerB, charge.getString("splits[1].recipient"));
        assertEquals(5_000L, charge.getLong("splits[1].amount"));
        assertNull(charge.getString("splits[1].memo"));

        // the settlement: wallet + two expenses = the whole liability
        String wallet = "assets:wallet:" + settled.recipient();
        String expenseA = "expenses:splits:" + partnerA.toLowerCase();
        String expenseB = "expenses:splits:" + partnerB;
        String unearned = "liabilities:unearned:" + provider;
        assertEquals(3, charge.getList("journal").size());
        assertEquals("settlement", charge.getString("journal[0].kind"));
        assertEquals(List.of(List.of(wallet, 80_000L, 0L), List.of(expenseA, 15_000L, 0L),
                List.of(expenseB, 5_000L, 0L), List.of(unearned, 0L, 100_000L)), postings(charge, 0));
        // delivery earns the whole amount, not what the wallet kept
        assertEquals("delivery", charge.getString("journal[1].kind"));
        assertEquals(List.of(List.of(unearned, 100_000L, 0L), List.of("revenue:" + provider + ":" + model, 0L, 100_000L)),
                postings(charge, 1));
        assertEquals("upstream_cost", charge.getString("journal[2].kind"));

        Map<String, Long> balances = balances();
        assertEquals(80_000L, balances.get(wallet));
        assertEquals(15_000L, balances.get(expenseA));
        assertEquals(5_000L, balances.get(expenseB));
        assertEquals(-100_000L, balances.get("revenue:" + provider + ":" + model));
        assertEquals(Map.of(wallet, 80_000L, expenseA, 15_000L, expenseB, 5_000L,
                "revenue:" + provider + ":" + model, -100_000L, "expenses:upstream:" + provider, 20_000L,
                "liabilities:upstream-payable:" + provider, -20_000L),
                LedgerDb.balances(dataSource, List.of(settled.challengeId())), "journal of the charge");

        // the report: revenue 100000 - upstream 20000 - splits 20000 = 60000 (60.00 %)
        JsonPath report = report(day, "provider");
        assertEquals(1, report.getList("rows").size());
        assertEquals(100_000L, report.getLong("rows[0].revenue"));
        assertEquals(20_000L, report.getLong("rows[0].upstreamCost"));
        assertEquals(20_000L, report.getLong("rows[0].splitCost"));
        assertEquals(60_000L, report.getLong("rows[0].margin"));
        assertEquals(6_000L, report.getLong("rows[0].marginBps"));
        assertEquals(1L, report.getLong("rows[0].calls"));
        assertEquals(20_000L, report.getLong("total.splitCost"));
        assertEquals(60_000L, report.getLong("total.margin"));
        // by payer: the same, on the payer's row
        JsonPath byPayer = report(day, "payer");
        assertEquals(1, byPayer.getList("rows").size());
        assertEquals(settled.payer(), byPayer.getString("rows[0].payer"));
        assertEquals(20_000L, byPayer.getLong("rows[0].splitCost"));
        assertEquals(60_000L, byPayer.getLong("rows[0].margin"));
        // by model: the split cost is booked at settlement under no model and moves to the model the usage names,
        // so the model's margin carries it
        JsonPath byModel = report(day, "model");
        assertEquals(1, byModel.getList("rows").size(), byModel.prettify());
        assertEquals(model, byModel.getString("rows[0].model"));
        assertEquals(20_000L, byModel.getLong("rows[0].splitCost"));
        assertEquals(60_000L, byModel.getLong("rows[0].margin"));
        assertEquals(60_000L, byModel.getLong("total.margin"));

        // the list view shows what the wallet received
        JsonPath page = given().queryParam("from", t0.toString()).queryParam("to", t0.plus(1, ChronoUnit.DAYS).toString())
                .queryParam("provider", provider).get("/ledger/charges").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(settled.challengeId()), page.getList("items.challengeId"));
        assertEquals(100_000L, page.getLong("items[0].amount"));
        assertEquals(80_000L, page.getLong("items[0].walletAmount"));

        // the split postings are postings of the export like any other
        String csv = given().queryParam("from", t0.toString()).queryParam("to", t0.plus(1, ChronoUnit.DAYS).toString())
                .get("/ledger/export/postings.csv").then().statusCode(200).extract().asString();
        List<String> settlement = java.util.Arrays.stream(csv.split("\r\n"))
                .filter(l -> l.contains(settled.challengeId()) && l.contains(",settlement,")).toList();
        assertEquals(4, settlement.size(), csv);
        assertTrue(settlement.get(1).endsWith("," + expenseA + ",15000,0"), settlement.get(1));
        assertTrue(settlement.get(2).endsWith("," + expenseB + ",5000,0"), settlement.get(2));

        LedgerAssertions.journalBalancesAndRollupsAgree(dataSource);
    }

    @Test
    void aChargeWithoutSplitsShowsItsWholeAmountAsWalletAmount() {
        Settled settled = TestEvents.settled().with("amount", 7_000L);
        Kafka.send(settled);
        JsonPath charge = awaitStatus(settled.challengeId(), "settled");
        assertEquals(7_000L, charge.getLong("walletAmount"));
        assertEquals(List.of(), charge.getList("splits"));
        JsonPath page = given().queryParam("payer", settled.payer()).get("/ledger/charges").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(7_000L, page.getLong("items[0].walletAmount"));
    }

    @Test
    void aRefundReturnsTheWholeAmountFromTheWalletAndTheGatewayBearsTheSplit() {
        LocalDate day = LocalDate.parse("1966-01-01").plusDays(Math.floorMod(System.nanoTime(), 3000));
        Instant t0 = day.atStartOfDay().toInstant(ZoneOffset.UTC);
        String partner = TestEvents.address();
        Settled settled = TestEvents.settled().with("amount", 50_000L).with("settledAt", t0.plusSeconds(60))
                .withSplit(partner, 10_000L, null);
        Kafka.send(settled);
        Kafka.send(TestEvents.usage(settled, "UPSTREAM_FAILED").with("upstreamStatus", 502)
                .with("recordedAt", t0.plusSeconds(62)));
        awaitStatus(settled.challengeId(), "unfulfilled");
        Kafka.send(TestEvents.refunded(settled, 50_000L).with("refundedAt", t0.plusSeconds(120)));
        JsonPath charge = awaitStatus(settled.challengeId(), "refunded");

        String wallet = "assets:wallet:" + settled.recipient();
        assertEquals("refund", charge.getString("journal[1].kind"));
        assertEquals(List.of(List.of("liabilities:unearned:mistral", 50_000L, 0L), List.of(wallet, 0L, 50_000L)),
                postings(charge, 1));
        assertEquals(Map.of(wallet, -10_000L, "expenses:splits:" + partner, 10_000L),
                LedgerDb.balances(dataSource, List.of(settled.challengeId())), "journal of the charge");
        JsonPath report = report(day, "provider");
        assertEquals(0L, report.getLong("total.revenue"));
        assertEquals(50_000L, report.getLong("total.refunds"));
        assertEquals(10_000L, report.getLong("total.splitCost"));
        assertEquals(-10_000L, report.getLong("total.margin"));
    }

    @Test
    void aSplitCostLandsOnTheModelAlsoWhenTheUsageOvertookTheSettlement() {
        LocalDate day = LocalDate.parse("1975-01-01").plusDays(Math.floorMod(System.nanoTime() + 1_500, 3000));
        Instant t0 = day.atStartOfDay().toInstant(ZoneOffset.UTC);
        String model = "m-split-" + TestEvents.suffix();
        Settled settled = TestEvents.settled().with("provider", "mistral").with("amount", 40_000L)
                .with("settledAt", t0.plus(2, ChronoUnit.HOURS)).withSplit(TestEvents.address(), 4_000L, null);
        Kafka.send(TestEvents.usage(settled, "FULFILLED").with("model", model).tokens(1, 2, 3, 0, 0)
                .with("recordedAt", t0.plus(2, ChronoUnit.HOURS).plusSeconds(1)));
        // the usage is stored, waiting for its settlement
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> LedgerDb.count(dataSource,
                "SELECT count(*) FROM usage_records WHERE challenge_id = ?", settled.challengeId()) == 1);
        Kafka.send(settled);
        awaitStatus(settled.challengeId(), "fulfilled");

        JsonPath byModel = report(day, "model");
        assertEquals(1, byModel.getList("rows").size(), byModel.prettify());
        assertEquals(model, byModel.getString("rows[0].model"));
        assertEquals(4_000L, byModel.getLong("rows[0].splitCost"));
        assertEquals(36_000L, byModel.getLong("rows[0].margin"));
    }

    @Test
    void aRedeliveredOrRepublishedSettlementDoesNotDuplicateSplitsOrPostings() {
        String partner = TestEvents.address();
        Settled settled = TestEvents.settled().with("amount", 30_000L).withSplit(partner, 4_000L, TestEvents.memo())
                .withSplit(partner, 2_000L, null);
        Kafka.send(settled);
        Kafka.send(settled); // Kafka redelivery: same event id
        Settled republished = settled.withNewEventId(); // same fact, new event id
        String republishedId = republished.eventId();
        Kafka.send(republished);
        await().atMost(WAIT).until(() -> LedgerDb.count(dataSource,
                "SELECT count(*) FROM processed_events WHERE event_id = ?", republishedId) == 1);

        assertEquals(2, LedgerDb.count(dataSource, "SELECT count(*) FROM charge_splits WHERE challenge_id = ?",
                settled.challengeId()));
        assertEquals(1, LedgerDb.count(dataSource,
                "SELECT count(*) FROM journal_transactions WHERE challenge_id = ? AND kind = 'settlement'",
                settled.challengeId()));
        assertEquals(4, LedgerDb.count(dataSource, """
                SELECT count(*) FROM postings p JOIN journal_transactions t ON t.id = p.journal_transaction_id
                WHERE t.challenge_id = ?""", settled.challengeId()));
        // two splits to one partner: two postings on one expense account
        assertEquals(Map.of("assets:wallet:" + settled.recipient(), 24_000L, "expenses:splits:" + partner, 6_000L,
                "liabilities:unearned:mistral", -30_000L), LedgerDb.balances(dataSource, List.of(settled.challengeId())));
        assertEquals(6_000L, balances().get("expenses:splits:" + partner));
        JsonPath charge = given().get("/ledger/charges/" + settled.challengeId()).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(2, charge.getList("splits").size());
        assertEquals(24_000L, charge.getLong("walletAmount"));
        LedgerAssertions.journalBalancesAndRollupsAgree(dataSource);
    }

    @Test
    void splitsThatLeaveTheRecipientNothingOrAreZeroAreRejected() {
        String partner = TestEvents.address();
        Settled all = TestEvents.settled().with("amount", 10_000L).withSplit(partner, 6_000L, null)
                .withSplit(partner, 4_000L, null);
        Settled more = TestEvents.settled().with("amount", 10_000L).withSplit(partner, 10_001L, null);
        Settled zero = TestEvents.settled().with("amount", 10_000L).withSplit(partner, 0L, null);
        Settled noAddress = TestEvents.settled().with("amount", 10_000L).withSplit("partner-7", 100L, null);
        // schema-valid (the schema cannot sum), so they go out as any producer would send them
        Kafka.send(all);
        Kafka.send(more);
        // schema-invalid: a broken producer
        Kafka.send(Topics.PAYMENTS_SETTLED, zero.challengeId(), zero.unvalidatedJson());
        Kafka.send(Topics.PAYMENTS_SETTLED, noAddress.challengeId(), noAddress.unvalidatedJson());

        List<Settled> bad = List.of(all, more, zero, noAddress);
        Object[] keys = bad.stream().map(Settled::challengeId).toArray();
        await().atMost(WAIT).until(() -> LedgerDb.count(dataSource,
                "SELECT count(*) FROM rejected_events WHERE message_key IN (?, ?, ?, ?)", keys) == 4);
        assertTrue(reason(all).contains("splits sum to 10000, which must be less than the amount 10000"), reason(all));
        assertTrue(reason(more).contains("less than the amount"), reason(more));
        assertTrue(reason(zero).contains("splits[0].amount must be positive"), reason(zero));
        assertTrue(reason(noAddress).contains("splits[0].recipient must be a 0x address"), reason(noAddress));
        for (Settled s : bad) {
            given().get("/ledger/charges/" + s.challengeId()).then().statusCode(404);
            assertEquals(0, LedgerDb.count(dataSource, "SELECT count(*) FROM charge_splits WHERE challenge_id = ?",
                    s.challengeId()));
            assertEquals(0, LedgerDb.count(dataSource, "SELECT count(*) FROM journal_transactions WHERE challenge_id = ?",
                    s.challengeId()));
        }
        assertEquals(0, LedgerDb.count(dataSource, "SELECT count(*) FROM postings WHERE account = ?",
                "expenses:splits:" + partner));

        // the channel keeps consuming after the rejections
        Settled next = TestEvents.settled().withSplit(partner, 1_000L, null);
        Kafka.send(next);
        assertEquals(9_000L, awaitStatus(next.challengeId(), "settled").getLong("walletAmount"));
    }

    private String reason(Settled s) {
        return LedgerDb.string(dataSource, "SELECT reason FROM rejected_events WHERE message_key = ?", s.challengeId());
    }

    private static JsonPath report(LocalDate day, String groupBy) {
        return given().queryParam("from", day.toString()).queryParam("to", day.plusDays(1).toString())
                .queryParam("groupBy", groupBy).get("/ledger/reports").then().statusCode(200).extract().jsonPath();
    }

    /** The postings of journal transaction {@code index} as [account, debit, credit], in the API's order. */
    private static List<List<Object>> postings(JsonPath charge, int index) {
        List<Map<String, Object>> rows = charge.getList("journal[" + index + "].postings");
        return rows.stream().map(p -> List.<Object>of(p.get("account"), ((Number) p.get("debit")).longValue(),
                ((Number) p.get("credit")).longValue())).toList();
    }

    private static JsonPath awaitStatus(String challengeId, String status) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> given()
                .get("/ledger/charges/" + challengeId).then().statusCode(200).body("status", is(status)));
        return given().get("/ledger/charges/" + challengeId).then().statusCode(200).extract().jsonPath();
    }

    private static Map<String, Long> balances() {
        List<Map<String, Object>> rows = given().get("/ledger/balances").then().statusCode(200)
                .extract().jsonPath().getList("$");
        return rows.stream().collect(Collectors.toMap(r -> (String) r.get("account"),
                r -> ((Number) r.get("balance")).longValue()));
    }
}
