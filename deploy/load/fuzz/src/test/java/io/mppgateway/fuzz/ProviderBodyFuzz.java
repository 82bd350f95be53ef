package io.mppgateway.fuzz;

import static io.mppgateway.fuzz.LiveStack.GROK;
import static io.mppgateway.fuzz.LiveStack.JSON;
import static io.mppgateway.fuzz.LiveStack.MISTRAL;
import static io.mppgateway.fuzz.LiveStack.PROBLEM_BASE;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Provider request bodies, unpaid: valid bodies with one field replaced by any JSON (wrong types, numbers past
 * every integer type, deep structures), extra fields, and bodies that are not JSON at all (bytes, truncations,
 * deep nesting, empty). Sent to the paid routes of both providers without a credential.
 *
 * <p>Every answer: no 5xx; either a 402 payment challenge (problem+json + {@code WWW-Authenticate: Payment}) or the
 * provider's own error format — Mistral's {@code {"object":"error",…}} (or its 422 {@code detail}), xAI's
 * {@code {"code","error"}} or the OpenAI-compatible {@code {"error":{"message",…}}} grok-service uses — never one provider's format on the other's route. After the run: no charge row, no
 * outbox row, no upstream call (nothing unpaid reaches the upstream).
 */
class ProviderBodyFuzz {
    record Route(String provider, String url, String body) {
    }

    static final List<Route> ROUTES = List.of(
            new Route("mistral", MISTRAL + "/mistral/chat",
                    "{\"model\":\"mistral-small-latest\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"" + LiveStack.MARKER + "\"}]}"),
            new Route("mistral", MISTRAL + "/v1/chat/completions",
                    "{\"model\":\"mistral-small-latest\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + LiveStack.MARKER + "\"}]}"),
            new Route("mistral", MISTRAL + "/v1/embeddings", "{\"model\":\"mistral-embed\",\"input\":[\"" + LiveStack.MARKER + "\"]}"),
            new Route("mistral", MISTRAL + "/v1/fim/completions", "{\"model\":\"codestral-latest\",\"prompt\":\"def f(" + LiveStack.MARKER + "\"}"),
            new Route("mistral", MISTRAL + "/mistral/ocr",
                    "{\"model\":\"mistral-ocr-latest\",\"document\":{\"type\":\"document_url\",\"document_url\":\"https://example.com/a.pdf\"}}"),
            new Route("grok", GROK + "/grok/chat",
                    "{\"model\":\"grok-4\",\"max_completion_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"" + LiveStack.MARKER + "\"}]}"),
            new Route("grok", GROK + "/v1/chat/completions",
                    "{\"model\":\"grok-4\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + LiveStack.MARKER + "\"}]}"));

    static LiveStack.State before;

    @BeforeContainer
    static void snapshot() {
        before = LiveStack.State.now();
    }

    @AfterContainer
    static void unpaidBodiesChangedNothing() throws InterruptedException {
        Thread.sleep(1000);
        LiveStack.State after = LiveStack.State.now();
        if (!after.equals(before)) {
            throw new AssertionError("unpaid request bodies changed state: before " + before + ", after " + after);
        }
    }

    @Property
    void bodiesAreChallengedOrRefusedInTheProvidersFormat(@ForAll("route") Route route, @ForAll("body") Body body) {
        LiveStack.Request r = bodyRequest(route, body);
        LiveStack.Answer a = LiveStack.post(r);
        LiveStack.saw(a);
        assertChallengedOrRefused(route, a, r.input());
    }

    /** The property's input as sent (also the volume run's, {@link FuzzVolume}). */
    static LiveStack.Request bodyRequest(Route route, Body body) {
        return new LiveStack.Request(route.url(), body.build(route),
                List.<String[]>of(new String[] {"content-type", body.contentType()}),
                route.url() + " " + body.description());
    }

    /** The body oracle (the property and the volume run): no 5xx, a 402 challenge or the provider's error format. */
    static void assertChallengedOrRefused(Route route, LiveStack.Answer a, String input) {
        String where = " for " + input + " → " + a;
        if (a.status() >= 500) {
            throw new AssertionError("5xx" + where);
        }
        if (a.status() == 402) {
            JsonNode p = a.json();
            if (!a.contentType().startsWith("application/problem+json") || p == null
                    || !p.path("type").asText().startsWith(PROBLEM_BASE) || a.wwwAuthenticate() == null
                    || !a.wwwAuthenticate().startsWith("Payment ")) {
                throw new AssertionError("a 402 must be a payment problem with a challenge" + where);
            }
            return;
        }
        if (a.status() < 400) {
            throw new AssertionError("an unpaid request must not be served" + where);
        }
        JsonNode e = a.json();
        if (e == null) {
            throw new AssertionError("expected a JSON error body" + where);
        }
        boolean mistralFormat = "error".equals(e.path("object").asText()) && e.has("message")
                || a.status() == 422 && e.has("detail");
        // xAI's own flat {"code","error"}, or the OpenAI-compatible nested shape grok-service answers API misuse with
        boolean xaiFormat = e.has("code") && e.path("error").isTextual()
                || e.path("error").isObject() && e.path("error").path("message").isTextual();
        if (route.provider().equals("mistral") ? !mistralFormat : !xaiFormat) {
            throw new AssertionError("expected " + route.provider() + "'s error format" + where);
        }
    }

