package io.mppgateway.payment.caller.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.payment.caller.config.CallerConfig;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * Verifies the bearer JWT of an {@code /internal/*} call with SmallRye JWT: RS256, signed by one of the configured
 * callers' keys (chosen by the token's {@code kid}; the key decides who the caller is, whatever the token claims),
 * unexpired, for this audience, not longer-lived than allowed. A verified token is remembered until it expires.
 */
// created at start, not by the first request on the event loop: it reads the callers' keys from a file
@Startup
@ApplicationScoped
public class CallerAuthenticator {
    /** Tokens verified once, remembered until they expire: a provider presents the same token for minutes. */
    static final int VERIFIED_MAX = 1_000;

    private final Map<String, PublicKey> keys = new HashMap<>();
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();
    private final Map<String, Caller> callers = new HashMap<>();
    private final DefaultJWTParser parser;
    private final ObjectMapper mapper;

    public CallerAuthenticator(CallerConfig config, ObjectMapper mapper) {
        this.mapper = mapper;
        Map<String, PublicKey> published = readJwks(config.keys());
        config.providers().forEach((provider, p) -> p.keyIds()
                .forEach(kid -> register(published, new Caller(kid, provider, p.realm()))));
        config.refundOperatorKeyIds().forEach(kid -> register(published, new Caller(kid, null, null)));
        JWTAuthContextInfo context = new JWTAuthContextInfo();
        context.setExpectedAudience(Set.of(config.audience()));
        context.setMaxTimeToLiveSecs(config.maxTokenLifetime().toSeconds());
        context.setSignatureAlgorithm(Set.of(SignatureAlgorithm.RS256));
        this.parser = new DefaultJWTParser(context);
    }

    /** @param authorization the request's {@code Authorization} header, possibly null */
    public Caller authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new CallerRejectedException(401, "service authentication required: Authorization: Bearer <JWT>");
        }
        String token = authorization.substring(7).trim();
        Verified known = verified.get(token);
        if (known != null) {
            if (Instant.now().getEpochSecond() < known.expiresAt()) {
                return known.caller();
            }
            verified.remove(token);
        }
        String kid = keyId(token);
        Caller caller = callers.get(kid);
        if (caller == null) {
            throw new CallerRejectedException(401, "token signed with an unknown key");
        }
        JsonWebToken jwt;
        try {
            jwt = parser.verify(token, keys.get(kid));
        } catch (ParseException e) {
            throw new CallerRejectedException(401, "token not valid: " + e.getMessage());
        }
        if (verified.size() >= VERIFIED_MAX) {
            verified.clear(); // only expired or abandoned tokens pile up: each provider replica uses one at a time
        }
        verified.put(token, new Verified(caller, jwt.getExpirationTime()));
        return caller;
    }

    /** @param expiresAt the token's exp, epoch seconds (the parser checked it, its audience and its lifetime) */
    private record Verified(Caller caller, long expiresAt) {
    }

    private void register(Map<String, PublicKey> published, Caller caller) {
        PublicKey key = published.get(caller.keyId());
        if (key == null) {
            throw new IllegalStateException("no public key with kid " + caller.keyId() + " in payment.callers.keys");
        }
        if (callers.putIfAbsent(caller.keyId(), caller) != null) {
            throw new IllegalStateException("key id " + caller.keyId() + " is configured for two callers");
        }
        keys.put(caller.keyId(), key);
    }

    private String keyId(String token) {
        int dot = token.indexOf('.');
        if (dot <= 0) {
            throw new CallerRejectedException(401, "token is not a JWT");
        }
        try {
            JsonNode header = mapper.readTree(Base64.getUrlDecoder().decode(token.substring(0, dot)));
            JsonNode kid = header.path("kid");
            if (!kid.isTextual()) {
                throw new CallerRejectedException(401, "token names no key (kid)");
            }
            return kid.asText();
        } catch (IOException | IllegalArgumentException e) {
            throw new CallerRejectedException(401, "token is not a JWT");
        }
    }

    private static Map<String, PublicKey> readJwks(String location) {
        try {
            JsonWebKeySet set = new JsonWebKeySet(Files.readString(Path.of(location), StandardCharsets.UTF_8));
            Map<String, PublicKey> byKid = new HashMap<>();
            for (JsonWebKey key : set.getJsonWebKeys()) {
                if (key.getKeyId() != null && key instanceof PublicJsonWebKey pub) {
                    byKid.put(key.getKeyId(), pub.getPublicKey());
                }
            }
            return byKid;
        } catch (IOException | JoseException e) {
            throw new IllegalStateException("cannot read the callers' keys from " + location, e);
        }
    }
}
