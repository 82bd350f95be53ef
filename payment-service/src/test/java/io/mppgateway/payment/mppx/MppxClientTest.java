package io.mppgateway.payment.mppx;

import static io.mppgateway.payment.testsupport.Payments.*;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.mpp.Base64Url;
import io.mppgateway.contracts.payment.ChallengeRequest;
import io.mppgateway.payment.testsupport.DevChain;
import io.mppgateway.payment.testsupport.MppxCli;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/** The real mppx client pays our challenges in its default (pull) mode and in push mode. */
@QuarkusTest
class MppxClientTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @BeforeEach
    void needsMppx() {
        Assumptions.assumeTrue(MppxCli.available(), "deploy/agent has no node_modules; run npm ci there");
    }

    @Test
    void mppxCliDefaultModeIsPullAndSettles() throws Exception {
        paysWith(9_000, "pull", null);
    }

    @Test
    void mppxLibraryPullModeSettles() throws Exception {
        paysWith(9_050, "pull", "pull");
    }

    @Test
    void mppxPushModeSettles() throws Exception {
        paysWith(9_100, "push", "push");
    }

    private void paysWith(long amount, String expectedMode, String libraryMode) throws Exception {
        String header = io.restassured.RestAssured.given().contentType(ContentType.JSON)
                .body(new ChallengeRequest(REALM, "mistral", ROUTE, amount, DIGEST, "Mistral chat"))
                .post("/internal/challenges").then().statusCode(200).extract().path("wwwAuthenticate");
        Credentials buyer = DevChain.freshFundedKey(1_000_000);
        String credential = libraryMode == null ? MppxCli.sign(header, buyer)
                : MppxCli.signWithLibrary(header, buyer, libraryMode);
        JsonNode decoded = MAPPER.readTree(Base64Url.decodeToString(credential.substring("Payment ".length())));
        assertEquals("pull".equals(expectedMode) ? "transaction" : "hash", decoded.path("payload").path("type")
                .asText());
        Response settled = settle(credential, amount);
        settled.then().statusCode(200).body("mode", equalTo(expectedMode)).body("amount", equalTo((int) amount))
                .body("payer", equalTo(buyer.getAddress().toLowerCase()));
        // the buyer's key paid the amount once, plus a network fee far below it (the recipient's own balance moves
        // with everyone else's payments on the shared chain, so it is not compared)
        long paid = 1_000_000 - DevChain.balanceOf(DevChain.PATH_USD, buyer.getAddress()).longValueExact();
        org.junit.jupiter.api.Assertions.assertTrue(paid >= amount && paid < 2 * amount, "paid " + paid);
    }
}
