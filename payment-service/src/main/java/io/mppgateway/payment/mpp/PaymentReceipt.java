package io.mppgateway.payment.mpp;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.mpp.Base64Url;

/** The tempo {@code Payment-Receipt}: base64url JSON {method, status, timestamp, reference = tx hash}. Not signed. */
@JsonPropertyOrder({ "method", "status", "timestamp", "reference" })
public record PaymentReceipt(String method, String status, String timestamp, String reference) {

    public static PaymentReceipt tempoSuccess(String txHash, Instant at) {
        return new PaymentReceipt("tempo", "success", at.truncatedTo(ChronoUnit.MILLIS).toString(), txHash);
    }

    public String encode(ObjectMapper mapper) {
        try {
            return Base64Url.encode(mapper.writeValueAsString(this));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
