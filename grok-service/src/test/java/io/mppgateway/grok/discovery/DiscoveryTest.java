package io.mppgateway.grok.discovery;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.mppgateway.grok.testing.XaiSpec;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import org.junit.jupiter.api.Test;

/** Free discovery for agents (MPP draft-payment-discovery-00), derived from grok-service's route table. */
@QuarkusTest
class DiscoveryTest {

    @Test
    void everyPaidOperationDeclaresItsPriceA402AndAnXaiRequestSchema() throws Exception {
        JsonPath doc = given().get("/openapi.json").then().statusCode(200)
                .header("Cache-Control", "public, max-age=300")
                .body("openapi", equalTo("3.1.0"))
                .body("info.title", containsString("Grok"))
                .body("x-service-info.categories", hasItems("ai", "llm"))
                .body("x-service-info.docs.llms", equalTo("/llms.txt"))
                .extract().jsonPath();
        Map<String, Map<String, Map<String, Object>>> paths = doc.getMap("paths");
        List<String> operations = new ArrayList<>();
        for (var path : paths.entrySet()) {
            for (var op : path.getValue().entrySet()) {
                operations.add(op.getKey() + " " + path.getKey());
                String at = "paths.'" + path.getKey() + "'." + op.getKey();
                assertEquals("charge", doc.getString(at + ".x-payment-info.intent"));
                assertEquals("tempo", doc.getString(at + ".x-payment-info.method"));
                assertEquals("0x20c0000000000000000000000000000000000000",
                        doc.getString(at + ".x-payment-info.currency"));
                assertTrue(doc.getMap(at + ".responses").containsKey("402"), at);
                if ("get".equals(op.getKey())) {
                    continue; // a bodiless listing
                }
                // the request schema named is one xAI's own OpenAPI document declares; TTS is outside that document
                // (upstream-apis.md: only xAI's SDK describes /v1/tts), so its body has no schema to point at
                String ref = doc.getString(at + ".requestBody.content.'application/json'.schema.'$ref'");
                if (path.getKey().endsWith("/tts")) {
                    assertEquals(null, ref, at);
                    continue;
                }
                String schema = ref.substring(ref.lastIndexOf('/') + 1);
                assertFalse(XaiSpec.load().componentProblems(schema, new com.fasterxml.jackson.databind.ObjectMapper()
                        .createObjectNode()).contains("the spec has nothing at /components/schemas/" + schema), ref);
            }
        }
        assertTrue(operations.containsAll(List.of("post /grok/chat", "post /v1/chat/completions",
                "post /grok/image-generate", "post /v1/images/generations", "post /grok/image-edit",
                "post /v1/images/edits", "post /grok/tts", "post /v1/tts", "get /grok/models", "get /v1/models",
                "post /v1/responses", "post /grok/web-search", "post /grok/x-search", "post /grok/code-execution",
                "get /v1/models/{model_id}")),
                operations.toString());
        given().get("/openapi.json").then()
                .body("paths.'/grok/chat'.post.x-payment-info.amount", nullValue())
                .body("paths.'/grok/chat'.post.x-payment-info.description", containsString("max_completion_tokens"))
                .body("paths.'/v1/models'.get.x-payment-info.amount", equalTo("8000"))
                .body("paths.'/grok/web-search'.post.x-payment-info.description", containsString("max_turns"))
                .body("paths.'/v1/chat/completions'.post.operationId", equalTo("chatCompletions"));
    }

    @Test
    void llmsTxtTellsAgentsTheRoutesAndPrices() {
        given().get("/llms.txt").then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("# xAI Grok over MPP (grok.mppgateway.local)"))
                .body(containsString("POST /grok/chat: Chat completion (Locus-compatible) — dynamic price, quoted in "
                        + "the 402"))
                .body(containsString("- grok-4: input 3000000 / output 15000000 per million tokens, output limit <= "
                        + "65536, reasoning priced in: 32768 tokens per choice"))
                .body(containsString("Upstream prices as of 2025-12-01"))
                .body(containsString("present the same credential again"));
    }
}
