package io.mppgateway.payment.challenge.service;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.mpp.Base64Url;
import io.mppgateway.contracts.mpp.Challenge;
import io.mppgateway.contracts.mpp.Jcs;
import io.mppgateway.payment.config.PaymentConfig;
import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentRejectedException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Checks that an echoed challenge was issued by us (HMAC), for exactly what is being bought now (pinning of realm,
 * route, amount, currency, recipient, chain and body digest), and is still payable.
 */
@ApplicationScoped
public class EchoedChallengeVerifier {
    /** mppx's datetime pattern; anything else breaks its clients, so we don't accept it back either. */
    private static final Pattern RFC3339 =
            Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$");

    private final ChallengeKeys keys;
    private final ChallengeService challenges;
    private final PaymentConfig config;
    private final ObjectMapper mapper;
    private final Clock clock;

    public EchoedChallengeVerifier(ChallengeKeys keys, ChallengeService challenges, PaymentConfig config,
            ObjectMapper mapper, Clock clock) {
        this.keys = keys;
        this.challenges = challenges;
        this.config = config;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** What the provider expects for the request it is about to serve. */
    public record Expected(String realm, String route, long amount, String digest) {
    }

    /** Issued by us, for exactly this purchase, and still payable. */
    public void verify(Challenge echoed, Expected expected) {
        verifyBinding(echoed, expected);
        requireUnexpired(echoed);
    }

    /**
     * Issued by us for exactly this purchase, whether or not it is still payable: a credential whose challenge was
     * already claimed is decided by that claim, not by the challenge's expiry.
     */
    public void verifyBinding(Challenge echoed, Expected expected) {
        String id = echoed.id();
        if (!ChallengeService.METHOD.equals(echoed.method())) {
            throw new PaymentRejectedException(PaymentProblem.METHOD_UNSUPPORTED,
                    "payment method '" + echoed.method() + "' is not supported; use tempo", id);
        }
        if (!ChallengeService.INTENT.equals(echoed.intent())) {
            throw reject("intent '" + echoed.intent() + "' is not offered here; use charge", id);
        }
        String request;
        String opaque;
        try {
            request = Jcs.recanonicalize(echoed.request());
            opaque = echoed.opaque() == null ? null : Jcs.recanonicalize(echoed.opaque());
        } catch (IllegalArgumentException e) {
            throw new PaymentRejectedException(PaymentProblem.MALFORMED_CREDENTIAL,
                    "challenge request or opaque is not base64url JSON", id);
        }
        // under the keys of the realm the challenge names: another realm's key (a provider's) cannot have minted it
        if (!keys.verify(id, echoed.realm(), echoed.method(), echoed.intent(), request, echoed.expires(),
                echoed.digest(), opaque)) {
            throw reject("challenge was not issued by this server", id);
        }
        if (!expected.realm().equals(echoed.realm())) {
            throw reject("challenge was issued for realm '" + echoed.realm() + "', not this service", id);
        }
        if (!challenges.opaqueBindsRoute(opaque, expected.route())) {
            throw reject("challenge was issued for another route than " + expected.route(), id);
        }
        pinRequest(request, expected.route(), expected.amount(), id);
        if (!Objects.equals(expected.digest(), echoed.digest())) {
            throw reject("request body does not match the digest the challenge was issued for", id);
        }
        if (echoed.expires() == null || !RFC3339.matcher(echoed.expires()).matches()) {
            throw reject("challenge has no valid expires", id);
        }
    }

    private void pinRequest(String request, String route, long amount, String id) {
        String current;
        try {
            current = challenges.encodedRequest(route, amount);
        } catch (IllegalArgumentException e) {
            throw reject("this route can no longer be sold at " + amount + ": " + e.getMessage(), id);
        }
        if (current.equals(request)) {
            return;
        }
        // say which field differs: the buyer holds a genuine challenge, but for something else
        JsonNode node;
        try {
            node = mapper.readTree(Base64Url.decodeToString(request));
        } catch (Exception e) {
            throw reject("challenge request is not JSON", id);
        }
        if (!Long.toString(amount).equals(node.path("amount").asText())) {
            throw reject("challenge was issued for amount " + node.path("amount").asText() + ", this request costs "
                    + amount, id);
        }
        if (!config.currency().equalsIgnoreCase(node.path("currency").asText())) {
            throw reject("challenge currency is not " + config.currency(), id);
        }
        if (!config.recipient().equalsIgnoreCase(node.path("recipient").asText())) {
            throw reject("challenge recipient is not this service's wallet", id);
        }
        if (node.path("methodDetails").path("chainId").asLong() != config.chainId()) {
            throw reject("challenge is for chain " + node.path("methodDetails").path("chainId").asText()
                    + ", not " + config.chainId(), id);
        }
        JsonNode ours;
        try {
            ours = mapper.readTree(Base64Url.decodeToString(current)).path("methodDetails");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        JsonNode theirs = node.path("methodDetails");
        if (!ours.path("splits").equals(theirs.path("splits"))) {
            throw reject("challenge splits differ from this route's splits " + ours.path("splits"), id);
        }
        if (!ours.path("memo").equals(theirs.path("memo"))) {
            throw reject("challenge memo differs from this route's memo", id);
        }
        throw reject("challenge payment terms differ from this service's", id);
    }

    /** A challenge can be paid (claimed for the first time) only until it expires. */
    public void requireUnexpired(Challenge echoed) {
        String expires = echoed.expires();
        String id = echoed.id();
        if (expires == null || !RFC3339.matcher(expires).matches()) {
            throw reject("challenge has no valid expires", id);
        }
        Instant at;
        try {
            at = java.time.OffsetDateTime.parse(expires).toInstant();
        } catch (DateTimeParseException e) {
            throw reject("challenge has no valid expires", id);
        }
        if (!Instant.now(clock).isBefore(at)) {
            throw new PaymentRejectedException(PaymentProblem.PAYMENT_EXPIRED, "challenge expired at " + expires, id);
        }
    }

    private static PaymentRejectedException reject(String detail, String id) {
        return new PaymentRejectedException(PaymentProblem.INVALID_CHALLENGE, detail, id);
    }
}
