package io.mppgateway.ledger.charge.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.mppgateway.ledger.support.FinanceAuth;
import io.mppgateway.ledger.support.Kafka;
import io.mppgateway.ledger.support.TestEvents;
import io.mppgateway.ledger.support.TestEvents.Settled;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Filters and keyset pagination over charges settled in a time window that only this test run uses (a random day in
 * the past), so other tests' and other runs' charges cannot interfere.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChargeQueryApiTest {
    private Instant from;
    private Instant to;
    /** mistral charges inside [from, to), in the API's order: settledAt desc, challengeId desc. */
    private List<Settled> mistralInWindow;
    private List<Settled> grokInWindow;

    private record Expected(Settled event, Instant settledAt) {
    }

    /** Once per class; not @BeforeAll, because RestAssured only knows the random test port once tests run. */
    @BeforeEach
    void produceChargesOnce() {
        FinanceAuth.asFinance();
        if (mistralInWindow != null) {
            return;
        }
        from = Instant.parse("2001-01-01T00:00:00Z").plus(ThreadLocalRandom.current().nextInt(0, 7000), ChronoUnit.DAYS);
        to = from.plus(5, ChronoUnit.HOURS);
        Instant tie = from.plus(3, ChronoUnit.HOURS);

        List<Expected> mistral = new ArrayList<>();
        for (Instant at : List.of(from, from.plus(1, ChronoUnit.HOURS), from.plus(2, ChronoUnit.HOURS), tie, tie,
                to.minusMillis(1))) {
            mistral.add(new Expected(charge("mistral", at), at));
        }
        List<Expected> grok = List.of(new Expected(charge("grok", from.plus(90, ChronoUnit.MINUTES)), null),
                new Expected(charge("grok", from.plus(4, ChronoUnit.HOURS)), null));
        // just outside the window: to is exclusive, from inclusive
        Settled atTo = charge("mistral", to);
        Settled beforeFrom = charge("mistral", from.minusSeconds(1));

        List<Settled> all = new ArrayList<>();
        mistral.forEach(e -> all.add(e.event()));
        grok.forEach(e -> all.add(e.event()));
        all.add(atTo);
        all.add(beforeFrom);
        all.forEach(Kafka::send);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> all.forEach(s -> given()
                .get("/ledger/charges/" + s.challengeId()).then().statusCode(200)));

        Comparator<Expected> apiOrder = Comparator.comparing(Expected::settledAt)
                .thenComparing(e -> e.event().challengeId()).reversed();
        mistralInWindow = mistral.stream().sorted(apiOrder).map(Expected::event).toList();
        grokInWindow = grok.stream().map(Expected::event).toList();
    }

    private static Settled charge(String provider, Instant settledAt) {
        return TestEvents.settled().with("provider", provider).with("route", "/" + provider + "/chat")
                .with("settledAt", settledAt).with("amount", 5_000L + ThreadLocalRandom.current().nextInt(1, 95_000));
    }

    @Test
    void pagesThroughOneProviderInTheWindowWithoutDuplicatesOrGaps() {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        List<Integer> pageSizes = new ArrayList<>();
        do {
            var request = given().queryParam("provider", "mistral").queryParam("from", from.toString())
                    .queryParam("to", to.toString()).queryParam("limit", 4);
            if (cursor != null) {
                request.queryParam("after", cursor);
            }
            JsonPath page = request.get("/ledger/charges").then().statusCode(200).extract().jsonPath();
            List<String> ids = page.getList("items.challengeId");
            pageSizes.add(ids.size());
            seen.addAll(ids);
            for (int i = 0; i < ids.size(); i++) {
                assertEquals("mistral", page.getString("items[" + i + "].provider"));
            }
            cursor = page.getString("nextCursor");
        } while (cursor != null);

        assertEquals(List.of(4, 2), pageSizes);
        assertEquals(mistralInWindow.stream().map(Settled::challengeId).toList(), seen);
        assertEquals(seen.size(), new HashSet<>(seen).size());
    }

    @Test
    void pageSizeEqualToTheRemainderEndsWithoutAnEmptyPage() {
        JsonPath first = list("mistral", 3, null);
        assertEquals(3, first.getList("items").size());
        assertNotNull(first.getString("nextCursor"));
        JsonPath second = list("mistral", 3, first.getString("nextCursor"));
        assertEquals(3, second.getList("items").size());
        assertNull(second.getString("nextCursor"));
    }

    @Test
    void itemsCarryTheChargeFieldsAndIntegerAmounts() {
        JsonPath page = list("grok", 10, null);
        assertEquals(2, page.getList("items").size());
        Settled newest = grokInWindow.get(1);
        assertEquals(newest.challengeId(), page.getString("items[0].challengeId"));
        assertEquals(newest.chargeId(), page.getString("items[0].chargeId"));
        assertEquals(newest.amount(), page.getLong("items[0].amount"));
        assertEquals(Instant.parse(from.plus(4, ChronoUnit.HOURS).toString()),
                Instant.parse(page.getString("items[0].settledAt")));
        assertEquals("settled", page.getString("items[0].status"));
        assertEquals(newest.txHashValue(), page.getString("items[0].txHash"));
        assertEquals(TestEvents.PATH_USD, page.getString("items[0].currency"));
        assertEquals("/grok/chat", page.getString("items[0].route"));
        assertEquals(grokInWindow.get(0).challengeId(), page.getString("items[1].challengeId"));
    }

    @Test
    void withoutProviderTheWindowHoldsEveryProvider() {
        JsonPath page = list(null, 100, null);
        assertEquals(mistralInWindow.size() + grokInWindow.size(), page.getList("items").size());
        assertNull(page.getString("nextCursor"));
    }

    @Test
    void filtersByRoutePayerAndStatus() {
        JsonPath byRoute = given().queryParam("from", from.toString()).queryParam("to", to.toString())
                .queryParam("route", "/grok/chat").get("/ledger/charges").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(grokInWindow.get(1).challengeId(), grokInWindow.get(0).challengeId()),
                byRoute.getList("items.challengeId"));

        Settled one = mistralInWindow.get(2);
        String payer = one.payer();
        JsonPath byPayer = given().queryParam("payer", payer).get("/ledger/charges").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of(one.challengeId()), byPayer.getList("items.challengeId"));

        JsonPath settled = given().queryParam("from", from.toString()).queryParam("to", to.toString())
                .queryParam("status", "settled").queryParam("limit", 100).get("/ledger/charges").then()
                .statusCode(200).extract().jsonPath();
        assertEquals(mistralInWindow.size() + grokInWindow.size(), settled.getList("items").size());
        JsonPath fulfilled = given().queryParam("from", from.toString()).queryParam("to", to.toString())
                .queryParam("status", "fulfilled").get("/ledger/charges").then().statusCode(200).extract().jsonPath();
        assertEquals(0, fulfilled.getList("items").size());
        assertBadRequest("status", "paid", "status");
    }

    @Test
    void anUnknownIdIsAProblem404() {
        String unknown = TestEvents.challengeId();
        given().get("/ledger/charges/" + unknown).then()
                .statusCode(404)
                .contentType(startsWith("application/problem+json"))
                .body("status", is(404))
                .body("title", is("Not Found"))
                .body("detail", containsString(unknown));
    }

    @Test
    void badParametersAreProblem400s() {
        assertBadRequest("limit", "0", "limit");
        assertBadRequest("limit", "501", "limit");
        assertBadRequest("limit", "ten", "limit");
        assertBadRequest("from", "yesterday", "from");
        assertBadRequest("to", "2026-13-01", "to");
        assertBadRequest("after", "not-a-cursor!", "after");
        given().queryParam("from", to.toString()).queryParam("to", from.toString()).get("/ledger/charges").then()
                .statusCode(400).contentType(startsWith("application/problem+json"))
                .body("detail", containsString("from must be before to"));
    }

    private static void assertBadRequest(String param, String value, String detailMentions) {
        given().queryParam(param, value).get("/ledger/charges").then()
                .statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("status", is(400))
                .body("detail", containsString(detailMentions));
    }

    private JsonPath list(String provider, int limit, String after) {
        var request = given().queryParam("from", from.toString()).queryParam("to", to.toString())
                .queryParam("limit", limit);
        if (provider != null) {
            request.queryParam("provider", provider);
        }
        if (after != null) {
            request.queryParam("after", after);
        }
        return request.get("/ledger/charges").then().statusCode(200).extract().jsonPath();
    }
}
