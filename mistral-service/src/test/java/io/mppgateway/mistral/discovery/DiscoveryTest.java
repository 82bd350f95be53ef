package io.mppgateway.mistral.discovery;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import org.junit.jupiter.api.Test;

/** MPP discovery (draft-payment-discovery-00): /openapi.json with x-service-info and x-payment-info, and /llms.txt. */
@QuarkusTest
class DiscoveryTest {

    @Test
    void everyPaidOperationDeclaresItsPriceAndA402() {
        JsonPath doc = given().get("/openapi.json").then().statusCode(200)
                .header("Cache-Control", "public, max-age=300")
                .body("openapi", equalTo("3.1.0"))
                .body("x-service-info.categories", hasItems("ai", "llm"))
                .body("x-service-info.docs.llms", equalTo("/llms.txt"))
                .extract().jsonPath();
        Map<String, Map<String, Map<String, Object>>> paths = doc.getMap("paths");
        List<String> expected = List.of("post /mistral/chat", "post /v1/chat/completions", "post /mistral/fim",
                "post /v1/fim/completions", "post /mistral/embed", "post /v1/embeddings", "post /mistral/moderate",
                "post /v1/moderations", "post /v1/chat/moderations", "post /mistral/ocr", "post /v1/ocr",
                "get /mistral/models", "post /mistral/models", "get /v1/models", "get /v1/models/{model_id}");
        int operations = 0;
        for (var path : paths.entrySet()) {
            for (var op : path.getValue().entrySet()) {
                operations++;
                assertTrue(expected.contains(op.getKey() + " " + path.getKey()), op.getKey() + " " + path.getKey());
                String at = "paths.'" + path.getKey() + "'." + op.getKey();
                assertEquals("charge", doc.getString(at + ".x-payment-info.intent"));
                assertEquals("tempo", doc.getString(at + ".x-payment-info.method"));
                assertEquals("0x20c0000000000000000000000000000000000000", doc.getString(at + ".x-payment-info.currency"));
                assertTrue(doc.getMap(at + ".responses").containsKey("402"), at);
            }
        }
        assertEquals(expected.size(), operations);
        given().get("/openapi.json").then()
                // embeddings are priced by input size now: no one amount, the formula instead
                .body("paths.'/v1/embeddings'.post.x-payment-info.amount", nullValue())
                .body("paths.'/v1/embeddings'.post.x-payment-info.description", containsString("input bytes"))
                .body("paths.'/v1/chat/completions'.post.x-payment-info.description", containsString("n x (max_tokens"))
                .body("paths.'/v1/ocr'.post.x-payment-info.description", containsString("page price"))
                .body("paths.'/v1/models'.get.x-payment-info.amount", equalTo("8000"))
                .body("paths.'/mistral/chat'.post.x-payment-info.amount", nullValue())
                .body("paths.'/v1/ocr'.post.x-payment-info.amount", nullValue());
    }

    @Test
    void llmsTxtTellsAgentsTheRoutesAndPrices() {
        given().get("/llms.txt").then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("POST /v1/chat/completions"))
                .body(containsString("GET /v1/models/{model_id}: One model card (Mistral API) — 8000 per call"))
                .body(containsString("- codestral-latest: input 300000 / output 900000 per million tokens"))
                .body(containsString("- mistral-ocr-latest: 2000 per page, 3000 per annotated page"))
                .body(containsString("Upstream prices as of 2025-12-01, from https://mistral.ai/pricing"))
                .body(containsString("present the same credential again"));
    }
}
