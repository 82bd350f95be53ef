package io.mppgateway.payment.chain.client;

import java.util.List;

public record JsonRpcRequest(String jsonrpc, long id, String method, List<Object> params) {
    public static JsonRpcRequest of(long id, String method, Object... params) {
        return new JsonRpcRequest("2.0", id, method, List.of(params));
    }
}
