package io.mppgateway.ledger.reconciliation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mppgateway.ledger.support.FinanceAuth;
import io.mppgateway.ledger.support.TestEvents;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With no chain node to ask, reconciliation is a 503 with Retry-After (after the client's retries), never a 500. */
@QuarkusTest
@TestProfile(ChainDownTest.NoChain.class)
class ChainDownTest {

    /** The RPC endpoint points at a closed port; the consumers are off, this test needs none. */
    public static class NoChain implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.rest-client.tempo-rpc.url", "http://127.0.0.1:9",
                    "mp.messaging.incoming.payments-settled.enabled", "false",
                    "mp.messaging.incoming.usage-recorded.enabled", "false",
                    "mp.messaging.incoming.payments-refunded.enabled", "false");
        }
    }

    @BeforeEach
    void financeToken() {
        FinanceAuth.asFinance();
    }

    @Test
    void anUnreachableChainIsA503WithRetryAfter() {
        given().queryParam("from", "2026-01-01T00:00:00Z").queryParam("to", "2026-01-02T00:00:00Z")
                .queryParam("recipient", TestEvents.address())
                .get("/ledger/reconciliation").then()
                .statusCode(503)
                .header("Retry-After", "10")
                .contentType(startsWith("application/problem+json"))
                .body("status", is(503))
                .body("detail", containsString("chain"));
    }
}
