package io.mppgateway.grok.speech;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

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

/** Text to speech: refused in xAI's shape before payment, priced per 1,000 characters, audio relayed as bytes. */
@QuarkusTest
class PaidSpeechRouteTest {
    @InjectMock
    PaymentGateway payments;

    @Test
    void badRequestsAreRefusedInXaisShapeBeforeAnyPayment() {
        refused("{\"language\":\"en\"}", "text", "missing_required_parameter");
        refused("{\"text\":\"hi\"}", "language", "missing_required_parameter");
        refused("{\"text\":\"" + "a".repeat(60_001) + "\",\"language\":\"en\"}", "text", "string_above_max_length");
        refused("{\"text\":\"hi\",\"language\":\"en\",\"output_format\":{\"codec\":\"ogg\"}}", "codec", "invalid_value");
        refused("{\"text\":\"hi\",\"language\":\"en\",\"output_format\":\"mp3\"}", "output_format", "invalid_type");
        refused("{\"text\":\"hi\",\"language\":\"en\",\"optimize_streaming_latency\":3}", "optimize_streaming_latency",
                "invalid_value");
        GatewayMock.verifyNoPayment(payments);
    }

    @Test
    void theQuoteIsPerThousandCharactersPlusMarginWithTheMinimum() {
        // 2 characters: 60 base units of cost, the 5,000 minimum applies
        assertEquals(5_000, quoted("{\"text\":\"hi\",\"language\":\"en\"}"));
        // 60,000 characters (code points: é is one): 60 × 30,000 = 1,800,000 × 1.2 = 2,160,000
        assertEquals(2_160_000, quoted("{\"text\":\"" + "é".repeat(60_000) + "\",\"language\":\"fr\"}"));
    }

    @Test
    void aPaidCallRelaysTheAudioBytesWithTheirTypeAndBooksTheCharacters() throws Exception {
        byte[] audio = Files.readAllBytes(Path.of("../deploy/standin/__files/xai-tts.mp3"));
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("grok", "/grok/tts", 5_000));
            byte[] answer = given().contentType(ContentType.JSON).header("Authorization", settlement.credential())
                    .body("{\"text\":\"Hello world\",\"language\":\"en\",\"voice_id\":\"eve\"}")
                    .post("/grok/tts").then().statusCode(200)
                    .header("Content-Type", "audio/mpeg")
                    .header("Payment-Receipt", SimulatedSettlement.RECEIPT)
                    .extract().asByteArray();
            assertArrayEquals(audio, answer, "the upstream's bytes, untouched");
            JsonNode usage = settlement.awaitUsage();
            assertEquals("FULFILLED", usage.path("outcome").asText());
            assertEquals(11, usage.path("characters").asLong());
            assertEquals(330, usage.path("upstreamCost").asLong(), "11 × 30,000 / 1,000");
        }
    }

    @Test
    void withTimestampsTheAnswerIsJson() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("grok", "/v1/tts", 5_000));
            given().contentType(ContentType.JSON).header("Authorization", settlement.credential())
                    .body("{\"text\":\"Hello world\",\"language\":\"en\",\"with_timestamps\":true}")
                    .post("/v1/tts").then().statusCode(200)
                    .contentType(ContentType.JSON)
                    .body("content_type", equalTo("audio/mpeg"))
                    .body("audio_timestamps[1].text", equalTo("world"));
            assertEquals(11, settlement.awaitUsage().path("characters").asLong());
        }
    }

    private static void refused(String body, String param, String code) {
        XaiRefusal.assertRefused("/grok/tts", body, param, code);
    }

    private long quoted(String body) {
        return GatewayMock.quoted(payments, "/v1/tts", body);
    }
}
