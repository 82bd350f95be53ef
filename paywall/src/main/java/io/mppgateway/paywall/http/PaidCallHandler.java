package io.mppgateway.paywall.http;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.events.UsageRecorded;
import io.mppgateway.contracts.payment.ChargeOutcomeReport;
import io.mppgateway.contracts.payment.SettlementResponse;
import io.mppgateway.paywall.client.IssuedChallenge;
import io.mppgateway.paywall.client.PaymentGateway;
import io.mppgateway.paywall.client.SettlementOutcome;
import io.mppgateway.paywall.config.PaywallConfig;
import io.mppgateway.paywall.messaging.SettlementAwaiter;
import io.mppgateway.paywall.messaging.SettlementAwaiter.Release;
import io.mppgateway.paywall.metrics.PaywallMetrics;
import io.mppgateway.paywall.pricing.InvalidRequestException;
import io.mppgateway.paywall.relay.SseRelay;
import io.mppgateway.paywall.route.AnswerShaper;
import io.mppgateway.paywall.route.PaidCall;
import io.mppgateway.paywall.route.PaidRoute;
import io.mppgateway.paywall.route.Quote;
import io.mppgateway.paywall.route.RouteTable;
import io.mppgateway.paywall.route.SoldPath;
import io.mppgateway.paywall.route.UpstreamRequest;
import io.mppgateway.paywall.upstream.UpstreamAnswer;
import io.mppgateway.paywall.upstream.UpstreamClient;
import io.mppgateway.paywall.upstream.UpstreamClient.StreamOpening;
import io.mppgateway.paywall.upstream.UpstreamUnavailableException;
import io.mppgateway.paywall.usage.Usage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * The paid call, provider side, for any declared route: validate and price (refused in the provider's error shape
 * before any payment) → no credential: 402 with a challenge bound to route, amount and body digest → credential:
 * settle with payment-service → wait for the settled fact on Kafka (unless payment-service redeemed an undelivered
 * charge, which has no new fact) → call the upstream → answer with the receipt (JSON, or the upstream's events
 * relayed) → record the outcome. Nothing reaches the upstream before payment, and nothing after settlement is ever
 * answered with a fresh challenge.
 * <p>
 * No step holds a thread: every wait (payment-service, the settled fact, the upstream, a stream) is a callback on
 * the request's Vert.x event loop, where everything touching the request runs.
 */
@ApplicationScoped
public class PaidCallHandler {
    private static final String SSE = "text/event-stream";
    // the release event is late (a broker hiccup): it usually follows within seconds
    private static final Duration RELEASE_RETRY_AFTER = Duration.ofSeconds(2);

    private final PaymentGateway payments;
    private final SettlementAwaiter awaiter;
    private final PaywallConfig config;
    private final ObjectMapper mapper;
    private final UpstreamClient upstream;
    private final Vertx vertx;
    private final Answers answers;
    private final PaywallMetrics metrics;
    private final Tracer tracer;

    public PaidCallHandler(PaymentGateway payments, SettlementAwaiter awaiter, PaywallConfig config,
            ObjectMapper mapper, UpstreamClient upstream, Vertx vertx, PaywallMetrics metrics, Tracer tracer) {
        this.payments = payments;
        this.awaiter = awaiter;
        this.config = config;
        this.mapper = mapper;
        this.upstream = upstream;
        this.vertx = vertx;
        this.answers = new Answers(mapper);
        this.metrics = metrics;
        this.tracer = tracer;
    }

    /** One paid request, on its event loop (the route's body handler has read the body). */
    public void handle(RouteTable table, PaidRoute route, SoldPath sold, RoutingContext ctx) {
        long arrived = System.nanoTime();
        HttpServerResponse response = ctx.response();
        metrics.callStarted();
        ctx.addEndHandler(ended -> metrics.callEnded());
        Buffer received = ctx.body().buffer();
        byte[] body = received == null ? new byte[0] : received.getBytes();
        PaidCall call = new PaidCall(route.name(), sold.method(), ctx.request().path(), ctx.pathParams(),
                ctx.request().query(), body, mapper);
        Quote quote;
        UpstreamRequest toUpstream;
        try {
            InvalidRequestException.requireAtMost(body, route.maxBodyBytes().orElse(config.maxBodyBytes()));
            quote = route.price().quote(call);
            toUpstream = route.shaper().shape(call, quote);
        } catch (InvalidRequestException e) {
            metrics.request(route.name(), "invalid");
            answers.refused(response, table.errors(), e);
            return;
        }
        Call paid = new Call(route, call, quote, toUpstream, ctx, Vertx.currentContext(), arrived);
        List<String> authorization = ctx.request().headers().getAll(HttpHeaders.AUTHORIZATION);
        if (!hasPaymentCredential(authorization)) {
            paymentRequired(paid);
        } else {
            settle(paid, authorization);
        }
    }

