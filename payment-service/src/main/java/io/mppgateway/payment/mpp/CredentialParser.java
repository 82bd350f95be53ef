package io.mppgateway.payment.mpp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.mpp.Base64Url;
import io.mppgateway.contracts.mpp.Challenge;
import io.mppgateway.contracts.mpp.Jcs;

/** Parses {@code Authorization} header values into exactly one Payment credential. */
public final class CredentialParser {
    /** Servers must accept at least 4 KB; anything far larger is not a tempo charge credential. */
    static final int MAX_CREDENTIAL_CHARS = 64 * 1024;

    private final ObjectMapper mapper;

    public CredentialParser(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Thrown when more than one Payment credential was sent (a 400, not a 402). */
    public static final class MultipleCredentialsException extends RuntimeException {
        public MultipleCredentialsException() {
            super("more than one Payment credential");
        }
    }

    /** Thrown for anything that is not a well-formed credential. */
    public static final class MalformedCredentialException extends RuntimeException {
        public MalformedCredentialException(String message) {
            super(message);
        }
    }

    /** Finds the one Payment credential among the Authorization header values (other schemes are ignored). */
    public Credential parse(List<String> authorizationValues) {
        List<String> payments = new ArrayList<>();
        if (authorizationValues != null) {
            for (String value : authorizationValues) {
                // a header may carry several comma-joined credentials; a base64url token never contains a comma
                for (String part : value.split(",")) {
                    String trimmed = part.trim();
                    if (trimmed.toLowerCase(Locale.ROOT).startsWith("payment ")) {
                        payments.add(trimmed.substring("payment ".length()).trim());
                    }
                }
            }
        }
        if (payments.isEmpty()) {
            throw new MalformedCredentialException("no Payment credential in Authorization");
        }
        if (payments.size() > 1) {
            throw new MultipleCredentialsException();
        }
        return parseToken(payments.get(0));
    }

    /** Parses the base64url part of one {@code Payment <token>} credential. */
    public Credential parseToken(String token) {
        if (token.isEmpty() || token.length() > MAX_CREDENTIAL_CHARS) {
            throw new MalformedCredentialException("credential is empty or too large");
        }
        JsonNode root;
        try {
            root = mapper.readTree(Base64Url.decodeToString(token));
        } catch (IllegalArgumentException | JsonProcessingException e) {
            throw new MalformedCredentialException("credential is not base64url JSON");
        }
        if (root == null || !root.isObject()) {
            throw new MalformedCredentialException("credential is not a JSON object");
        }
        JsonNode challenge = root.get("challenge");
        JsonNode payload = root.get("payload");
        if (challenge == null || !challenge.isObject()) {
            throw new MalformedCredentialException("credential has no challenge");
        }
        if (payload == null || !payload.isObject()) {
            throw new MalformedCredentialException("credential has no payload");
        }
        Challenge echoed = new Challenge(
                required(challenge, "id"), required(challenge, "realm"), required(challenge, "method"),
                required(challenge, "intent"), requestOf(challenge), optional(challenge, "description"),
                optional(challenge, "digest"), optional(challenge, "expires"), opaqueOf(challenge));
        return new Credential(echoed, optional(payload, "type"), optional(payload, "hash"),
                optional(payload, "signature"), optional(root, "source"));
    }

    private String requestOf(JsonNode challenge) {
        JsonNode request = challenge.get("request");
        if (request != null && request.isObject()) {
            // some clients echo the decoded object; bind it the same way as the string form
            return Jcs.encode(request.toString());
        }
        return required(challenge, "request");
    }

    private String opaqueOf(JsonNode challenge) {
        JsonNode opaque = challenge.get("opaque");
        if (opaque != null && opaque.isObject()) {
            return Jcs.encode(opaque.toString()); // legacy object-shaped opaque, as mppx still accepts
        }
        return optional(challenge, "opaque");
    }

    private static String required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new MalformedCredentialException("credential challenge lacks " + field);
        }
        return value.asText();
    }

    private static String optional(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new MalformedCredentialException("credential field " + field + " is not a string");
        }
        return value.asText();
    }
}
