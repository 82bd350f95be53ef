package io.mppgateway.ledger.reconciliation.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;

import jakarta.ws.rs.ProcessingException;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.ledger.reconciliation.domain.ChainReceipt;
import io.smallrye.mutiny.Uni;

/** The JSON-RPC mapping without a node: errors are classified, receipts and logs decoded exactly. */
class TempoChainClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anUnreachableNodeIsUnavailableAndAnRpcErrorIsNot() {
        TempoChainClient down = new TempoChainClient(
                request -> Uni.createFrom().failure(new ProcessingException("Connection refused")), JSON);
        assertThrows(ChainUnavailableException.class, () -> down.blockNumber().await().indefinitely());
        TempoChainClient throwing = new TempoChainClient(request -> {
            throw new ProcessingException("Connection refused");
        }, JSON);
        assertThrows(ChainUnavailableException.class, () -> throwing.blockNumber().await().indefinitely());

        TempoChainClient refusing = new TempoChainClient(
                request -> read("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,\"message\":\"bad params\"}}"),
                JSON);
        assertThrows(ChainRpcException.class, () -> refusing.blockNumber().await().indefinitely());
    }

    @Test
    void aReceiptYieldsItsTransferLogsButNotTheMemoEventOfTheSameTransfer() {
        String receipt = """
                {"jsonrpc":"2.0","id":1,"result":{"status":"0x1","blockNumber":"0x2a","logs":[
                 {"address":"0x20C0000000000000000000000000000000000000","blockNumber":"0x2a","transactionHash":"0xAB",
                  "topics":["0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
                            "0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8",
                            "0x0000000000000000000000003c44cdddb6a900fa2b585dd299e03d12fa4293bc"],
                  "data":"0x0000000000000000000000000000000000000000000000000000000000004e20"},
                 {"address":"0x20c0000000000000000000000000000000000000","blockNumber":"0x2a","transactionHash":"0xab",
                  "topics":["0x57bc7354aa85aed339e000bccffabbc529466af35f0772c8f8ee1145927de7f0",
                            "0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8",
                            "0x0000000000000000000000003c44cdddb6a900fa2b585dd299e03d12fa4293bc",
                            "0xef1ed712018fd3d455c243a89fc342000000000000000000002c707533b89787"],
                  "data":"0x0000000000000000000000000000000000000000000000000000000000004e20"}]}}""";
        TempoChainClient client = new TempoChainClient(request -> read(receipt), JSON);
        ChainReceipt r = client.receipt("0xab").await().indefinitely().orElseThrow();
        assertTrue(r.success());
        assertEquals(42, r.blockNumber());
        assertEquals(1, r.transfers().size());
        assertEquals(BigInteger.valueOf(20_000), r.transfers().get(0).amount());
        assertEquals("0x70997970c51812dc3a010c7d01b50e0d17dc79c8", r.transfers().get(0).from());
        assertEquals("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc", r.transfers().get(0).to());
        assertEquals("0x20c0000000000000000000000000000000000000", r.transfers().get(0).token());
    }

    @Test
    void anUnknownTransactionHasNoReceipt() {
        TempoChainClient client = new TempoChainClient(request -> read("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}"),
                JSON);
        assertFalse(client.receipt("0x01").await().indefinitely().isPresent());
    }

    private static Uni<com.fasterxml.jackson.databind.JsonNode> read(String json) {
        try {
            return Uni.createFrom().item(JSON.readTree(json));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
