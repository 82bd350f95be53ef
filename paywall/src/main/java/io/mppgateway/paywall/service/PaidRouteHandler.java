package io.mppgateway.paywall.service;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.events.PaymentSettled;
import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.events.UsageRecorded;
import io.mppgateway.contracts.payment.ChallengeRequest;
import io.mppgateway.contracts.payment.ChallengeResponse;
import io.mppgateway.contracts.payment.ProblemDetails;
import io.mppgateway.contracts.payment.SettlementRequest;
import io.mppgateway.contracts.payment.SettlementResponse;
import io.mppgateway.paywall.client.PaymentServiceClient;
import io.mppgateway.paywall.client.SettlementOutcome;
import io.mppgateway.paywall.config.PaywallConfig;
import io.mppgateway.paywall.messaging.SettlementAwaiter;
import io.mppgateway.paywall.messaging.UsagePublisher;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * The paid call, provider side: no credential → 402 challenge; credential → settle with payment-service → wait for
 * the settled fact → call the upstream → answer with the receipt → record usage. Nothing reaches the upstream
 * before payment, and nothing after settlement is ever answered with a fresh challenge.
 */
@ApplicationScoped
public class PaidRouteHandler {
    public static final String PAYMENT_RECEIPT = "Payment-Receipt";

    private final PaymentServiceClient payments;
    private final SettlementAwaiter awaiter;
    private final UsagePublisher usage;
    private final PaywallConfig config;
    private final ObjectMapper mapper;

    public PaidRouteHandler(PaymentServiceClient payments, SettlementAwaiter awaiter, UsagePublisher usage,
            PaywallConfig config, ObjectMapper mapper) {
        this.payments = payments;
        this.awaiter = awaiter;
        this.usage = usage;
        this.config = config;
        this.mapper = mapper;
    }

    public Response serve(PaidRequest request, UpstreamCall upstream) {
        String digest = BodyDigest.sha256(request.body());
        if (!hasPaymentCredential(request.authorization())) {
            return paymentRequired(request, digest);
        }
        String challengeId = echoedChallengeId(request.authorization());
        CompletableFuture<PaymentSettled> released = challengeId == null ? null : awaiter.expect(challengeId);
        SettlementOutcome outcome;
        try {
            outcome = payments.settle(new SettlementRequest(request.authorization(), config.realm(),
                    config.provider(), request.route(), request.amount(), digest, request.description()));
        } catch (RuntimeException e) {
            forget(challengeId);
            Log.warnf("payment-service unavailable: %s", e.getMessage());
            return problem(503, "verification-unavailable", "Payment Verification Unavailable",
                    "the payment could not be verified now; nothing was charged twice, retry shortly", challengeId,
                    null).header(HttpHeaders.RETRY_AFTER, "2").build();
        }
        if (outcome instanceof SettlementOutcome.Rejected rejected) {
            forget(challengeId);
            return relay(rejected);
        }
        SettlementResponse settled = ((SettlementOutcome.Settled) outcome).settlement();
        if (released == null || !challengeId.equals(settled.challengeId())) {
            released = awaiter.expect(settled.challengeId());
        }
        if (!awaitRelease(released, settled.challengeId())) {
            record(settled, request, UsageOutcome.UPSTREAM_FAILED, 503, 0, TokenUsage.NONE);
            return kept(503, settled, "the payment is settled but its release is delayed").build();
        }
        return deliver(request, upstream, settled);
    }

    private Response deliver(PaidRequest request, UpstreamCall upstream, SettlementResponse settled) {
        long started = System.nanoTime();
        UpstreamResponse answer;
        try {
            answer = upstream.call();
        } catch (RuntimeException e) {
            long latency = elapsedMs(started);
            int status = e instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException ? 504 : 502;
            Log.warnf("upstream failed after settlement of %s: %s", settled.challengeId(), e.toString());
            record(settled, request, UsageOutcome.UPSTREAM_FAILED, status, latency, TokenUsage.NONE);
            return kept(status, settled, "the upstream provider did not answer").build();
        }
        long latency = elapsedMs(started);
        if (!answer.successful()) {
            record(settled, request, UsageOutcome.UPSTREAM_FAILED, answer.status(), latency, answer.usage());
            if (answer.status() >= 500 || answer.status() == 429) {
                return kept(answer.status() == 429 ? 503 : 502, settled,
                        "the upstream provider failed with " + answer.status()).build();
            }
            // the upstream refused the request itself: pass its error through, the charge stays recorded
            return Response.status(answer.status()).type(answer.contentType()).entity(answer.body()).build();
        }
        record(settled, request, UsageOutcome.FULFILLED, answer.status(), latency, answer.usage());
        return Response.status(answer.status())
                .type(answer.contentType())
                .header(PAYMENT_RECEIPT, settled.receipt())
                .header(HttpHeaders.CACHE_CONTROL, "private")
                .entity(answer.body())
                .build();
    }

