package io.mppgateway.paywall.service;

import java.util.List;

/**
 * A validated, priced request waiting to be paid for.
 *
 * @param route         the paid route as sold, e.g. {@code /mistral/chat}
 * @param amount        the quote in base units
 * @param body          the exact request bytes (bound to the challenge by digest)
 * @param authorization every {@code Authorization} header value the buyer sent
 * @param description   ASCII text shown to the buyer in the challenge
 */
public record PaidRequest(String route, String model, long amount, byte[] body, List<String> authorization,
        String description) {
}
