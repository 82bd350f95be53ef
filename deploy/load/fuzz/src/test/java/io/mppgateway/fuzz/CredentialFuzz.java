package io.mppgateway.fuzz;

import static io.mppgateway.fuzz.LiveStack.GROK;
import static io.mppgateway.fuzz.LiveStack.JSON;
import static io.mppgateway.fuzz.LiveStack.MISTRAL;
import static io.mppgateway.fuzz.LiveStack.PROBLEM_BASE;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import org.bouncycastle.jcajce.provider.digest.Keccak;

/**
 * Credentials and headers a buyer may send, most of them wrong: {@code Authorization: Payment …} values that are
 * garbage, base64url of arbitrary JSON, or a real challenge echoed with mutated fields and a payload of every type —
 * Tempo transactions built field by field with out-of-range numbers (chainId ≥ 2^63, huge validBefore, fees up to
 * 2^256), truncated or bit-flipped RLP, hashes and proofs of the wrong shape — and sets of Authorization /
 * Payment-* headers. Sent to the providers' public paid routes (the path a real buyer takes; it survives refactors
 * of payment-service and the paywall).
 *
 * <p>Every answer: no 5xx; the payment problem format the client expects (application/problem+json with a
 * paymentauth.org problem type; a 402 carries a fresh {@code WWW-Authenticate: Payment} challenge). After the run:
 * no charge row, no outbox row and no upstream call was added (nothing the fuzzer sends can pay).
 */
class CredentialFuzz {
    static final BigInteger TWO = BigInteger.TWO;
    static final String PATH_USD = "0x20c0000000000000000000000000000000000000";
    static final String RECIPIENT = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
    static final Map<String, Route> ROUTES = Map.of(
            "mistral", new Route(MISTRAL + "/mistral/chat",
                    "{\"model\":\"mistral-small-latest\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"" + LiveStack.MARKER + "\"}]}"),
            "grok", new Route(GROK + "/grok/chat",
                    "{\"model\":\"grok-4\",\"max_completion_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"" + LiveStack.MARKER + "\"}]}"));

    record Route(String url, String body) {
    }

    static LiveStack.State before;

    @BeforeContainer
    static void snapshot() {
        before = LiveStack.State.now();
    }

    @AfterContainer
    static void rejectedInputChangedNothing() throws InterruptedException {
        Thread.sleep(1000); // an outbox row or upstream call caused by the last tries would show by now
        LiveStack.State.now().unchangedSince(before, "rejected credentials");
    }

    // ------------------------------------------------------------------ properties

    @Property
    void credentialsAreRefusedInThePaymentProblemFormat(@ForAll("provider") String provider,
            @ForAll("credential") Fuzzed credential) {
        LiveStack.Request r = credentialRequest(provider, credential);
        assertPaymentProblem(send(r), r.input());
    }

    @Property
    void headerSetsAreRefusedInThePaymentProblemFormat(@ForAll("provider") String provider,
            @ForAll("headerSet") List<Fuzzed> headerSet) {
        LiveStack.Request r = headerSetRequest(provider, headerSet);
        assertHeaderSetAnswer(send(r), r.input());
    }

    /** The credential property's input as sent (also the volume run's, {@link FuzzVolume}). */
    static LiveStack.Request credentialRequest(String provider, Fuzzed credential) {
        Route route = ROUTES.get(provider);
        return new LiveStack.Request(route.url(), route.body().getBytes(StandardCharsets.UTF_8),
                List.of(new String[] {"content-type", "application/json"},
                        new String[] {"authorization", credential.value(challenge(provider))}),
                credential.description());
    }