    record Body(String description, String contentType, java.util.function.Function<Route, byte[]> build) {
        byte[] build(Route r) {
            return build.apply(r);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    @Provide
    Arbitrary<Route> route() {
        return Arbitraries.of(ROUTES);
    }

    @Provide
    Arbitrary<Body> body() {
        Arbitrary<String> field = Arbitraries.of("model", "messages", "max_tokens", "max_completion_tokens", "stream",
                "temperature", "top_p", "n", "stop", "tools", "tool_choice", "response_format", "stream_options",
                "input", "prompt", "suffix", "document", "pages", "random_seed", "safe_prompt", "reasoning_effort",
                "search_parameters", "messages/0/content", "messages/0/role", "messages/0");
        Arbitrary<Body> replaced = Combinators.combine(field, CredentialFuzz.jsonValue(3)).as((f, v) ->
                new Body(f + " := " + v, "application/json", r -> replace(r.body(), f, v)));
        Arbitrary<Body> numbers = Combinators.combine(
                Arbitraries.of("max_tokens", "max_completion_tokens", "temperature", "top_p", "n", "random_seed"),
                Arbitraries.of("1e400", "-1", "9223372036854775808", "18446744073709551616", "-9223372036854775809",
                        "1.0000000000000000000001", "1e-400", "0", "32769", "2147483648", "4294967296"))
                .as((f, n) -> new Body(f + " := " + n, "application/json", r -> {
                    String b = r.body();
                    return (b.substring(0, b.length() - 1) + ",\"" + f + "\":" + n + "}").getBytes(StandardCharsets.UTF_8);
                }));
        Arbitrary<Body> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(300)
                .map(b -> new Body("bytes " + b.length, "application/json", r -> b));
        Arbitrary<Body> truncated = Arbitraries.integers().between(0, 200).map(n -> new Body("truncated at " + n,
                "application/json", r -> java.util.Arrays.copyOf(r.body().getBytes(StandardCharsets.UTF_8),
                        Math.min(n, r.body().length()))));
        Arbitrary<Body> deep = Arbitraries.integers().between(100, 5000).map(n -> new Body("nested " + n,
                "application/json", r -> ("{\"model\":" + "[".repeat(n) + "]".repeat(n) + "}").getBytes(StandardCharsets.UTF_8)));
        Arbitrary<Body> wrongType = Arbitraries.of("text/plain", "application/x-www-form-urlencoded", "", "application/json; charset=latin1")
                .map(t -> new Body("content-type " + t, t.isEmpty() ? "application/octet-stream" : t, r -> r.body().getBytes(StandardCharsets.UTF_8)));
        Arbitrary<Body> extra = Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12),
                CredentialFuzz.jsonValue(2)).as((k, v) -> new Body("extra " + k + " := " + v, "application/json",
                        r -> replace(r.body(), k, v)));
        return Arbitraries.frequencyOf(Tuple.of(6, replaced), Tuple.of(2, numbers), Tuple.of(1, bytes),
                Tuple.of(1, truncated), Tuple.of(1, deep), Tuple.of(1, wrongType), Tuple.of(2, extra));
    }

    /** The body with a (possibly nested: a/0/b) field set to v. */
    static byte[] replace(String body, String path, JsonNode v) {
        try {
            JsonNode root = JSON.readTree(body);
            String[] parts = path.split("/");
            JsonNode node = root;
            for (int i = 0; i < parts.length - 1; i++) {
                JsonNode next = node.isArray() ? node.path(Integer.parseInt(parts[i])) : node.path(parts[i]);
                if (next.isMissingNode() || !next.isContainerNode()) {
                    return JSON.writeValueAsBytes(root);
                }
                node = next;
            }
            String last = parts[parts.length - 1];
            if (node instanceof ObjectNode o) {
                o.set(last, v);
            } else if (node.isArray() && last.matches("\\d+") && Integer.parseInt(last) < node.size()) {
                ((com.fasterxml.jackson.databind.node.ArrayNode) node).set(Integer.parseInt(last), v);
            }
            return JSON.writeValueAsBytes(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