    // --- 402 ---

    private void paymentRequired(Call paid) {
        IssuedChallenge challenge;
        try {
            // minted in-process (an HMAC), so on the event loop: no thread hop, no network hop
            challenge = payments.challenge(paid.call.path(), paid.quote.amount(), paid.digest(), paid.description());
        } catch (RuntimeException failure) {
            metrics.request(paid.route.name(), "payment_unavailable");
            HttpServerResponse response = paid.ctx.response();
            if (failure instanceof IllegalArgumentException) {
                // terms this route cannot offer (e.g. a split route priced below its fixed splits)
                Log.errorf("no challenge can be offered for %s at %d: %s", paid.call.path(), paid.quote.amount(),
                        failure.getMessage());
                answers.problem(response, 500, "payment-unavailable", "Payment Unavailable",
                        "this route cannot be paid for at this price; the operator has to fix its configuration",
                        null, null, null);
            } else {
                // no charge terms from payment-service yet: nothing offered, nothing charged
                Log.warnf("no challenge could be issued: %s", failure.toString());
                answers.problem(response, 503, "verification-unavailable", "Payment Unavailable",
                        "a payment cannot be offered right now; retry shortly", null, null, "2");
            }
            return;
        }
        challenged(paid, challenge);
    }

    private void challenged(Call paid, IssuedChallenge challenge) {
        metrics.request(paid.route.name(), "challenged");
        HttpServerResponse response = paid.ctx.response();
        response.putHeader("WWW-Authenticate", challenge.wwwAuthenticate());
        answers.problem(response, 402, "payment-required", "Payment Required", "Payment is required ("
                + paid.description() + "): " + paid.quote.amount() + " base units of pathUSD",
                challenge.challengeId(), null, null);
    }

    // --- settlement and release ---

    private void settle(Call paid, List<String> authorization) {
        String echoed = echoedChallengeId(authorization);
        // this request's own wait: other presentations of the same credential never touch it
        Release release = echoed == null ? null : awaiter.expect(echoed);
        // while the upstream's breaker is open, payment-service takes no pull payment and spends no redemption
        int upstreamDownFor = (int) Math.min(Integer.MAX_VALUE, ceilSeconds(upstream.downFor(paid.streams())));
        Uni<SettlementOutcome> settling;
        try {
            settling = payments.settle(authorization, paid.call.path(), paid.quote.amount(), paid.digest(),
                    paid.description(), upstreamDownFor);
        } catch (RuntimeException e) {
            settling = Uni.createFrom().failure(e);
        }
        settling.emitOn(paid.onContext()).subscribe().with(outcome -> {
            paid.settledAt = System.nanoTime();
            if (outcome instanceof SettlementOutcome.Rejected rejected) {
                // includes 409 payment-in-progress for a credential whose outcome is not known yet
                awaiter.forget(release);
                metrics.request(paid.route.name(), "rejected");
                answers.rejected(paid.ctx.response(), rejected);
                return;
            }
            SettlementOutcome.Settled settled = (SettlementOutcome.Settled) outcome;
            paid.settled = settled.settlement();
            paid.paymentTiming = settled.serverTiming();
            if (!paid.settled.redeemed()) {
                metrics.revenue(paid.route.name(), paid.quote.model(), paid.quote.amount());
            }
            if (paid.settled.redeemed()) {
                // a charge paid but not delivered, released again: no new payments.settled event follows
                awaiter.forget(release);
                metrics.release(paid.route.name(), "redeemed", 0);
                released(paid);
            } else {
                Release mine = release;
                if (mine == null || !mine.challengeId().equals(paid.settled.challengeId())) {
                    awaiter.forget(mine);
                    mine = awaiter.expect(paid.settled.challengeId());
                }
                awaitRelease(paid, mine);
            }
        }, failure -> {
            awaiter.forget(release);
            metrics.request(paid.route.name(), "payment_unavailable");
            Log.warnf("payment-service unavailable: %s", failure.toString());
            answers.problem(paid.ctx.response(), 503, "verification-unavailable",
                    "Payment Verification Unavailable",
                    "the payment could not be verified now; nothing was charged twice, retry shortly", echoed, null,
                    "2");
        });
    }