    /** The header-set property's input as sent (also the volume run's). */
    static LiveStack.Request headerSetRequest(String provider, List<Fuzzed> headerSet) {
        Route route = ROUTES.get(provider);
        Challenge c = challenge(provider);
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"content-type", "application/json"});
        StringBuilder d = new StringBuilder();
        for (Fuzzed h : headerSet) {
            String[] nv = h.value(c).split(":", 2);
            headers.add(new String[] {nv[0], nv[1]});
            d.append(h.description()).append("; ");
        }
        return new LiveStack.Request(route.url(), route.body().getBytes(StandardCharsets.UTF_8), headers, d.toString());
    }

    private static LiveStack.Answer send(LiveStack.Request r) {
        try {
            LiveStack.Answer a = LiveStack.post(r);
            LiveStack.saw(a);
            return a;
        } catch (IllegalArgumentException e) {
            Assume.that(false); // a header value java.net.http refuses to send (control characters): not sendable
            return null;
        }
    }

    /** The header-set oracle: the HTTP server's own header size limit, else {@link #assertPaymentProblem}. */
    static void assertHeaderSetAnswer(LiveStack.Answer a, String input) {
        if (a.status() == 431 || a.status() == 413) {
            return; // the HTTP server's own header size limit, before any application code
        }
        assertPaymentProblem(a, input);
    }

    /**
     * Known bugs tolerated until their fix lands (-Dfuzz.tolerate=a,b; deploy/test.sh lists them). None at present:
     * {@code out-of-range-503} (chainId or validBefore beyond 63 bits answered 503) was fixed by issue 9 item 8.
     */
    static final java.util.Set<String> TOLERATED = java.util.Set.of(System.getProperty("fuzz.tolerate", "").split(","));

    /** The credential oracle (the properties and the volume run): no 5xx, the payment problem format. */
    static void assertPaymentProblem(LiveStack.Answer a, String input) {
        String where = " for " + input + " → " + a;
        if (a.status() >= 500) {
            throw new AssertionError("5xx" + where);
        }
        if (a.status() != 400 && a.status() != 402) {
            throw new AssertionError("expected 400 or 402" + where);
        }
        if (!a.contentType().startsWith("application/problem+json")) {
            throw new AssertionError("expected application/problem+json" + where);
        }
        JsonNode p = a.json();
        if (p == null || !p.path("type").asText().startsWith(PROBLEM_BASE) || p.path("status").asInt() != a.status()) {
            throw new AssertionError("expected a paymentauth.org problem with its status" + where);
        }
        if (a.status() == 402 && (a.wwwAuthenticate() == null || !a.wwwAuthenticate().startsWith("Payment "))) {
            throw new AssertionError("a 402 must carry a fresh Payment challenge" + where);
        }
    }

    // ------------------------------------------------------------------ real challenges (the part a fuzzer cannot guess)

    record Challenge(Map<String, String> params, long amount, String realm) {
    }

    private static final Map<String, Challenge> CHALLENGES = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> USES = new ConcurrentHashMap<>();

    /** A real challenge for the provider's fixed body, renewed every 200 uses (challenges expire). */
    static Challenge challenge(String provider) {
        AtomicInteger uses = USES.computeIfAbsent(provider, p -> new AtomicInteger());
        if (uses.incrementAndGet() % 200 == 1 || !CHALLENGES.containsKey(provider)) {
            Route route = ROUTES.get(provider);
            LiveStack.Answer a = LiveStack.post(route.url(), route.body().getBytes(StandardCharsets.UTF_8),
                    List.<String[]>of(new String[] {"content-type", "application/json"}));
            if (a.status() != 402 || a.wwwAuthenticate() == null) {
                throw new IllegalStateException("expected a 402 challenge from " + route.url() + ", got " + a);
            }
            LiveStack.saw(a);
            Map<String, String> params = LiveStack.challengeParams(a.wwwAuthenticate());
            try {
                JsonNode request = JSON.readTree(Base64.getUrlDecoder().decode(params.get("request")));
                CHALLENGES.put(provider, new Challenge(params, request.path("amount").asLong(), params.get("realm")));
            } catch (Exception e) {
                throw new IllegalStateException("unreadable challenge request " + params, e);
            }
        }
        return CHALLENGES.get(provider);
    }

    // ------------------------------------------------------------------ generators

    /** A fuzzed value that may use a real challenge; described for failure reports. */
    interface Fuzzed {
        String value(Challenge c);

        String description();
    }

    record Fixed(String value, String description) implements Fuzzed {
        @Override
        public String value(Challenge c) {
            return value;
        }
    }

    record Built(java.util.function.Function<Challenge, String> build, String description) implements Fuzzed {
        @Override
        public String value(Challenge c) {
            return build.apply(c);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    @Provide
    Arbitrary<String> provider() {
        return Arbitraries.of("mistral", "grok");
    }

    @Provide
    Arbitrary<Fuzzed> credential() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, garbage().map(s -> (Fuzzed) new Fixed("Payment " + s, "garbage " + s))),
                net.jqwik.api.Tuple.of(2, jsonValue(3).map(j -> (Fuzzed) new Fixed("Payment " + b64(j.toString()),
                        "base64url of " + j))),
                net.jqwik.api.Tuple.of(6, echoed()));
    }

    @Provide
    Arbitrary<List<Fuzzed>> headerSet() {
        Arbitrary<Fuzzed> authorization = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, echoed().map(f -> (Fuzzed) new Built(c -> "Authorization:" + f.value(c),
                        "Authorization: " + f.description()))),
                net.jqwik.api.Tuple.of(2, Combinators.combine(Arbitraries.of("Payment", "payment", "PAYMENT", "Bearer", "Basic",
                        "Payment,", "Payment  ", "", "Digest"), garbage())
                        .as((scheme, v) -> (Fuzzed) new Fixed("Authorization:" + scheme + " " + v, "Authorization: " + scheme + " " + v))),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 3).flatMap(n -> echoed().list().ofSize(n))
                        .map(list -> (Fuzzed) new Built(c -> "Authorization:" + String.join(", ",
                                list.stream().map(f -> f.value(c)).toList()), "Authorization: comma-joined " + list))),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1000, 20000)
                        .map(n -> (Fuzzed) new Fixed("Authorization:Payment " + "A".repeat(n), "Authorization: Payment A×" + n))));
        Arbitrary<Fuzzed> noise = Combinators.combine(
                Arbitraries.of("Payment-Receipt", "Accept-Payment", "Payment-Credential", "Payment", "Payment-Required",
                        "X-Payment", "Payment-Authorization"),
                garbage()).as((n, v) -> (Fuzzed) new Fixed(n + ":" + v, n + ": " + v));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, authorization), net.jqwik.api.Tuple.of(1, noise))
                .list().ofMinSize(0).ofMaxSize(4);
    }

    static Arbitrary<String> garbage() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(300),
                Arbitraries.strings().withChars("ABCDEFabcdef0123456789-_=+/.").ofMaxLength(400));
    }

    /** A real challenge echoed back (some fields mutated) with a payload of some type. */
    static Arbitrary<Fuzzed> echoed() {
        Arbitrary<String> field = Arbitraries.of("id", "realm", "method", "intent", "request", "expires", "digest",
                "opaque", "description");
        Arbitrary<Mutation> challengeMutation = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.just(new Mutation("none", (ch, c) -> { }))),
                net.jqwik.api.Tuple.of(2, Combinators.combine(field, jsonValue(2)).as((f, v) ->
                        new Mutation(f + "=" + v, (ch, c) -> ch.set(f, v)))),
                net.jqwik.api.Tuple.of(1, field.map(f -> new Mutation("without " + f, (ch, c) -> ch.remove(f)))),
                net.jqwik.api.Tuple.of(2, requestMutation()));
        Arbitrary<PayloadGen> payload = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, transaction()),
                net.jqwik.api.Tuple.of(2, hashPayload()),
                net.jqwik.api.Tuple.of(1, Combinators.combine(Arbitraries.of("proof", "transaction", "hash", "TRANSACTION", "", "x"),
                        jsonValue(2)).as((t, v) -> new PayloadGen("{type:" + t + ", signature/hash:" + v + "}", c -> {
                            ObjectNode p = JSON.createObjectNode().put("type", t);
                            p.set("signature", v);
                            p.set("hash", v);
                            return p;
                        }))),
                net.jqwik.api.Tuple.of(1, jsonValue(2).map(v -> new PayloadGen("payload " + v, c -> v))));
        Arbitrary<JsonNode> source = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.just(JSON.getNodeFactory().textNode("did:pkh:eip155:1337:0x70997970c51812dc3a010c7d01b50e0d17dc79c8"))),
                net.jqwik.api.Tuple.of(1, jsonValue(1)));
        return Combinators.combine(challengeMutation, payload, source).as((m, p, s) -> new Built(c -> {
            ObjectNode ch = JSON.createObjectNode();
            c.params().forEach(ch::put);
            m.apply().accept(ch, c);
            ObjectNode cred = JSON.createObjectNode();
            cred.set("challenge", ch);
            cred.set("payload", p.build().apply(c));
            cred.set("source", s);
            return "Payment " + b64(cred.toString());
        }, "echoed challenge [" + m.description() + "] payload " + p.description() + " source " + s));
    }

    record Mutation(String description, java.util.function.BiConsumer<ObjectNode, Challenge> apply) {
    }

    record PayloadGen(String description, java.util.function.Function<Challenge, JsonNode> build) {
    }

    /** The challenge's request (amount, currency, recipient, methodDetails.chainId…) re-encoded with odd values. */
    static Arbitrary<Mutation> requestMutation() {
        return Combinators.combine(Arbitraries.of("amount", "currency", "recipient", "methodDetails"), numberLike())
                .as((k, v) -> new Mutation("request." + k + "=" + v, (ch, c) -> {
                    try {
                        ObjectNode req = (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(c.params().get("request")));
                        if (k.equals("methodDetails")) {
                            ((ObjectNode) req.withObject("/methodDetails")).set("chainId", v);
                        } else {
                            req.set(k, v);
                        }
                        ch.put("request", b64(req.toString()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
    }

    static Arbitrary<PayloadGen> hashPayload() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(40).map(Rlp::hex),
                Arbitraries.strings().withChars("0123456789abcdefxX").ofMaxLength(70))
                .map(h -> new PayloadGen("hash " + h, c -> JSON.createObjectNode().put("type", "hash").put("hash", h)));
    }

    /**
     * A Tempo transaction (0x76) field by field: mostly what a real client sends (the call pays the challenge's
     * amount to the recipient with the challenge's memo), with out-of-range numbers in the numeric fields, random
     * signatures, and sometimes truncated or bit-flipped bytes or a wrong field count.
     */
    static Arbitrary<PayloadGen> transaction() {
        Arbitrary<BigInteger> chainId = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.just(BigInteger.valueOf(1337))),
                net.jqwik.api.Tuple.of(3, edgeNumbers()));
        Arbitrary<BigInteger> validBefore = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(-120, 600)
                        .map(d -> BigInteger.valueOf(Instant.now().getEpochSecond() + d))),
                net.jqwik.api.Tuple.of(3, edgeNumbers()));
        Arbitrary<BigInteger> number = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.valueOf(10_000_000_000L))),
                net.jqwik.api.Tuple.of(1, edgeNumbers()));
        Arbitrary<BigInteger> amountDelta = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.just(BigInteger.ZERO)),
                net.jqwik.api.Tuple.of(1, edgeNumbers()));
        Arbitrary<byte[]> signature = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.bytes().array(byte[].class).ofSize(65)),
                net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(100)));
        Arbitrary<Integer> cut = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.just(-1)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 400)));
        Arbitrary<Integer> flip = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.just(-1)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 3000)));
        Arbitrary<Integer> fieldCount = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.just(14)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 17)));
        Arbitrary<Byte> type = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.just((byte) 0x76)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of((byte) 0x78, (byte) 0x02, (byte) 0x00, (byte) 0xff)));
        return Combinators.combine(List.of(o(chainId), o(validBefore), o(number), o(number), o(number), o(amountDelta),
                o(signature), o(cut), o(flip), o(fieldCount), o(type))).as(v -> {
                    BigInteger cid = (BigInteger) v.get(0);
                    BigInteger vb = (BigInteger) v.get(1);
                    BigInteger fee = (BigInteger) v.get(2);
                    BigInteger gas = (BigInteger) v.get(3);
                    BigInteger nonce = (BigInteger) v.get(4);
                    BigInteger delta = (BigInteger) v.get(5);
                    byte[] sig = (byte[]) v.get(6);
                    int cutAt = (Integer) v.get(7);
                    int flipAt = (Integer) v.get(8);
                    int fields = (Integer) v.get(9);
                    byte t = (Byte) v.get(10);
                    String d = String.format("tx type %02x chainId %s validBefore %s fee %s gas %s nonce %s amount+%s sig %d bytes cut %d flip %d fields %d",
                            t, cid, vb, fee, gas, nonce, delta, sig.length, cutAt, flipAt, fields);
                    return new PayloadGen(d, c -> {
                        BigInteger amount = BigInteger.valueOf(c.amount()).add(delta);
                        byte[] data = Rlp.concat(Rlp.unhex("95777d59"), Rlp.concat(word(Rlp.unhex(RECIPIENT)),
                                Rlp.concat(word(Rlp.unsigned(amount.abs())), memo(c.realm(), c.params().get("id")))));
                        List<Object> call = List.of(Rlp.unhex(PATH_USD), new byte[0], data);
                        List<Object> items = new ArrayList<>(List.of(cid, fee, fee, gas, List.of(call), List.of(),
                                TWO.pow(256).subtract(BigInteger.ONE), nonce, vb, BigInteger.ONE, new byte[0],
                                new byte[0], List.of(), sig));
                        while (items.size() > Math.max(fields, 1)) {
                            items.remove(items.size() - 2);
                        }
                        if (fields == 0) {
                            items.clear();
                        }
                        while (items.size() < fields) {
                            items.add(items.size() - 1, new byte[0]);
                        }
                        byte[] raw = Rlp.concat(new byte[] {t}, Rlp.encode(items));
                        if (cutAt >= 0 && cutAt < raw.length) {
                            raw = java.util.Arrays.copyOf(raw, cutAt);
                        }
                        if (flipAt >= 0 && flipAt < raw.length) {
                            raw[flipAt] ^= (byte) 0x41;
                        }
                        return JSON.createObjectNode().put("type", "transaction").put("signature", Rlp.hex(raw));
                    });
                });
    }

    static Arbitrary<Object> o(Arbitrary<?> a) {
        return a.map(x -> (Object) x);
    }

    static byte[] word(byte[] b) {
        byte[] w = new byte[32];
        int n = Math.min(32, b.length);
        System.arraycopy(b, b.length - n, w, 32 - n, n);
        return w;
    }

    /** mppx's attribution memo for a realm and challenge id (tag, version, realm and challenge fingerprints). */
    static byte[] memo(String realm, String challengeId) {
        byte[] m = new byte[32];
        System.arraycopy(keccak("mpp"), 0, m, 0, 4);
        m[4] = 1;
        System.arraycopy(keccak(realm == null ? "" : realm), 0, m, 5, 10);
        System.arraycopy(keccak(challengeId == null ? "" : challengeId), 0, m, 25, 7);
        return m;
    }

    static byte[] keccak(String s) {
        return new Keccak.Digest256().digest(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Numbers at the edges of every integer type a server might parse into. */
    static Arbitrary<BigInteger> edgeNumbers() {
        return Arbitraries.oneOf(
                Arbitraries.of(BigInteger.ZERO, BigInteger.ONE, TWO.pow(31), TWO.pow(32), TWO.pow(53).add(BigInteger.ONE),
                        TWO.pow(63).subtract(BigInteger.ONE), TWO.pow(63), TWO.pow(64).subtract(BigInteger.ONE), TWO.pow(64),
                        TWO.pow(128), TWO.pow(255), TWO.pow(256).subtract(BigInteger.ONE)),
                Arbitraries.bigIntegers().between(BigInteger.ZERO, TWO.pow(256).subtract(BigInteger.ONE)));
    }

    /** JSON values that look like numbers to one parser and not to another. */
    static Arbitrary<JsonNode> numberLike() {
        return Arbitraries.oneOf(
                edgeNumbers().map(n -> (JsonNode) JSON.getNodeFactory().numberNode(n)),
                edgeNumbers().map(n -> (JsonNode) JSON.getNodeFactory().textNode(n.toString())),
                edgeNumbers().map(n -> (JsonNode) JSON.getNodeFactory().textNode(n.negate().toString())),
                Arbitraries.of("1e400", "-0", "0x10", "1.5", "NaN", "Infinity", " 5000", "5000 ", "٥٠٠٠", "")
                        .map(s -> (JsonNode) JSON.getNodeFactory().textNode(s)),
                jsonValue(1));
    }

    /** Arbitrary JSON up to a depth. */
    static Arbitrary<JsonNode> jsonValue(int depth) {
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
                Arbitraries.just((JsonNode) JSON.getNodeFactory().nullNode()),
                Arbitraries.of(true, false).map(b -> (JsonNode) JSON.getNodeFactory().booleanNode(b)),
                Arbitraries.strings().ofMaxLength(40).map(s -> (JsonNode) JSON.getNodeFactory().textNode(s)),
                Arbitraries.longs().map(l -> (JsonNode) JSON.getNodeFactory().numberNode(l)),
                Arbitraries.doubles().map(x -> (JsonNode) JSON.getNodeFactory().numberNode(x)),
                edgeNumbers().map(n -> (JsonNode) JSON.getNodeFactory().numberNode(n)));
        if (depth <= 0) {
            return leaf;
        }
        Arbitrary<JsonNode> array = jsonValue(depth - 1).list().ofMaxSize(4).map(l -> {
            var a = JSON.createArrayNode();
            l.forEach(a::add);
            return (JsonNode) a;
        });
        Arbitrary<JsonNode> object = Combinators.combine(
                Arbitraries.of("challenge", "payload", "source", "id", "type", "signature", "hash", "request", "x")
                        .list().ofMaxSize(4), jsonValue(depth - 1).list().ofSize(4)).as((keys, values) -> {
                            ObjectNode o = JSON.createObjectNode();
                            for (int i = 0; i < keys.size(); i++) {
                                o.set(keys.get(i), values.get(i));
                            }
                            return (JsonNode) o;
                        });
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, leaf), net.jqwik.api.Tuple.of(1, array),
                net.jqwik.api.Tuple.of(1, object));
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
