package io.mppgateway.ledger.support;

import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;

import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/** Bearer tokens for the finance API, signed with the test key pair in src/test/resources/jwt. */
public final class FinanceAuth {
    public static final String ISSUER = "https://finance.mpp-gateway.local";

    private FinanceAuth() {
    }

    /** Every RestAssured call of the calling test class goes out with a valid finance token. */
    public static void asFinance() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", "Bearer " + token("finance", "jwt/test-private.pem", ISSUER, 3600))
                .build();
    }

    public static void anonymous() {
        RestAssured.requestSpecification = null;
    }

    /** A token with one role, signed by the key at {@code keyLocation}, valid for {@code ttlSeconds} (may be < 0). */
    public static String token(String role, String keyLocation, String issuer, long ttlSeconds) {
        try {
            PrivateKey key = KeyUtils.readPrivateKey(keyLocation);
            Instant now = Instant.now();
            return Jwt.issuer(issuer).upn("finance-test").groups(role)
                    .issuedAt(now.minus(Duration.ofHours(2)))
                    .expiresAt(now.plusSeconds(ttlSeconds))
                    .sign(key);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
