package io.mppgateway.grok.image;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;

import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.grok.testing.XaiRefusal;
import io.mppgateway.paywall.client.PaymentGateway;
import io.mppgateway.paywall.testing.GatewayMock;
import io.mppgateway.paywall.testing.SimulatedSettlement;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

import org.junit.jupiter.api.Test;

/** Image generation: refused in xAI's shape before payment, priced per image × n at the resolution, usage booked. */
@QuarkusTest
class PaidImageRouteTest {
    @InjectMock
    PaymentGateway payments;

    @Test
    void badRequestsAreRefusedInXaisShapeBeforeAnyPayment() {
        refused("{\"model\":\"grok-imagine-image\"}", "prompt", "missing_required_parameter");
        refused("{\"prompt\":\"a cat\",\"model\":\"dall-e-3\"}", "model", "unknown_model");
        refused("{\"prompt\":\"a cat\",\"n\":11}", "n", "invalid_value");
        refused("{\"prompt\":\"a cat\",\"n\":0}", "n", "invalid_value");
        refused("{\"prompt\":\"a cat\",\"n\":1.5}", "n", "invalid_type");
        refused("{\"prompt\":\"a cat\",\"response_format\":\"png\"}", "response_format", "invalid_value");
        refused("{\"prompt\":\"a cat\",\"resolution\":\"8k\"}", "resolution", "invalid_value");
        refused("{\"prompt\":\"a cat\",\"model\":\"grok-2-image\",\"resolution\":\"2k\"}", "resolution", "invalid_value");
        refused("{\"prompt\":\"a cat\",\"deferred\":true}", "deferred", "unsupported_value");
        given().contentType(ContentType.JSON).body("[1]").post("/grok/image-generate").then().statusCode(400)
                .body("error.code", equalTo("invalid_json"));
        GatewayMock.verifyNoPayment(payments);
    }

    @Test
    void theQuoteIsPerImageTimesNAtTheResolutionsCeilingPlusMargin() {
        // 1 image at 1k: 50,000 × 1.2 = 60,000
        assertEquals(60_000, quoted("/grok/image-generate", "{\"prompt\":\"a cat\"}"));
        // 4 images at 2k: 4 × 100,000 × 1.2 = 480,000: more images, more money
        assertEquals(480_000, quoted("/v1/images/generations",
                "{\"prompt\":\"a cat\",\"n\":4,\"resolution\":\"2k\",\"response_format\":\"b64_json\"}"));
    }

    @Test
    void anEditNeedsExactlyOneOfImageAndImagesAndPaysForItsInputImagesToo() {
        refusedEdit("{\"prompt\":\"add a hat\"}", "image", "missing_required_parameter");
        refusedEdit("{\"prompt\":\"add a hat\",\"image\":{\"url\":\"https://x/c.png\"},\"images\":[]}", "images",
                "invalid_value");
        refusedEdit("{\"prompt\":\"add a hat\",\"image\":\"https://x/c.png\"}", "image", "invalid_type");
        refusedEdit("{\"prompt\":\"add a hat\",\"image\":{\"url\":\"\"}}", "image", "invalid_value");
        refusedEdit("{\"prompt\":\"add a hat\",\"images\":[{\"url\":\"https://x/c.png\"},{\"detail\":1}]}",
                "images[1]", "invalid_value");
        refusedEdit("{\"prompt\":\"x\",\"images\":[" + "{\"url\":\"https://x/c.png\"},".repeat(10)
                + "{\"url\":\"https://x/c.png\"}]}", "images", "invalid_value");
        GatewayMock.verifyNoPayment(payments);
        // one output image at 1k (50,000) + one input image (10,000) = 60,000 × 1.2
        assertEquals(72_000, quoted("/grok/image-edit",
                "{\"prompt\":\"add a hat\",\"image\":{\"url\":\"https://x/c.png\"}}"));
        // two outputs from three inputs: 2 × 50,000 + 3 × 10,000 = 130,000 × 1.2
        assertEquals(156_000, quoted("/v1/images/edits", "{\"prompt\":\"merge\",\"n\":2,\"images\":["
                + "{\"url\":\"https://x/a.png\"},{\"url\":\"https://x/b.png\"},{\"file_id\":\"file-1\"}]}"));
    }

    @Test
    void aPaidCallDeliversTheImagesAndBooksXaisOwnCost() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("grok", "/v1/images/generations", 120_000));
            given().contentType(ContentType.JSON).header("Authorization", settlement.credential())
                    .body("{\"prompt\":\"a cat in a tree\",\"n\":2}")
                    .post("/v1/images/generations").then().statusCode(200)
                    .header("Payment-Receipt", SimulatedSettlement.RECEIPT)
                    .body("data", hasSize(2))
                    .body("data[0].url", startsWith("https://"));
            JsonNode usage = settlement.awaitUsage();
            assertEquals("FULFILLED", usage.path("outcome").asText());
            assertEquals("/v1/images/generations", usage.path("route").asText());
            assertEquals(2, usage.path("images").asLong());
            assertEquals(400_000_000L, usage.path("costInUsdTicks").asLong());
            // xAI's 4 cents, in base units, is the cost booked; the ceiling quoted was 2 × 50,000
            assertEquals(40_000, usage.path("upstreamCost").asLong());
            assertEquals(100_000, usage.path("quotedUpstreamCost").asLong());
        }
    }

    private static void refused(String body, String param, String code) {
        XaiRefusal.assertRefused("/grok/image-generate", body, param, code);
    }

    private static void refusedEdit(String body, String param, String code) {
        XaiRefusal.assertRefused("/v1/images/edits", body, param, code);
    }

    private long quoted(String path, String body) {
        return GatewayMock.quoted(payments, path, body);
    }
}
