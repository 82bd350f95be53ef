package io.mppgateway.paywall.service;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.events.UsageRecorded;
import io.mppgateway.contracts.payment.ChargeOutcomeReport;
import io.mppgateway.contracts.payment.ProblemDetails;
import io.mppgateway.contracts.payment.SettlementResponse;
import io.mppgateway.paywall.client.IssuedChallenge;
import io.mppgateway.paywall.client.PaymentGateway;
import io.mppgateway.paywall.client.SettlementOutcome;
import io.mppgateway.paywall.client.StreamingUpstreamClient;
import io.mppgateway.paywall.config.PaywallConfig;
import io.mppgateway.paywall.messaging.SettlementAwaiter;
import io.mppgateway.paywall.messaging.SettlementAwaiter.Release;
import io.mppgateway.paywall.messaging.UsagePublisher;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * The paid call, provider side: no credential → 402 challenge; credential → settle with payment-service → wait for
 * the settled fact (unless payment-service redeemed an undelivered charge, which has no new fact) → call the
 * upstream → answer with the receipt → record usage. Nothing reaches the upstream before payment, and nothing after
 * settlement is ever answered with a fresh challenge.
 */
@ApplicationScoped
public class PaidRouteHandler {
    public static final String PAYMENT_RECEIPT = "Payment-Receipt";
    public static final String EVENT_STREAM = "text/event-stream";

