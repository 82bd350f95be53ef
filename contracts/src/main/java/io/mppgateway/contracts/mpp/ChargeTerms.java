package io.mppgateway.contracts.mpp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.mppgateway.contracts.events.PaymentSplit;

/**
 * What every tempo/charge challenge of this gateway states besides amount, realm and route: who is paid, in what, on
 * which chain, in which modes, and each route's splits and memo. payment-service builds it from its configuration
 * (checked at start) and serves it to the provider services ({@code GET /internal/charge-terms}), which mint their
 * challenges in-process with it; payment-service pins every echoed challenge against the same terms. The request
 * encoding of a challenge exists here only, so what a paywall issues and what payment-service expects cannot drift.
 *
 * @param recipient        the wallet that receives every charge
 * @param currency         TIP-20 token charged in
 * @param chainId          Tempo chain id, always sent in methodDetails
 * @param feePayer         whether the buyers' network fees are sponsored (methodDetails.feePayer)
 * @param supportedModes   modes offered (pull, push), pull first
 * @param challengeTtlMillis how long a challenge can be paid
 * @param routes           terms of particular routes (splits, memo), keyed by route path; absent routes pay
 *                         everything to {@code recipient} with the challenge-bound attribution memo
 */
public record ChargeTerms(String recipient, String currency, long chainId, boolean feePayer,
        List<String> supportedModes, long challengeTtlMillis, Map<String, RouteRule> routes) {
    private static final long BASIS_POINTS = 10_000;

    public ChargeTerms {
        supportedModes = List.copyOf(supportedModes);
        routes = routes == null ? Map.of() : Map.copyOf(routes);
    }

    /** A route's options: a memo for the wallet's transfer (or null), and splits to other recipients (or empty). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RouteRule(String memo, List<SplitRule> splits) {
        public RouteRule {
            splits = splits == null ? List.of() : List.copyOf(splits);
        }
    }

    /** One split: exactly one of a fixed {@code amount} (base units) and {@code basisPoints} (1/10,000ths). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SplitRule(String recipient, Long amount, Integer basisPoints, String memo) {
    }

    /**
     * The terms of one purchase of {@code amount} on {@code route}.
     *
     * @throws IllegalArgumentException when the amount does not cover the route's fixed splits (the purchase
     *                                  cannot be offered at that price)
     */
    public PaymentTerms termsFor(String route, long amount) {
        RouteRule rule = routes.get(route);
        if (rule == null) {
            return new PaymentTerms(amount, null, List.of());
        }
        List<PaymentSplit> splits = new ArrayList<>();
        long total = 0;
        for (SplitRule split : rule.splits()) {
            long share = split.amount() != null ? split.amount()
                    : Math.multiplyExact(amount, (long) split.basisPoints()) / BASIS_POINTS;
            if (share == 0) {
                continue; // MPP splits must be positive; a percentage of a tiny charge can round to nothing
            }
            splits.add(new PaymentSplit(split.recipient(), share, split.memo()));
            total = Math.addExact(total, share);
        }
        if (total >= amount) {
            throw new IllegalArgumentException("amount " + amount + " does not cover the splits of route " + route
                    + " (" + total + "); the gateway's wallet must receive a positive remainder");
        }
        return new PaymentTerms(amount, rule.memo(), splits);
    }

    /**
     * The modes a purchase on these terms may be paid in. A fixed memo does not bind a transfer to one challenge, so
     * in push mode anyone who saw the buyer's transaction on chain could present its hash first; in pull mode only
     * the buyer ever holds the transaction before it is broadcast.
     */
    public List<String> supportedModes(PaymentTerms terms) {
        return terms.memo() == null ? supportedModes : supportedModes.stream().filter("pull"::equals).toList();
    }

    /** base64url(JCS(request)) exactly as a buyer must echo it for this route and amount. */
    public String encodedRequest(String route, long amount) {
        PaymentTerms terms = termsFor(route, amount);
        Map<String, Object> methodDetails = new HashMap<>(Map.of("chainId", chainId,
                "supportedModes", supportedModes(terms)));
        if (feePayer) {
            methodDetails.put("feePayer", true);
        }
        if (terms.memo() != null) {
            methodDetails.put("memo", terms.memo());
        }
        if (!terms.splits().isEmpty()) {
            // amounts as decimal strings like the charge amount; a split without memo has no memo key at all
            methodDetails.put("splits", terms.splits().stream().map(split -> {
                Map<String, Object> entry = new HashMap<>(Map.of("amount", Long.toString(split.amount()),
                        "recipient", split.recipient()));
                if (split.memo() != null) {
                    entry.put("memo", split.memo());
                }
                return entry;
            }).toList());
        }
        return Jcs.encodeValue(Map.of(
                "amount", Long.toString(amount),
                "currency", currency,
                "recipient", recipient,
                "methodDetails", methodDetails));
    }
}
