package io.mppgateway.contracts.payment;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * RFC 9457 problem details as MPP uses them ({@code https://paymentauth.org/problems/<code>}).
 * payment-service answers rejected settlements with this body; providers relay it to the buyer unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProblemDetails(String type, String title, int status, String detail, String challengeId,
        Boolean paymentKept) {

    public static final String TYPE_BASE = "https://paymentauth.org/problems/";
    public static final String MEDIA_TYPE = "application/problem+json";
}
