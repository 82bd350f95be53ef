package io.mppgateway.payment.challenge.service;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.mppgateway.contracts.payment.ChallengeRequest;
import io.mppgateway.contracts.payment.ChallengeResponse;
import io.mppgateway.payment.config.PaymentConfig;
import io.mppgateway.payment.mpp.Base64Url;
import io.mppgateway.payment.mpp.Challenge;
import io.mppgateway.payment.mpp.ChallengeIdSigner;
import io.mppgateway.payment.mpp.Jcs;
import io.mppgateway.payment.terms.service.PaymentTerms;
import io.mppgateway.payment.terms.service.RouteTermsService;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Issues tempo/charge challenges bound (by HMAC id) to realm, amount, recipient, chain, expiry, body and route, and
 * to 128 bits of server randomness: two identical requests in the same millisecond still get distinct challenges,
 * so two honest buyers never pay for one challenge id (which payment-service claims once).
 */
@ApplicationScoped
public class ChallengeService {
    public static final String METHOD = "tempo";
    public static final String INTENT = "charge";
    /** 16 random bytes, base64url without padding. */
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PaymentConfig config;
    private final ChallengeIdSigner signer;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final RouteTermsService routeTerms;

    public ChallengeService(PaymentConfig config, ChallengeIdSigner signer, ObjectMapper mapper, Clock clock,
            MeterRegistry metrics, RouteTermsService routeTerms) {
        this.config = config;
        this.routeTerms = routeTerms;
        this.signer = signer;
        this.mapper = mapper;
        this.clock = clock;
        this.metrics = metrics;
    }

    public ChallengeResponse issue(ChallengeRequest request) {
        validate(request);
        String expires = Instant.now(clock).plus(config.challengeTtl()).truncatedTo(ChronoUnit.MILLIS).toString();
        String encodedRequest = encodedRequest(request.route(), request.amount());
        String opaque = encodedOpaque(request.route());
        String id = signer.sign(request.realm(), METHOD, INTENT, encodedRequest, expires, request.digest(), null,
                opaque);
        Challenge challenge = new Challenge(id, request.realm(), METHOD, INTENT, encodedRequest,
                request.description(), request.digest(), expires, opaque);
        metrics.counter("payment.challenges.issued", "realm", request.realm()).increment();
        return new ChallengeResponse(id, challenge.toWwwAuthenticate(), expires, request.amount());
    }

    /** base64url(JCS(request)) exactly as a buyer must echo it for this route and amount. */
    public String encodedRequest(String route, long amount) {
        PaymentTerms terms = routeTerms.termsFor(route, amount);
        Map<String, Object> methodDetails = new java.util.HashMap<>(Map.of("chainId", config.chainId(),
                "supportedModes", routeTerms.supportedModes(terms)));
        if (config.feePayer().enabled()) {
            methodDetails.put("feePayer", true);
        }
        if (terms.memo() != null) {
            methodDetails.put("memo", terms.memo());
        }
        if (!terms.splits().isEmpty()) {
            // amounts as decimal strings like the charge amount; a split without memo has no memo key at all
            methodDetails.put("splits", terms.splits().stream().map(split -> {
                Map<String, Object> entry = new java.util.HashMap<>(Map.of("amount", Long.toString(split.amount()),
                        "recipient", split.recipient()));
                if (split.memo() != null) {
                    entry.put("memo", split.memo());
                }
                return entry;
            }).toList());
        }
        return Jcs.encode(json(Map.of(
                "amount", Long.toString(amount),
                "currency", config.currency(),
                "recipient", config.recipient(),
                "methodDetails", methodDetails)));
    }

    /**
     * opaque = JCS({"nonce", "route"}): the route so a challenge bought for a cheap route can't be spent on another,
     * the nonce so no two requests share a challenge. A fresh nonce on every call.
     */
    public String encodedOpaque(String route) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return Jcs.encode(json(Map.of("route", route, "nonce", Base64Url.encode(nonce))));
    }

    /**
     * Whether an echoed (HMAC-verified, canonical) opaque binds exactly this route. Challenges issued before the
     * nonce existed ({"route"} alone) are still accepted until they expire, so a rolling deploy strands no payer.
     */
    public boolean opaqueBindsRoute(String opaque, String route) {
        if (opaque == null) {
            return false;
        }
        JsonNode node;
        try {
            node = mapper.readTree(Base64Url.decodeToString(opaque));
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
        if (!node.isObject() || !node.path("route").isTextual() || !route.equals(node.path("route").asText())) {
            return false;
        }
        int expectedFields = 1;
        if (node.has("nonce")) {
            if (!node.path("nonce").isTextual() || !NONCE.matcher(node.path("nonce").asText()).matches()) {
                return false;
            }
            expectedFields++;
        }
        return node.size() == expectedFields;
    }

    private static void validate(ChallengeRequest request) {
        List<String> problems = new java.util.ArrayList<>();
        if (request.amount() <= 0) {
            problems.add("amount must be a positive number of base units");
        }
        if (request.realm() == null || request.realm().isBlank()) {
            problems.add("realm is required");
        }
        if (request.route() == null || !request.route().startsWith("/")) {
            problems.add("route must be a path");
        }
        if (request.description() != null && !request.description().matches("[\\x20-\\x7E]*")) {
            problems.add("description must be printable ASCII");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