    private void awaitRelease(Call paid, Release release) {
        // the wait for payments.settled, as a span of the buyer's trace (the event's consumer span is in it too)
        Span waiting = tracer.spanBuilder("paywall release").setAttribute("mpp.challenge_id", release.challengeId())
                .startSpan();
        Uni.createFrom().completionStage(release.settled())
                .ifNoItem().after(config.settlementWait()).recoverWithItem(() -> null)
                .onFailure().recoverWithNull()
                .emitOn(paid.onContext())
                .subscribe().with(released -> {
                    awaiter.forget(release);
                    waiting.setAttribute("paywall.release.result", released == null ? "delayed" : "released");
                    if (released == null) {
                        waiting.setStatus(StatusCode.ERROR, "no payments.settled event within the wait");
                    }
                    waiting.end();
                    if (released == null) {
                        Log.warnf("no payments.settled event for %s within %s", release.challengeId(),
                                config.settlementWait());
                        paid.releasedAt = System.nanoTime();
                        metrics.release(paid.route.name(), "delayed", paid.releasedAt - paid.settledAt);
                        record(paid, UsageOutcome.UPSTREAM_FAILED, false, 503, 0, Usage.NONE);
                        answers.kept(paid.ctx.response(), 503, paid.settled.challengeId(), paid.settled.txHash(),
                                "the payment is settled but its release is delayed", RELEASE_RETRY_AFTER);
                        return;
                    }
                    metrics.release(paid.route.name(), "released", System.nanoTime() - paid.settledAt);
                    released(paid);
                });
    }

    /** Settled and released: buy the answer, unless the buyer has gone meanwhile. */
    private void released(Call paid) {
        paid.releasedAt = System.nanoTime();
        if (paid.ctx.response().closed()) {
            // nothing was bought upstream and nothing delivered: the payment stays redeemable
            record(paid, UsageOutcome.CLIENT_GONE, false, 0, 0, Usage.NONE);
            return;
        }
        if (paid.streams()) {
            deliverStream(paid);
        } else {
            deliver(paid);
        }
    }

    // --- the upstream ---

    private void deliver(Call paid) {
        long started = System.nanoTime();
        paid.upstreamCalled = true;
        Uni<UpstreamAnswer> answering;
        try {
            answering = upstream.call(paid.route.upstream(), paid.call.pathParams(), paid.call.query(),
                    paid.toUpstream.body(), paid.context);
        } catch (RuntimeException e) {
            answering = Uni.createFrom().failure(e);
        }
        answering.emitOn(paid.onContext()).subscribe().with(answer -> {
            long latency = elapsedMs(started);
            if (!answer.successful()) {
                upstreamRefused(paid, answer, latency);
                return;
            }
            Usage used = readUsage(paid, answer);
            HttpServerResponse response = paid.ctx.response();
            // the upstream answered and the answer is handed to the buyer whole: delivered
            record(paid, paid.whole(), true, answer.status(), latency, used);
            if (response.closed()) {
                return;
            }
            response.setStatusCode(answer.status())
                    .putHeader(HttpHeaders.CONTENT_TYPE, answer.contentType())
                    .putHeader(Answers.PAYMENT_RECEIPT, paid.settled.receipt())
                    .putHeader(HttpHeaders.CACHE_CONTROL, "private")
                    .putHeader(Answers.SERVER_TIMING, paid.serverTiming(latency))
                    .end(Buffer.buffer(toBuyer(paid, answer)));
        }, failure -> upstreamFailed(paid, failure, elapsedMs(started)));
    }

    /** The answer as the route hands it to the buyer (the upstream's bytes unless it shapes JSON answers). */
    private byte[] toBuyer(Call paid, UpstreamAnswer answer) {
        if (paid.route.answer() == AnswerShaper.AS_IS || answer.contentType() == null
                || !answer.contentType().contains("json")) {
            return answer.body();
        }
        try {
            return paid.route.answer().shape(answer.body(), mapper.readTree(answer.body()));
        } catch (Exception e) {
            Log.warnf("answer of %s passed on as it came: %s", paid.route.name(), e.toString());
            return answer.body();
        }
    }

