package io.mppgateway.paywall.route;

/**
 * One method and path a paid route is sold on, as discovery publishes it.
 *
 * @param method      GET or POST
 * @param path        e.g. {@code /mistral/chat} or {@code /v1/models/{model_id}}
 * @param operationId the OpenAPI operation id
 * @param summary     one line for /openapi.json and /llms.txt
 */
public record SoldPath(String method, String path, String operationId, String summary) {
}
