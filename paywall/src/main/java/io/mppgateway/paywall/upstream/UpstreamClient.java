package io.mppgateway.paywall.upstream;

import java.net.URI;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.mppgateway.paywall.config.PaywallConfig;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.logging.Log;
import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.tracing.TracingPolicy;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;

import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * The provider's OpenAI-style API (Mistral, xAI: bearer key, base URL, JSON bodies, server-sent events), called
 * after payment without holding a thread: the Vert.x HTTP client, guarded by SmallRye Fault Tolerance. Every
 * attempt is bounded in time (a whole answer by {@code paywall.upstream.timeout} or the operation's own limit, a
 * stream by the wait for its headers); a 429, 5xx or connection error is retried (after the upstream's
 * Retry-After, capped) always before the first byte reaches the buyer; a timeout is not retried (it would only
 * multiply the wait); a circuit breaker stops calling an upstream that keeps failing.
 * <p>
 * Tracing: every attempt is a client span of the buyer's trace, but no trace context is ever sent to the provider
 * (the HTTP client ignores tracing: no traceparent, tracestate or baggage header leaves the gateway).
 */
@ApplicationScoped
public class UpstreamClient {
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final PaywallConfig.Upstream config;
    private final HttpClient http;
    private final String host;
    private final int port;
    private final boolean ssl;
    private final String basePath;
    private final String bearer;
    private final TypedGuard<Uni<UpstreamAnswer>> answers;
    private final TypedGuard<Uni<StreamOpening>> streams;
    private final BreakerWatch answersBreaker;
    private final BreakerWatch streamsBreaker;
    private final Tracer tracer;

