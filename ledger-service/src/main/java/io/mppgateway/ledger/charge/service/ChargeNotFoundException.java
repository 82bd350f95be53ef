package io.mppgateway.ledger.charge.service;

/** No charge has this challenge id or charge id. */
public class ChargeNotFoundException extends RuntimeException {
    public ChargeNotFoundException(String id) {
        super("no charge with challenge id or charge id " + id);
    }
}
