package io.mppgateway.mistral.discovery.service;

/**
 * One paid operation as discovery publishes it.
 *
 * @param amount  fixed price in base units, or null when the price depends on the body (quoted in the 402)
 * @param request the Mistral schema of the request body (mistral-openapi.yaml), or null for bodiless calls
 */
record PaidOperation(String method, String path, String operationId, String summary, Long amount, String request) {
}
