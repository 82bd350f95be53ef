package io.mppgateway.ledger.charge.service;

/** Raw listing parameters as received; validated by {@link ChargeQueryService} (bad input is a 400). */
public record ChargeQuery(String provider, String route, String model, String payer, String status, String from,
        String to, String limit, String after, String costOverPrice) {
}