    public UpstreamClient(Vertx vertx, PaywallConfig paywall, Tracer tracer) {
        this.tracer = tracer;
        this.config = paywall.upstream();
        URI base = URI.create(config.baseUrl().replaceAll("/+$", ""));
        this.ssl = "https".equalsIgnoreCase(base.getScheme());
        this.host = base.getHost();
        this.port = base.getPort() > 0 ? base.getPort() : ssl ? 443 : 80;
        this.basePath = base.getRawPath() == null ? "" : base.getRawPath();
        this.bearer = "Bearer " + config.apiKey();
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setSsl(ssl).setVerifyHost(true).setForceSni(ssl)
                // never propagate the buyer's trace to Mistral/xAI (the spans are made here, by hand)
                .setTracingPolicy(TracingPolicy.IGNORE)
                .setKeepAlive(true)
                .setMaxPoolSize(config.maxConnections())
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setIdleTimeout(120).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS));
        this.answersBreaker = new BreakerWatch(config.breaker().delay(), System::nanoTime);
        this.streamsBreaker = new BreakerWatch(config.breaker().delay(), System::nanoTime);
        this.answers = guard(new TypeLiteral<Uni<UpstreamAnswer>>() {
        }, "upstream-answers", answersBreaker);
        this.streams = guard(new TypeLiteral<Uni<StreamOpening>>() {
        }, "upstream-streams", streamsBreaker);
    }

    @PreDestroy
    void close() {
        http.close();
    }

    /**
     * Calls the operation from {@code context} (the buyer's event loop) and reads its whole answer, error statuses included (a 4xx is an answer: the upstream
     * refused the request itself). Fails with {@link UpstreamUnavailableException} when 429/5xx persist, with
     * {@link UpstreamConnectionException} when no answer could be had, with a fault-tolerance
     * {@link TimeoutException} when the upstream took too long, or when the breaker is open.
     */
    public Uni<UpstreamAnswer> call(UpstreamOperation operation, Map<String, String> params, String query,
            byte[] body, Context context) {
        String uri = uri(operation, params, query);
        Duration limit = operation.timeout().orElse(config.timeout());
        return answers.get(() -> exchange(operation.method(), uri, "application/json", body, context)
                .onItem().transformToUni(this::readWhole)
                .ifNoItem().after(limit).failWith(() -> new TimeoutException("no answer from the upstream within "
                        + limit)));
    }

    /**
     * Opens a server-sent-events answer: completes once its status and headers are in, with the body paused and
     * unread (or with the upstream's refusal, read whole). Retries happen here, before the first byte.
     */
    public Uni<StreamOpening> open(UpstreamOperation operation, Map<String, String> params, byte[] body,
            Context context) {
        String uri = uri(operation, params, null);
        Duration limit = config.streamHeadersTimeout();
        return streams.get(() -> exchange(operation.method(), uri, "text/event-stream", body, context)
                .onItem().transformToUni(response -> {
                    if (response.statusCode() >= 200 && response.statusCode() < 300) {
                        return Uni.createFrom().<StreamOpening>item(new StreamOpening.Streaming(
                                new UpstreamStream(response)));
                    }
                    return readWhole(response).map(StreamOpening.Refused::new);
                })
                .ifNoItem().after(limit).failWith(() -> new TimeoutException("no stream from the upstream within "
                        + limit)));
    }

    /**
     * Zero when a call of whole answers (or of streams) may go to the upstream now; otherwise how long it would only
     * meet the circuit breaker (see {@link BreakerWatch}). Asked once per paid call, before it is settled: a zero may
     * make this call the breaker's probe.
     */
    public Duration downFor(boolean stream) {
        return (stream ? streamsBreaker : answersBreaker).downFor();
    }

    /** How long calls of this kind would meet the breaker (zero when it is closed), without becoming its probe. */
    public Duration breakerRemaining(boolean stream) {
        return (stream ? streamsBreaker : answersBreaker).remaining();
    }

    /** What opening a stream gave: the stream, or the upstream's (4xx) refusal. */
    public sealed interface StreamOpening {
        record Streaming(UpstreamStream stream) implements StreamOpening {
        }

        record Refused(UpstreamAnswer answer) implements StreamOpening {
        }
    }

    private String uri(UpstreamOperation operation, Map<String, String> params, String query) {
        String path = basePath + operation.path(params);
        return operation.passQuery() && query != null && !query.isEmpty() ? path + "?" + query : path;
    }

    /**
     * One request, made on {@code context} (the buyer's event loop: the response's callbacks run there too);
     * completes with the response once its status and headers are in, paused (its body unread). Cancelling (a
     * timeout) resets the request.
     */
    private Uni<HttpClientResponse> exchange(String method, String uri, String accept, byte[] body,
            Context context) {
        return Uni.createFrom().emitter(emitter -> {
            AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
            AtomicBoolean done = new AtomicBoolean();
            emitter.onTermination(() -> {
                HttpClientRequest request = sent.get();
                if (done.compareAndSet(false, true) && request != null) {
                    request.reset(); // cancelled before the headers came: drop the connection
                }
            });
            context.runOnContext(started -> request(method, uri, accept, body, emitter, sent, done));
        });
    }

    private void request(String method, String uri, String accept, byte[] body,
            io.smallrye.mutiny.subscription.UniEmitter<? super HttpClientResponse> emitter,
            AtomicReference<HttpClientRequest> sent, AtomicBoolean done) {
        if (done.get()) {
            return; // cancelled before it started
        }
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.valueOf(method)).setHost(host)
                .setPort(port).setSsl(ssl).setURI(uri)
                .putHeader(HttpHeaders.AUTHORIZATION, bearer)
                .putHeader(HttpHeaders.ACCEPT, accept);
        boolean hasBody = body != null && !"GET".equals(method);
        if (hasBody) {
            options.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        }
        Span span = tracer.spanBuilder("upstream " + method + " " + uri.replaceFirst("\\?.*", ""))
                .setSpanKind(SpanKind.CLIENT).setAttribute("http.request.method", method)
                .setAttribute("server.address", host).setAttribute("server.port", (long) port)
                .setAttribute("url.path", uri.replaceFirst("\\?.*", "")).startSpan();
        http.request(options).onComplete(opened -> {
            if (opened.failed()) {
                done.set(true);
                span.setStatus(StatusCode.ERROR, String.valueOf(opened.cause()));
                span.end();
                emitter.fail(new UpstreamConnectionException(opened.cause()));
                return;
            }
            HttpClientRequest request = opened.result();
            sent.set(request);
            if (done.get()) {
                request.reset(); // cancelled while the connection was being made
                span.end();
                return;
            }
            (hasBody ? request.send(Buffer.buffer(body)) : request.send()).onComplete(answered -> {
                if (!done.compareAndSet(false, true)) {
                    span.setStatus(StatusCode.ERROR, "cancelled");
                    span.end();
                    if (answered.succeeded()) {
                        answered.result().request().reset(); // answered after a timeout: nobody reads it
                    }
                    return;
                }
                if (answered.failed()) {
                    span.setStatus(StatusCode.ERROR, String.valueOf(answered.cause()));
                    span.end();
                    emitter.fail(new UpstreamConnectionException(answered.cause()));
                    return;
                }
                HttpClientResponse response = answered.result();
                span.setAttribute("http.response.status_code", (long) response.statusCode());
                if (response.statusCode() >= 500 || response.statusCode() == 429) {
                    span.setStatus(StatusCode.ERROR);
                }
                span.end(); // the exchange: until the status and headers are in (a stream's body is the relay's)
                response.pause(); // whoever reads it sets its handlers first
                emitter.complete(response);
            });
        });
    }

    /** Reads an answer whole (bounded for errors); a 429/5xx fails, so that it is retried. */
    private Uni<UpstreamAnswer> readWhole(HttpClientResponse response) {
        return Uni.createFrom().emitter(emitter -> {
            response.body().onComplete(read -> {
                if (read.failed()) {
                    emitter.fail(new UpstreamConnectionException(read.cause()));
                    return;
                }
                byte[] bytes = read.result().getBytes();
                String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
                UpstreamAnswer answer = new UpstreamAnswer(response.statusCode(),
                        type == null ? "application/json" : type, bytes,
                        UpstreamAnswer.parseRetryAfter(response.getHeader("Retry-After")));
                if (answer.retryable()) {
                    byte[] bounded = bytes.length > MAX_ERROR_BODY ? java.util.Arrays.copyOf(bytes, MAX_ERROR_BODY)
                            : bytes;
                    emitter.fail(new UpstreamUnavailableException(new UpstreamAnswer(answer.status(),
                            answer.contentType(), bounded, answer.retryAfterSeconds())));
                } else {
                    emitter.complete(answer);
                }
            });
            response.resume();
        });
    }

    private <T> TypedGuard<Uni<T>> guard(TypeLiteral<Uni<T>> type, String name, BreakerWatch watch) {
        long delayMs = config.retryDelay().toMillis();
        long jitterMs = config.retryJitter().toMillis();
        long maxRetryAfterMs = config.maxRetryAfter().toMillis();
        TypedGuard.Builder<Uni<T>> builder = TypedGuard.create(type).withDescription(name)
                .withThreadOffload(false)
                .withRetry().maxRetries(config.retries())
                .delay(0, ChronoUnit.MILLIS).jitter(0, ChronoUnit.MILLIS)
                .retryOn(List.of(UpstreamUnavailableException.class, UpstreamConnectionException.class))
                .withCustomBackoff().strategy(() -> new RetryAfterBackoff(delayMs, jitterMs, maxRetryAfterMs)).done()
                .beforeRetry(failure -> Log.debugf("retrying the upstream after %s", failure.toString()))
                .done();
        PaywallConfig.Breaker breaker = config.breaker();
        if (breaker.enabled()) {
            builder = builder.withCircuitBreaker().name(name)
                    .requestVolumeThreshold(breaker.requestVolumeThreshold())
                    .failureRatio(breaker.failurePercent() / 100.0)
                    .delay(breaker.delay().toMillis(), ChronoUnit.MILLIS)
                    .onStateChange(watch::changed)
                    .done();
        }
        return builder.build();
    }

    /**
     * The pause before a retry: the configured delay and jitter, plus what the upstream asked for with Retry-After
     * (capped, so that a paid buyer is not held for minutes). Waited on a timer, not on a thread.
     */
    static final class RetryAfterBackoff implements CustomBackoffStrategy {
        private final long delayMs;
        private final long jitterMs;
        private final long maxRetryAfterMs;

        RetryAfterBackoff(long delayMs, long jitterMs, long maxRetryAfterMs) {
            this.delayMs = delayMs;
            this.jitterMs = jitterMs;
            this.maxRetryAfterMs = maxRetryAfterMs;
        }

        @Override
        public long nextDelayInMillis(Throwable cause) {
            long delay = delayMs + (jitterMs > 0 ? ThreadLocalRandom.current().nextLong(jitterMs + 1) : 0);
            if (cause instanceof UpstreamUnavailableException unavailable
                    && unavailable.answer().retryAfterSeconds() >= 0) {
                delay += Math.min(unavailable.answer().retryAfterSeconds() * 1000, maxRetryAfterMs);
            }
            return delay;
        }
    }
}