    private void deliverStream(Call paid) {
        long started = System.nanoTime();
        paid.upstreamCalled = true;
        Uni<StreamOpening> opening;
        try {
            opening = upstream.open(paid.route.upstream(), paid.call.pathParams(), paid.toUpstream.body(),
                    paid.context);
        } catch (RuntimeException e) {
            opening = Uni.createFrom().failure(e);
        }
        opening.emitOn(paid.onContext()).subscribe().with(opened -> {
            long firstByte = elapsedMs(started);
            if (opened instanceof StreamOpening.Refused refused) {
                upstreamRefused(paid, refused.answer(), firstByte);
                return;
            }
            StreamOpening.Streaming streaming = (StreamOpening.Streaming) opened;
            HttpServerResponse response = paid.ctx.response();
            response.setStatusCode(200).setChunked(true)
                    .putHeader(HttpHeaders.CONTENT_TYPE, SSE)
                    .putHeader(Answers.PAYMENT_RECEIPT, paid.settled.receipt())
                    .putHeader(HttpHeaders.CACHE_CONTROL, "private, no-cache")
                    .putHeader("X-Accel-Buffering", "no")
                    .putHeader(Answers.SERVER_TIMING, paid.serverTiming(firstByte));
            metrics.streamOpened();
            new SseRelay(streaming.stream(), response, paid.whole(),
                    result -> {
                        metrics.streamClosed();
                        record(paid, result.outcome(), result.delivered(), streaming.stream().status(),
                                elapsedMs(started), result.usage());
                    },
                    mapper, vertx, config.streamIdleTimeout(), paid.toUpstream.withheldFromBuyer()).start();
        }, failure -> upstreamFailed(paid, failure, elapsedMs(started)));
    }

    /** No answer at all after the retries: the payment is kept for a re-presentation. */
    private void upstreamFailed(Call paid, Throwable failure, long latency) {
        if (failure instanceof UpstreamUnavailableException unavailable) {
            upstreamRefused(paid, unavailable.answer(), latency);
            return;
        }
        int status = failure instanceof TimeoutException ? 504 : failure instanceof CircuitBreakerOpenException ? 503
                : 502;
        Log.warnf("upstream failed after settlement of %s: %s", paid.settled.challengeId(), failure.toString());
        record(paid, UsageOutcome.UPSTREAM_FAILED, false, status, latency, Usage.NONE);
        answers.kept(paid.ctx.response(), status, paid.settled.challengeId(), paid.settled.txHash(),
                status == 504 ? "the upstream provider did not answer in time"
                        : status == 503 ? "the upstream provider is unavailable"
                                : "the upstream provider could not be reached",
                failure instanceof CircuitBreakerOpenException ? breakerRetryAfter(paid)
                        : config.upstream().keptRetryAfter());
    }

    private void upstreamRefused(Call paid, UpstreamAnswer answer, long latency) {
        record(paid, UsageOutcome.UPSTREAM_FAILED, false, answer.status(), latency, readUsage(paid, answer));
        if (answer.retryable()) {
            int status = answer.status() == 429 || answer.status() == 503 ? 503 : answer.status() == 504 ? 504 : 502;
            answers.kept(paid.ctx.response(), status, paid.settled.challengeId(), paid.settled.txHash(),
                    "the upstream provider failed with " + answer.status(), config.upstream().keptRetryAfter());
            return;
        }
        // the upstream refused the request itself: pass its error through, the charge stays recorded
        HttpServerResponse response = paid.ctx.response();
        if (!response.closed()) {
            response.setStatusCode(answer.status()).putHeader(HttpHeaders.CONTENT_TYPE, answer.contentType())
                    .end(Buffer.buffer(answer.body()));
        }
    }

    private Usage readUsage(Call paid, UpstreamAnswer answer) {
        JsonNode parsed = null;
        if (answer.contentType() != null && answer.contentType().contains("json")) {
            try {
                parsed = mapper.readTree(answer.body());
            } catch (Exception e) {
                // not JSON after all: nothing to count from it
            }
        }
        try {
            return paid.route.usage().read(paid.call, paid.quote, answer.body(), parsed);
        } catch (RuntimeException e) {
            Log.warnf("usage of %s unreadable: %s", paid.route.name(), e.toString());
            return Usage.NONE;
        }
    }

    // --- the record ---

