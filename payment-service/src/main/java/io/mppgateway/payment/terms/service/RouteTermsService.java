package io.mppgateway.payment.terms.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.mppgateway.contracts.mpp.ChargeTerms;
import io.mppgateway.contracts.mpp.PaymentTerms;
import io.mppgateway.payment.config.PaymentConfig.RouteTerms;
import io.mppgateway.payment.config.PaymentConfig.Split;
import io.mppgateway.payment.config.PaymentConfig;
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
    private final ChargeTerms chargeTerms;

    public RouteTermsService(PaymentConfig config) {
        this.config = config;
        List<String> problems = new ArrayList<>();
        config.routes().forEach((route, terms) -> check(route, terms, problems));
        if (!problems.isEmpty()) {
            throw new IllegalStateException("payment.routes is invalid: " + String.join("; ", problems));
        }
        this.chargeTerms = chargeTerms(config);
    }

    /**
     * @throws IllegalArgumentException when the amount does not cover the route's fixed splits (the purchase
     *                                  cannot be offered at that price)
     */
    public PaymentTerms termsFor(String route, long amount) {
        return chargeTerms.termsFor(route, amount);
    }

    /** The modes a purchase on these terms may be paid in (see {@link ChargeTerms#supportedModes(PaymentTerms)}). */
    public List<String> supportedModes(PaymentTerms terms) {
        return chargeTerms.supportedModes(terms);
    }

    /** Everything a challenge states besides realm, route and amount: what providers mint their challenges with. */
    public ChargeTerms chargeTerms() {
        return chargeTerms;
    }

    /** Addresses and memos in lower case, as challenges carry them and chain logs report them. */
    private static ChargeTerms chargeTerms(PaymentConfig config) {
        Map<String, ChargeTerms.RouteRule> routes = new HashMap<>();
        config.routes().forEach((route, terms) -> routes.put(route, new ChargeTerms.RouteRule(
                terms.memo().map(RouteTermsService::lower).orElse(null),
                terms.splits().orElse(List.of()).stream().map(split -> new ChargeTerms.SplitRule(
                        lower(split.recipient()),
                        split.amount().isPresent() ? split.amount().getAsLong() : null,
                        split.basisPoints().isPresent() ? split.basisPoints().getAsInt() : null,
                        split.memo().map(RouteTermsService::lower).orElse(null))).toList())));
        return new ChargeTerms(config.recipient(), config.currency(), config.chainId(), config.feePayer().enabled(),
                config.supportedModes(), config.challengeTtl().toMillis(), routes);
    }

    private static String lower(String hex) {
        return hex.toLowerCase(Locale.ROOT);
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
