package io.mppgateway.contracts.mpp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An MPP challenge as it goes on the wire in {@code WWW-Authenticate: Payment ...} and comes back echoed in a
 * credential. {@code request} and {@code opaque} are the base64url strings, not the decoded JSON.
 */
public record Challenge(String id, String realm, String method, String intent, String request, String description,
        String digest, String expires, String opaque) {

    /** Serializes as mppx does: id, realm, method, intent, request, then description, digest, expires, opaque. */
    public String toWwwAuthenticate() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("id", id);
        params.put("realm", realm);
        params.put("method", method);
        params.put("intent", intent);
        params.put("request", request);
        params.put("description", description);
        params.put("digest", digest);
        params.put("expires", expires);
        params.put("opaque", opaque);
        StringBuilder sb = new StringBuilder("Payment ");
        boolean first = true;
        for (Map.Entry<String, String> p : params.entrySet()) {
            if (p.getValue() == null) {
                continue;
            }
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(p.getKey()).append("=\"").append(quote(p.getValue())).append('"');
        }
        return sb.toString();
    }

    private static String quote(String value) {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("CR/LF not allowed in an auth-param");
        }
        StringBuilder sb = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c > 0xFF) {
                sb.append(String.format("\\u%04x", (int) c)); // mppx's escape for characters above Latin-1
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