    /**
     * Builds the call's usage event (one per delivery attempt, its own event id) and hands it to payment-service with
     * the outcome: payment-service moves the charge on by it (a delivered charge is not redeemable) and writes the
     * event to its outbox in the same transaction, from which it reaches the ledger even across a Kafka outage. The
     * provider publishes nothing itself: one path, one event per attempt.
     *
     * @param delivered whether anything reached the buyer; said explicitly, never derived from the outcome
     */
    private void record(Call paid, UsageOutcome outcome, boolean delivered, int upstreamStatus, long latencyMs,
            Usage used) {
        SettlementResponse settled = paid.settled;
        long upstreamCost;
        try {
            upstreamCost = paid.quote.upstreamCost().applyAsLong(used);
        } catch (RuntimeException e) {
            upstreamCost = 0;
        }
        UsageRecorded event = new UsageRecorded(UUID.randomUUID().toString(), settled.chargeId(),
                settled.challengeId(), config.provider(), paid.call.path(), paid.quote.model(), outcome, delivered,
                used.promptTokens(), used.completionTokens(), used.totalTokens(), used.reasoningTokens(),
                used.cachedTokens(), used.images(), used.characters(), used.pages(), used.toolCalls(),
                upstreamStatus, latencyMs, upstreamCost, paid.quote.quotedUpstreamCost(), used.costInUsdTicks(),
                Instant.now());
        metrics.recorded(paid.route.name(), paid.quote.model(), outcome, upstreamCost, used);
        if (paid.upstreamCalled) {
            metrics.upstream(paid.route.name(), upstreamStatus, latencyMs);
        }
        ChargeOutcomeReport report = new ChargeOutcomeReport(outcome, event);
        // off the response path (in this request's trace), retried by the gateway while payment-service is unreachable
        payments.report(settled.challengeId(), report);
    }

    // --- helpers ---

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
                    JsonNode credential = mapper.readTree(Base64.getUrlDecoder()
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

    /** The open breaker's remaining delay: when the same credential can meet an upstream call again. */
    private Duration breakerRetryAfter(Call paid) {
        Duration left = upstream.breakerRemaining(paid.streams());
        return left.isZero() ? config.upstream().breaker().delay() : Duration.ofSeconds(ceilSeconds(left));
    }

    private static long ceilSeconds(Duration duration) {
        return duration.isZero() ? 0 : (duration.toMillis() + 999) / 1000;
    }

    private static long elapsedMs(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    /** One paid call on its way: what was asked and priced, where it runs, and how far it got. */
    private static final class Call {
        final PaidRoute route;
        final PaidCall call;
        final Quote quote;
        final UpstreamRequest toUpstream;
        final RoutingContext ctx;
        final Context context;
        final long arrived;
        long settledAt;
        long releasedAt;
        boolean upstreamCalled;
        SettlementResponse settled;
        String paymentTiming;

        Call(PaidRoute route, PaidCall call, Quote quote, UpstreamRequest toUpstream, RoutingContext ctx,
                Context context, long arrived) {
            this.route = route;
            this.call = call;
            this.quote = quote;
            this.toUpstream = toUpstream;
            this.ctx = ctx;
            this.context = context;
            this.arrived = arrived;
        }

        /** Callbacks come back to the request's event loop, where everything touching the request runs. */
        Executor onContext() {
            return command -> context.runOnContext(v -> command.run());
        }

        /** RFC 9530 digest of the exact body bytes; a bodiless request (GET) has nothing to bind. */
        String digest() {
            return call.hasBody() ? BodyDigest.sha256(call.body()) : null;
        }

        /** ASCII text of the challenge: the route's description and the quote's detail. */
        String description() {
            return route.description() + (quote.detail() == null ? "" : " (" + quote.detail() + ")");
        }

        /** Whether the answer is relayed as a stream (the route streams and the buyer asked for one). */
        boolean streams() {
            return quote.stream() && route.streaming();
        }

        UsageOutcome whole() {
            return settled.redeemed() ? UsageOutcome.REDEEMED : UsageOutcome.FULFILLED;
        }

        /**
         * Server-Timing, so buyers (and our measurements) see where the time went: settle (the whole call to
         * payment-service; of it, payment = its own time and chain = the node's share, as it says), release (the wait
         * for the payments.settled fact), upstream, gateway (all of it). The outcome report is sent afterwards.
         */
        String serverTiming(long upstreamMs) {
            return "settle;dur=" + TimeUnit.NANOSECONDS.toMillis(settledAt - arrived)
                    + (paymentTiming == null || paymentTiming.isBlank() ? "" : ", " + paymentTiming)
                    + ", release;dur=" + TimeUnit.NANOSECONDS.toMillis(releasedAt - settledAt)
                    + ", upstream;dur=" + upstreamMs
                    + ", gateway;dur=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - arrived);
        }
    }
}
