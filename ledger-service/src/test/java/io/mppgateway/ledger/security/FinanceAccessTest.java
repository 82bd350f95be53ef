package io.mppgateway.ledger.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mppgateway.ledger.support.FinanceAuth;
import io.quarkus.test.junit.QuarkusTest;

/** Every finance endpoint needs a valid bearer JWT with the finance role; the operational endpoints stay open. */
@QuarkusTest
class FinanceAccessTest {
    private static final List<String> FINANCE_ENDPOINTS = List.of(
            "/ledger/charges",
            "/ledger/charges/some-id",
            "/ledger/balances",
            "/ledger/reports?from=2026-01-01&to=2026-01-02",
            "/ledger/export/charges.csv?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z",
            "/ledger/export/postings.csv?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z",
            "/ledger/reconciliation?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z");

    private static final String TEST_KEY = "jwt/test-private.pem";

    @BeforeEach
    void noDefaultToken() {
        FinanceAuth.anonymous();
    }

    @Test
    void withoutATokenEveryFinanceEndpointIs401() {
        for (String path : FINANCE_ENDPOINTS) {
            given().get(path).then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"));
        }
    }

    @Test
    void aBadTokenIs401() {
        String otherKey = FinanceAuth.token("finance", "jwt/other-private.pem", FinanceAuth.ISSUER, 3600);
        String expired = FinanceAuth.token("finance", TEST_KEY, FinanceAuth.ISSUER, -600);
        String wrongIssuer = FinanceAuth.token("finance", TEST_KEY, "https://someone-else.example", 3600);
        String valid = FinanceAuth.token("finance", TEST_KEY, FinanceAuth.ISSUER, 3600);
        String tampered = valid.substring(0, valid.lastIndexOf('.') + 1) + "AAAA" + valid.substring(valid.lastIndexOf('.') + 5);
        for (String token : List.of("not-a-jwt", otherKey, expired, wrongIssuer, tampered)) {
            for (String path : FINANCE_ENDPOINTS) {
                given().header("Authorization", "Bearer " + token).get(path).then().statusCode(401);
            }
        }
        // a non-bearer scheme is no credential either
        given().header("Authorization", "Basic ZmluYW5jZTpmaW5hbmNl").get("/ledger/balances").then().statusCode(401);
    }

    @Test
    void aValidTokenWithoutTheFinanceRoleIs403() {
        String user = FinanceAuth.token("user", TEST_KEY, FinanceAuth.ISSUER, 3600);
        for (String path : FINANCE_ENDPOINTS) {
            given().header("Authorization", "Bearer " + user).get(path).then().statusCode(403);
        }
    }

    @Test
    void theFinanceRoleIsLetIn() {
        String finance = FinanceAuth.token("finance", TEST_KEY, FinanceAuth.ISSUER, 3600);
        given().header("Authorization", "Bearer " + finance).get("/ledger/balances").then().statusCode(200);
        given().header("Authorization", "Bearer " + finance).get("/ledger/charges?limit=1").then().statusCode(200);
        given().header("Authorization", "Bearer " + finance)
                .get("/ledger/reports?from=2026-01-01&to=2026-01-02").then().statusCode(200);
    }

    @Test
    void healthMetricsAndOpenApiStayOpen() {
        given().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
        given().get("/q/metrics").then().statusCode(200);
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths.'/ledger/charges'.get.parameters.name", org.hamcrest.Matchers.hasItems(
                        "provider", "route", "model", "payer", "status", "from", "to", "limit", "after"))
                .body("paths.'/ledger/reconciliation'.get", org.hamcrest.Matchers.notNullValue())
                .body("paths.'/ledger/reports'.get", org.hamcrest.Matchers.notNullValue())
                .body("paths.'/ledger/export/charges.csv'.get", org.hamcrest.Matchers.notNullValue())
                .body("components.securitySchemes.jwt.scheme", is("bearer"));
    }
}
