package io.mppgateway.mistral.paid;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.mppgateway.paywall.client.PaymentGateway;
import io.mppgateway.paywall.testing.GatewayMock;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Everything refused before any payment, in Mistral's error format, with no challenge issued. */
@QuarkusTest
class PrePaymentRejectionTest {

    @InjectMock
    PaymentGateway payments;

    @AfterEach
    void nothingWasChargedOrChallenged() {
        GatewayMock.verifyNoPayment(payments);
    }

    /** route | body | status | param | code */
    @ParameterizedTest(name = "{0} {4}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "/v1/chat/completions|{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}|400|model|unknown_model",
            "/mistral/chat|{\"model\":\"mistral-embed\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}|400|model|unknown_model",
            "/mistral/chat|{\"model\":\"mistral-small-latest\",\"max_tokens\":32769,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}|400|max_tokens|invalid_value",
            "/v1/chat/completions|{\"model\":\"magistral-medium-latest\",\"max_tokens\":40001,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}|400|max_tokens|invalid_value",
            "/v1/fim/completions|{\"model\":\"mistral-small-latest\",\"prompt\":\"x\"}|400|model|unknown_model",
            "/mistral/fim|{\"model\":\"codestral-latest\",\"prompt\":\"x\",\"max_tokens\":100000}|400|max_tokens|invalid_value",
            "/mistral/fim|{\"model\":\"codestral-latest\"}|400|prompt|missing_required_parameter",
            "/mistral/embed|{\"model\":\"mistral-small-latest\",\"input\":\"x\"}|400|model|unknown_model",
            "/v1/embeddings|{\"model\":\"mistral-embed\"}|400|input|missing_required_parameter",
            "/mistral/moderate|{\"model\":\"mistral-embed\",\"input\":\"x\"}|400|model|unknown_model",
            "/v1/chat/moderations|{\"input\":[]}|400|model|missing_required_parameter",
            "/v1/ocr|{\"model\":\"mistral-ocr-latest\"}|400|document|missing_required_parameter",
            "/mistral/ocr|{\"model\":\"pixtral-12b-latest\",\"document\":{\"type\":\"document_url\",\"document_url\":\"https://x\"}}|400|model|unknown_model",
            "/v1/chat/completions|{not json|400|null|invalid_json",
            "/v1/embeddings|[1,2]|400|null|invalid_json",
            "/mistral/chat|{\"model\":\"mistral-small-latest\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}|400|stream|invalid_type"
    })
    void refusedInMistralsFormat(String route, String body, int status, String param, String code) {
        given().contentType(ContentType.JSON).body(body).post(route).then()
                .statusCode(status)
                .contentType(ContentType.JSON)
                .header("WWW-Authenticate", nullValue())
                .body("object", equalTo("error"))
                .body("type", equalTo("invalid_request_error"))
                .body("param", equalTo(param))
                .body("code", equalTo(code));
    }

    @Test
    void aBodyOverTheSizeLimitIs413() {
        String big = "{\"model\":\"mistral-small-latest\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "x".repeat(1_048_577) + "\"}]}";
        for (String route : new String[] { "/mistral/chat", "/v1/embeddings", "/v1/moderations" }) {
            given().contentType(ContentType.JSON).body(big).post(route).then()
                    .statusCode(413)
                    .body("object", equalTo("error"))
                    .body("code", equalTo("request_too_large"))
                    .body("message", containsString("exceeds the limit of 1048576 bytes"));
        }
        // OCR accepts inline documents up to 10 MiB, not more
        String document = "{\"model\":\"mistral-ocr-latest\",\"document\":{\"type\":\"document_url\",\"document_url\":\"data:application/pdf;base64,"
                + "A".repeat(10_485_760) + "\"}}";
        given().contentType(ContentType.JSON).body(document).post("/v1/ocr").then()
                .statusCode(413).body("code", equalTo("request_too_large"));
    }

    @Test
    void anUnknownModelCardIs404() {
        given().get("/v1/models/gpt-4o").then().statusCode(404)
                .body("object", equalTo("error")).body("code", equalTo("model_not_found"))
                .body("param", equalTo("model_id"));
    }
}
