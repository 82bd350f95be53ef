package io.mppgateway.ledger.common.rest;

/** RFC 9457 problem details. */
public record Problem(String type, String title, int status, String detail) {
    public static final String MEDIA_TYPE = "application/problem+json";
}
