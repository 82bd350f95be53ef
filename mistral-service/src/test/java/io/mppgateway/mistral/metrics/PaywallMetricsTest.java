package io.mppgateway.mistral.metrics;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.paywall.client.IssuedChallenge;
import io.mppgateway.paywall.client.PaymentGateway;
import io.mppgateway.paywall.testing.GatewayMock;
import io.mppgateway.paywall.testing.SimulatedSettlement;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

import org.junit.jupiter.api.Test;

/**
 * The paywall's business meters as Prometheus scrapes them from /q/metrics (the names deploy/grafana/gateway.json
 * queries): one paid chat call, released by its Kafka event and served by the stand-in, moves the paid-call,
 * revenue, token, release and upstream meters by exactly what the call did; a 402 and a refused request count as
 * requests; nothing stays in flight.
 */
@QuarkusTest
class PaywallMetricsTest {
    private static final String CHAT = """
            {"model":"mistral-small-latest","max_tokens":100,"messages":[{"role":"user","content":"Say hi"}]}""";
    private static final String STREAM = """
            {"model":"mistral-small-latest","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Say hi"}]}""";

    @InjectMock
    PaymentGateway payments;

    @Test
    void aPaidCallMovesTheBusinessMetersByWhatItDid() throws Exception {
        String calls = "paywall_paid_calls_total{model=\"mistral-small-latest\",outcome=\"fulfilled\",route=\"chat\"}";
        String revenue = "paywall_revenue_base_units_total{model=\"mistral-small-latest\",route=\"chat\"}";
        String prompt = "paywall_tokens_total{kind=\"prompt\",model=\"mistral-small-latest\",route=\"chat\"}";
        String completion = "paywall_tokens_total{kind=\"completion\",model=\"mistral-small-latest\",route=\"chat\"}";
        String released = "paywall_release_seconds_count{result=\"released\",route=\"chat\"}";
        String upstreamOk = "paywall_upstream_seconds_count{route=\"chat\",status=\"200\"}";
        String cost = "paywall_upstream_cost_base_units_total{model=\"mistral-small-latest\",route=\"chat\"}";
        String metrics = scrape();
        double callsBefore = value(metrics, calls);
        double revenueBefore = value(metrics, revenue);
        double promptBefore = value(metrics, prompt);
        double completionBefore = value(metrics, completion);
        double releasedBefore = value(metrics, released);
        double upstreamBefore = value(metrics, upstreamOk);
        double costBefore = value(metrics, cost);

        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("mistral", "/mistral/chat", 5000));
            given().contentType(ContentType.JSON).header("Authorization", settlement.credential())
                    .body(CHAT).post("/mistral/chat").then().statusCode(200);
            settlement.awaitUsage();
        }

        String after = scrape();
        assertEquals(callsBefore + 1, value(after, calls), calls);
        assertEquals(revenueBefore + 5000, value(after, revenue), revenue);
        assertEquals(promptBefore + 12, value(after, prompt), prompt);
        assertEquals(completionBefore + 24, value(after, completion), completion);
        assertEquals(releasedBefore + 1, value(after, released), released);
        assertEquals(upstreamBefore + 1, value(after, upstreamOk), upstreamOk);
        assertTrue(value(after, cost) > costBefore, cost + " counts the call's upstream cost");
        assertTrue(after.contains("paywall_release_seconds_bucket{"), "release latency is a histogram");
        assertTrue(after.contains("paywall_upstream_seconds_bucket{"), "upstream latency is a histogram");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(
                () -> assertEquals(0, value(scrape(), "paywall_calls_in_flight"), "nothing left in flight"));
    }

    @Test
    void aStreamIsOpenWhileItIsRelayedAndClosedAfter() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("mistral", "/mistral/chat", 5000));
            given().contentType(ContentType.JSON).header("Authorization", settlement.credential())
                    .body(STREAM).post("/mistral/chat").then().statusCode(200);
            settlement.awaitUsage();
        }
        String after = scrape();
        assertTrue(after.contains("paywall_sse_streams_open "), "the gauge is exported");
        assertEquals(0, value(after, "paywall_sse_streams_open"), "the stream is closed after its end");
        assertTrue(value(after, "paywall_paid_calls_total{model=\"mistral-small-latest\",outcome=\"fulfilled\","
                + "route=\"chat\"}") >= 1);
    }

    @Test
    void challengesAndRefusalsCountAsRequestsBeforeSettlement() {
        String challenged = "paywall_requests_total{result=\"challenged\",route=\"chat\"}";
        String invalid = "paywall_requests_total{result=\"invalid\",route=\"chat\"}";
        String before = scrape();
        GatewayMock.whenChallenged(payments).thenReturn(new IssuedChallenge("chal-m",
                "Payment id=\"chal-m\", realm=\"mistral.mppgateway.local\", method=\"tempo\"", "2030-01-01T00:00:00Z",
                5000));
        given().contentType(ContentType.JSON).body(CHAT).post("/mistral/chat").then().statusCode(402);
        given().contentType(ContentType.JSON).body("{oops").post("/mistral/chat").then().statusCode(400);
        String after = scrape();
        assertEquals(value(before, challenged) + 1, value(after, challenged), challenged);
        assertEquals(value(before, invalid) + 1, value(after, invalid), invalid);
    }

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The sample's value in the Prometheus text format; 0 when the series does not exist yet. */
    static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
