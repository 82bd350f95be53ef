package io.mppgateway.paywall.upstream;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One operation of the provider's OpenAI-style API, called after payment.
 *
 * @param method       GET or POST
 * @param pathTemplate the API path below the base URL, e.g. {@code /v1/chat/completions} or
 *                     {@code /v1/models/{model_id}} (filled from the sold path's parameters)
 * @param passQuery    whether the buyer's query string goes upstream too (listings with filters)
 * @param timeout      this operation's own time limit for a whole answer (else {@code paywall.upstream.timeout})
 */
public record UpstreamOperation(String method, String pathTemplate, boolean passQuery, Optional<Duration> timeout) {

    public static UpstreamOperation post(String path) {
        return new UpstreamOperation("POST", path, false, Optional.empty());
    }

    public static UpstreamOperation get(String path) {
        return new UpstreamOperation("GET", path, true, Optional.empty());
    }

    public UpstreamOperation withTimeout(Duration limit) {
        return new UpstreamOperation(method, pathTemplate, passQuery, Optional.of(limit));
    }

    /** The path with its parameters filled in (URL-encoded). */
    public String path(Map<String, String> params) {
        String path = pathTemplate;
        for (Map.Entry<String, String> p : params.entrySet()) {
            path = path.replace("{" + p.getKey() + "}",
                    java.net.URLEncoder.encode(p.getValue(), java.nio.charset.StandardCharsets.UTF_8)
                            .replace("+", "%20"));
        }
        return path;
    }
}
