package io.mppgateway.paywall.http;

import java.time.Duration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.payment.ProblemDetails;
import io.mppgateway.paywall.client.SettlementOutcome;
import io.mppgateway.paywall.pricing.InvalidRequestException;
import io.mppgateway.paywall.route.ErrorDialect;
import io.quarkus.logging.Log;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/** The answers of the paid-call pipeline that are not the upstream's: problems, refusals, relayed rejections. */
final class Answers {
    static final String PAYMENT_RECEIPT = "Payment-Receipt";
    static final String SERVER_TIMING = "Server-Timing";

    private final ObjectMapper mapper;

    Answers(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** RFC 9457 problem details, not cached. */
    void problem(HttpServerResponse response, int status, String code, String title, String detail,
            String challengeId, Boolean paymentKept, String retryAfter) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, ProblemDetails.MEDIA_TYPE)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        if (retryAfter != null) {
            response.putHeader(HttpHeaders.RETRY_AFTER, retryAfter);
        }
        response.end(json(new ProblemDetails(ProblemDetails.TYPE_BASE + code, title, status, detail, challengeId,
                paymentKept)));
    }

    /** After settlement: never a challenge, always "your payment is kept", and when to present it again. */
    void kept(HttpServerResponse response, int status, String challengeId, String txHash, String why,
            Duration retryAfter) {
        problem(response, status, "payment-kept", "Payment Kept", why + "; the payment (" + txHash
                + ") is kept and the same credential can be presented again", challengeId, true,
                Long.toString(Math.max(1, retryAfter.toSeconds())));
    }

    /** payment-service's rejection of a credential, relayed as it wrote it (with its fresh challenge). */
    void rejected(HttpServerResponse response, SettlementOutcome.Rejected rejected) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(rejected.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, ProblemDetails.MEDIA_TYPE)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        if (rejected.wwwAuthenticate() != null) {
            response.putHeader("WWW-Authenticate", rejected.wwwAuthenticate());
        }
        if (rejected.retryAfter() != null) {
            response.putHeader(HttpHeaders.RETRY_AFTER, rejected.retryAfter());
        }
        response.end(rejected.problemJson() == null ? "" : rejected.problemJson());
    }

    /** A request refused before any payment, in the provider API's own error shape. */
    void refused(HttpServerResponse response, ErrorDialect dialect, InvalidRequestException refused) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(refused.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(json(dialect.body(refused)));
    }

    private Buffer json(Object value) {
        try {
            return Buffer.buffer(mapper.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            Log.errorf(e, "answer not serialisable");
            return Buffer.buffer("{}");
        }
    }
}
