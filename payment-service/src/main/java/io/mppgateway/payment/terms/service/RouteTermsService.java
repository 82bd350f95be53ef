package io.mppgateway.payment.terms.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import io.mppgateway.contracts.events.PaymentSplit;
import io.mppgateway.payment.config.PaymentConfig;
import io.mppgateway.payment.config.PaymentConfig.RouteTerms;
import io.mppgateway.payment.config.PaymentConfig.Split;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns the configured route options (splits, memo) into the terms of one purchase. The configuration is checked
 * when the service starts, so a typo in a split address stops the deployment instead of failing buyers later.
 */
@Startup
@ApplicationScoped
public class RouteTermsService {
    /** MPP tempo: 1–10 splits per charge. */
    static final int MAX_SPLITS = 10;
    private static final Pattern ADDRESS = Pattern.compile("^0x[0-9a-fA-F]{40}$");
    private static final Pattern BYTES32 = Pattern.compile("^0x[0-9a-fA-F]{64}$");
    private static final long BASIS_POINTS = 10_000;

    private final PaymentConfig config;

    public RouteTermsService(PaymentConfig config) {
        this.config = config;
        List<String> problems = new ArrayList<>();
        config.routes().forEach((route, terms) -> check(route, terms, problems));
        if (!problems.isEmpty()) {
            throw new IllegalStateException("payment.routes is invalid: " + String.join("; ", problems));
        }
    }

    /**
     * @throws IllegalArgumentException when the amount does not cover the route's fixed splits (the purchase
     *                                  cannot be offered at that price)
     */
    public PaymentTerms termsFor(String route, long amount) {
        RouteTerms terms = config.routes().get(route);
        if (terms == null) {
            return new PaymentTerms(amount, null, List.of());
        }
        List<PaymentSplit> splits = new ArrayList<>();
        long total = 0;
        for (Split split : terms.splits().orElse(List.of())) {
            long share = split.amount().isPresent() ? split.amount().getAsLong()
                    : Math.multiplyExact(amount, (long) split.basisPoints().getAsInt()) / BASIS_POINTS;
            if (share == 0) {
                continue; // MPP splits must be positive; a percentage of a tiny charge can round to nothing
            }
            splits.add(new PaymentSplit(split.recipient().toLowerCase(Locale.ROOT), share,
                    split.memo().map(m -> m.toLowerCase(Locale.ROOT)).orElse(null)));
            total = Math.addExact(total, share);
        }
        if (total >= amount) {
            throw new IllegalArgumentException("amount " + amount + " does not cover the splits of route " + route
                    + " (" + total + "); the gateway's wallet must receive a positive remainder");
        }
        String memo = terms.memo().map(m -> m.toLowerCase(Locale.ROOT)).orElse(null);
        return new PaymentTerms(amount, memo, splits);
    }

    /**
     * The modes a purchase on these terms may be paid in. A fixed memo does not bind a transfer to one challenge, so
     * in push mode anyone who saw the buyer's transaction on chain could present its hash first; in pull mode only
     * the buyer ever holds the transaction before we broadcast it.
     */
    public List<String> supportedModes(PaymentTerms terms) {
        return terms.memo() == null ? config.supportedModes()
                : config.supportedModes().stream().filter("pull"::equals).toList();
    }

    private void check(String route, RouteTerms terms, List<String> problems) {
        if (!route.startsWith("/")) {
            problems.add("route '" + route + "' must be a path");
        }
        terms.memo().ifPresent(memo -> {
            if (!BYTES32.matcher(memo).matches()) {
                problems.add(route + ": memo must be 0x and 64 hex digits");
            }
            if (!config.supportedModes().contains("pull")) {
                problems.add(route + ": a route with a memo is paid in pull mode only, but pull is not offered");
            }
        });
        List<Split> splits = terms.splits().orElse(List.of());
        if (terms.splits().isPresent() && (splits.isEmpty() || splits.size() > MAX_SPLITS)) {
            problems.add(route + ": 1 to " + MAX_SPLITS + " splits");
        }
        long basisPoints = 0;
        for (int i = 0; i < splits.size(); i++) {
            Split split = splits.get(i);
            String at = route + " split " + i + ": ";
            if (!ADDRESS.matcher(split.recipient()).matches()) {
                problems.add(at + "recipient must be an address");
            } else if (split.recipient().equalsIgnoreCase(config.recipient())) {
                problems.add(at + "the gateway's own wallet already receives the remainder");
            }
            if (split.amount().isPresent() == split.basisPoints().isPresent()) {
                problems.add(at + "set exactly one of amount and basis-points");
            } else if (split.amount().isPresent() && split.amount().getAsLong() <= 0) {
                problems.add(at + "amount must be positive base units");
            } else if (split.basisPoints().isPresent()) {
                int bp = split.basisPoints().getAsInt();
                if (bp <= 0 || bp >= BASIS_POINTS) {
                    problems.add(at + "basis-points must be between 1 and 9999");
                }
                basisPoints += bp;
            }
            split.memo().filter(m -> !BYTES32.matcher(m).matches())
                    .ifPresent(m -> problems.add(at + "memo must be 0x and 64 hex digits"));
        }
        if (basisPoints >= BASIS_POINTS) {
            problems.add(route + ": the splits' basis points must leave the gateway a share");
        }
    }
}