    private Response paymentRequired(PaidRequest request, String digest) {
        ChallengeResponse challenge = payments.issueChallenge(new ChallengeRequest(config.realm(), config.provider(),
                request.route(), request.amount(), digest, request.description()));
        return problem(402, "payment-required", "Payment Required",
                "Payment is required (" + request.description() + "): " + request.amount()
                        + " base units of pathUSD",
                challenge.challengeId(), null)
                .header(HttpHeaders.WWW_AUTHENTICATE, challenge.wwwAuthenticate())
                .build();
    }

    private static Response relay(SettlementOutcome.Rejected rejected) {
        Response.ResponseBuilder r = Response.status(rejected.status()).type(ProblemDetails.MEDIA_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store").entity(rejected.problemJson());
        if (rejected.wwwAuthenticate() != null) {
            r.header(HttpHeaders.WWW_AUTHENTICATE, rejected.wwwAuthenticate());
        }
        if (rejected.retryAfter() != null) {
            r.header(HttpHeaders.RETRY_AFTER, rejected.retryAfter());
        }
        return r.build();
    }

    /** After settlement: never a challenge, always "your payment is kept". */
    private static Response.ResponseBuilder kept(int status, SettlementResponse settled, String why) {
        return problem(status, "payment-kept", "Payment Kept",
                why + "; the payment (" + settled.txHash() + ") is kept and the same credential can be presented "
                        + "again", settled.challengeId(), true)
                .header(HttpHeaders.RETRY_AFTER, "2");
    }

    private static Response.ResponseBuilder problem(int status, String code, String title, String detail,
            String challengeId, Boolean paymentKept) {
        return Response.status(status).type(ProblemDetails.MEDIA_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .entity(new ProblemDetails(ProblemDetails.TYPE_BASE + code, title, status, detail, challengeId,
                        paymentKept));
    }

    private boolean awaitRelease(CompletableFuture<PaymentSettled> released, String challengeId) {
        try {
            released.get(config.settlementWait().toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            Log.warnf("no payments.settled event for %s within %s", challengeId, config.settlementWait());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return false;
        } finally {
            awaiter.forget(challengeId);
        }
    }

    /** Reports the outcome to payment-service (synchronously: a replay right after must see it) and to the ledger. */
    private void record(SettlementResponse settled, PaidRequest request, UsageOutcome outcome, int upstreamStatus,
            long latencyMs, TokenUsage tokens) {
        try {
            payments.reportOutcome(settled.challengeId(), outcome);
        } catch (RuntimeException e) {
            // the charge stays "outcome unknown" at payment-service, which refuses nothing on that basis
            Log.warnf("outcome %s of %s not reported to payment-service: %s", outcome, settled.challengeId(),
                    e.getMessage());
        }
        usage.publish(new UsageRecorded(UUID.randomUUID().toString(), settled.chargeId(), settled.challengeId(),
                config.provider(), request.route(), request.model(), outcome, tokens.promptTokens(),
                tokens.completionTokens(), tokens.totalTokens(), tokens.reasoningTokens(), tokens.cachedTokens(),
                tokens.units(), upstreamStatus, latencyMs, 0, Instant.now()));
    }

    private void forget(String challengeId) {
        if (challengeId != null) {
            awaiter.forget(challengeId);
        }
    }

    static boolean hasPaymentCredential(List<String> authorization) {
        return authorization != null && authorization.stream()
                .anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("payment "));
    }

    /** The challenge id a credential echoes, to listen for its release; null when unreadable (payment-service decides). */
    private String echoedChallengeId(List<String> authorization) {
        for (String value : authorization) {
            String trimmed = value.trim();
            if (trimmed.regionMatches(true, 0, "Payment ", 0, 8) && !trimmed.contains(",")) {
                try {
                    JsonNode credential = mapper.readTree(java.util.Base64.getUrlDecoder()
                            .decode(trimmed.substring(8).trim().replace("=", "")));
                    JsonNode id = credential.path("challenge").path("id");
                    return id.isTextual() ? id.asText() : null;
                } catch (Exception e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static long elapsedMs(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }
}