    private final PaymentGateway payments;
    private final SettlementAwaiter awaiter;
    private final UsagePublisher usage;
    private final PaywallConfig config;
    private final ObjectMapper mapper;
    private final StreamingUpstreamClient streams;
    private final CurrentVertxRequest currentRequest;
    private final ScheduledExecutorService streamWatchdog = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("sse-stall-watchdog").daemon().factory());

    public PaidRouteHandler(PaymentGateway payments, SettlementAwaiter awaiter, UsagePublisher usage,
            PaywallConfig config, ObjectMapper mapper, StreamingUpstreamClient streams,
            CurrentVertxRequest currentRequest) {
        this.payments = payments;
        this.awaiter = awaiter;
        this.usage = usage;
        this.config = config;
        this.mapper = mapper;
        this.streams = streams;
        this.currentRequest = currentRequest;
    }

    void stop(@Observes ShutdownEvent shutdown) {
        streamWatchdog.shutdownNow();
    }

    /** A paid call answered with one JSON body. */
    public Response serve(PaidRequest request, UpstreamCall upstream) {
        return settleThen(request, paid -> deliver(request, upstream, paid));
    }

    /** A paid call answered with server-sent events relayed as the upstream sends them. */
    public Response serveStream(PaidRequest request, UpstreamStreamCall upstream) {
        return serveStream(request, upstream, chunk -> false);
    }

    /**
     * Like {@link #serveStream(PaidRequest, UpstreamStreamCall)}, withholding the chunks the buyer did not ask for
     * (their usage is still recorded).
     */
    public Response serveStream(PaidRequest request, UpstreamStreamCall upstream,
            Predicate<JsonNode> withheldFromBuyer) {
        return settleThen(request, paid -> deliverStream(request, upstream, paid, withheldFromBuyer));
    }

    private Response settleThen(PaidRequest request, java.util.function.Function<Paid, Response> delivery) {
        long arrived = System.nanoTime();
        // a bodiless request (GET) has nothing to bind
        String digest = request.body() == null || request.body().length == 0 ? null
                : BodyDigest.sha256(request.body());
        if (!hasPaymentCredential(request.authorization())) {
            return paymentRequired(request, digest);
        }
        String challengeId = echoedChallengeId(request.authorization());
        // this request's own wait: other presentations of the same credential never touch it
        Release release = challengeId == null ? null : awaiter.expect(challengeId);
        try {
            SettlementOutcome outcome;
            try {
                outcome = payments.settle(request.authorization(), request.route(), request.amount(), digest,
                        request.description()).await().indefinitely();
            } catch (RuntimeException e) {
                Log.warnf("payment-service unavailable: %s", e.getMessage());
                return problem(503, "verification-unavailable", "Payment Verification Unavailable",
                        "the payment could not be verified now; nothing was charged twice, retry shortly",
                        challengeId, null).header(HttpHeaders.RETRY_AFTER, "2").build();
            }
            long settledAt = System.nanoTime();
            if (outcome instanceof SettlementOutcome.Rejected rejected) {
                // includes 409 payment-in-progress for a credential whose outcome is not known yet
                return relay(rejected);
            }
            SettlementResponse settled = ((SettlementOutcome.Settled) outcome).settlement();
            // a redeemed charge (paid, not delivered, released again) has no new payments.settled event
            if (!settled.redeemed()) {
                if (release == null || !release.challengeId().equals(settled.challengeId())) {
                    awaiter.forget(release);
                    release = awaiter.expect(settled.challengeId());
                }
                if (!awaitRelease(release)) {
                    Paid paid = new Paid(settled, arrived, settledAt, System.nanoTime());
                    record(paid, request, UsageOutcome.UPSTREAM_FAILED, false, 503, 0, TokenUsage.NONE);
                    return kept(503, settled, "the payment is settled but its release is delayed").build();
                }
            }
            awaiter.forget(release);
            release = null;
            return delivery.apply(new Paid(settled, arrived, settledAt, System.nanoTime()));
        } finally {
            awaiter.forget(release);
        }
    }

    private Response deliver(PaidRequest request, UpstreamCall upstream, Paid paid) {
        long started = System.nanoTime();
        UpstreamResponse answer;
        try {
            answer = upstream.call();
        } catch (RuntimeException e) {
            return upstreamFailed(request, paid, e, elapsedMs(started));
        }
        long latency = elapsedMs(started);
        if (!answer.successful()) {
            return upstreamRefused(request, paid, answer, latency);
        }
        // the upstream answered and the answer is handed to the buyer whole: delivered
        record(paid, request, paid.delivered(), true, answer.status(), latency, answer.usage());
        return Response.status(answer.status())
                .type(answer.contentType())
                .header(PAYMENT_RECEIPT, paid.settled().receipt())
                .header(HttpHeaders.CACHE_CONTROL, "private")
                .header("Server-Timing", paid.serverTiming(latency))
                .entity(answer.body())
                .build();
    }

    private Response deliverStream(PaidRequest request, UpstreamStreamCall upstream, Paid paid,
            Predicate<JsonNode> withheldFromBuyer) {
        long started = System.nanoTime();
        UpstreamStream stream;
        try {
            stream = upstream.open();
        } catch (RuntimeException e) {
            return upstreamFailed(request, paid, e, elapsedMs(started));
        }
        long firstByte = elapsedMs(started);
        if (!stream.successful()) {
            return upstreamRefused(request, paid, streams.readWhole(stream), firstByte);
        }
        RoutingContext exchange = currentRequest.getCurrent();
        SseRelay relay = new SseRelay(stream, paid.delivered(),
                result -> record(paid, request, result.outcome(), result.delivered(), stream.status(),
                        elapsedMs(started), result.usage()),
                mapper, streamWatchdog, config.streamIdleTimeout(),
                exchange == null ? () -> false : () -> exchange.response().closed(), withheldFromBuyer);
        return Response.ok(relay, EVENT_STREAM)
                .header(PAYMENT_RECEIPT, paid.settled().receipt())
                .header(HttpHeaders.CACHE_CONTROL, "private, no-cache")
                .header("X-Accel-Buffering", "no")
                .header("Server-Timing", paid.serverTiming(firstByte))
                .build();
    }

    /** No answer at all after the retries: the payment is kept for a re-presentation. */
    private Response upstreamFailed(PaidRequest request, Paid paid, RuntimeException e, long latency) {
        if (e instanceof UpstreamUnavailableException unavailable) {
            return upstreamRefused(request, paid, unavailable.response(), latency);
        }
        int status = e instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException ? 504
                : e instanceof CircuitBreakerOpenException ? 503 : 502;
        Log.warnf("upstream failed after settlement of %s: %s", paid.settled().challengeId(), e.toString());
        record(paid, request, UsageOutcome.UPSTREAM_FAILED, false, status, latency, TokenUsage.NONE);
        return kept(status, paid.settled(), status == 504 ? "the upstream provider did not answer in time"
                : status == 503 ? "the upstream provider is unavailable" : "the upstream provider could not be reached")
                .build();
    }

    private Response upstreamRefused(PaidRequest request, Paid paid, UpstreamResponse answer, long latency) {
        record(paid, request, UsageOutcome.UPSTREAM_FAILED, false, answer.status(), latency, answer.usage());
        if (answer.status() >= 500 || answer.status() == 429) {
            int status = answer.status() == 429 || answer.status() == 503 ? 503
                    : answer.status() == 504 ? 504 : 502;
            return kept(status, paid.settled(), "the upstream provider failed with " + answer.status()).build();
        }
        // the upstream refused the request itself: pass its error through, the charge stays recorded
        return Response.status(answer.status()).type(answer.contentType()).entity(answer.body()).build();
    }

    private Response paymentRequired(PaidRequest request, String digest) {
        IssuedChallenge challenge;
        try {
            challenge = payments.challenge(request.route(), request.amount(), digest, request.description());
        } catch (IllegalArgumentException e) {
            // terms this route cannot offer (e.g. a split route priced below its fixed splits): configuration
            Log.errorf("no challenge can be offered for %s at %d: %s", request.route(), request.amount(),
                    e.getMessage());
            return problem(500, "payment-unavailable", "Payment Unavailable",
                    "this route cannot be paid for at this price; the operator has to fix its configuration", null,
                    null).build();
        } catch (RuntimeException e) {
            // no issuing terms yet, or payment-service unreachable: nothing was offered, nothing charged
            Log.warnf("no challenge could be issued: %s", e.toString());
            return problem(503, "verification-unavailable", "Payment Unavailable",
                    "a payment cannot be offered right now; retry shortly", null, null)
                    .header(HttpHeaders.RETRY_AFTER, "2").build();
        }
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
                        + "again",
                settled.challengeId(), true)
                .header(HttpHeaders.RETRY_AFTER, "2");
    }

    private static Response.ResponseBuilder problem(int status, String code, String title, String detail,
            String challengeId, Boolean paymentKept) {
        return Response.status(status).type(ProblemDetails.MEDIA_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .entity(new ProblemDetails(ProblemDetails.TYPE_BASE + code, title, status, detail, challengeId,
                        paymentKept));
    }

    private boolean awaitRelease(Release release) {
        try {
            release.settled().get(config.settlementWait().toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            Log.warnf("no payments.settled event for %s within %s", release.challengeId(), config.settlementWait());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return false;
        }
    }

    /**
     * Builds the call's usage event (one per delivery attempt, its own event id) and hands it to payment-service with
     * the outcome, which moves the charge on by it (a delivered charge is not redeemable), and to the ledger.
     *
     * @param delivered whether anything reached the buyer; said explicitly, never derived from the outcome (a
     *                  stream the buyer left after its upstream finished is delivered, and so is part of a stream)
     */
    private void record(Paid paid, PaidRequest request, UsageOutcome outcome, boolean delivered, int upstreamStatus,
            long latencyMs, TokenUsage tokens) {
        SettlementResponse settled = paid.settled();
        // pages are the OCR pages read; upstream costs are not computed yet (pricing integrity, issue 12)
        UsageRecorded event = new UsageRecorded(UUID.randomUUID().toString(), settled.chargeId(),
                settled.challengeId(), config.provider(), request.route(), request.model(), outcome, delivered,
                tokens.promptTokens(), tokens.completionTokens(), tokens.totalTokens(), tokens.reasoningTokens(),
                tokens.cachedTokens(), 0, 0, tokens.units(), 0, upstreamStatus, latencyMs, 0, 0, null,
                Instant.now());
        payments.report(settled.challengeId(), new ChargeOutcomeReport(outcome, event));
        // until payment-service publishes the reported event from its outbox (PLAN 2.1), the paywall does
        usage.publish(event);
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

    /**
     * A settled charge about to be delivered, with when its request arrived, when payment-service answered and when
     * the request was released (all {@link System#nanoTime()}).
     */
    private record Paid(SettlementResponse settled, long arrived, long settledAt, long releasedAt) {

        UsageOutcome delivered() {
            return settled.redeemed() ? UsageOutcome.REDEEMED : UsageOutcome.FULFILLED;
        }

        /** RFC 8673-style Server-Timing, so buyers (and our measurements) see where the time went. */
        String serverTiming(long upstreamMs) {
            return "settle;dur=" + TimeUnit.NANOSECONDS.toMillis(settledAt - arrived)
                    + ", release;dur=" + TimeUnit.NANOSECONDS.toMillis(releasedAt - settledAt)
                    + ", upstream;dur=" + upstreamMs
                    + ", gateway;dur=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - arrived);
        }
    }
}
