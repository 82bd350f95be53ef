package io.mppgateway.payment.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;

import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

/**
 * Service tokens for the tests, signed with the PUBLIC TEST keys of deploy/local/dev-keys (as the providers and a
 * refund operator sign theirs). Every REST Assured call to {@code /internal/*} that sets no Authorization of its own
 * goes as mistral-service, the provider the tests' challenges are for.
 */
public final class CallerTokens implements Filter, QuarkusTestBeforeEachCallback {
    public static final String MISTRAL = "mistral-service";
    public static final String GROK = "grok-service";
    public static final String REFUND_OPERATOR = "refund-operator";
    private static final Path KEYS = Path.of(System.getProperty("dev.keys", "../deploy/local/dev-keys"));
    private static final CallerTokens INSTANCE = new CallerTokens();

    /** {@code Bearer <JWT>} of this caller: five minutes, for payment-service. */
    public static String bearer(String keyId) {
        return bearer(keyId, "payment-service", Duration.ofMinutes(5));
    }

    public static String bearer(String keyId, String audience, Duration lifetime) {
        return "Bearer " + sign(keyId, keyId, audience, Instant.now(), lifetime);
    }

    /** A token signed by {@code signer}'s key that names {@code keyId} as its key (a forgery attempt, for example). */
    public static String sign(String signer, String keyId, String audience, Instant issuedAt, Duration lifetime) {
        try {
            PrivateKey key = KeyUtils.decodePrivateKey(Files.readString(KEYS.resolve(signer + "-dev-private.pem")));
            return Jwt.issuer(keyId).subject(keyId).audience(audience).issuedAt(issuedAt)
                    .expiresAt(issuedAt.plus(lifetime)).jws().keyId(keyId).sign(key);
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign a test token as " + signer, e);
        }
    }

    /** Installs the default mistral-service token on REST Assured (idempotent). */
    public static void install() {
        if (!RestAssured.filters().contains(INSTANCE)) {
            RestAssured.filters(INSTANCE);
        }
    }

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        install();
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
            FilterContext context) {
        if (request.getURI().contains("/internal/") && !request.getHeaders().hasHeaderWithName("Authorization")) {
            request.header("Authorization", bearer(MISTRAL));
        }
        return context.next(request, response);
    }
}
