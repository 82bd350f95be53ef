package io.mppgateway.payment.chain.client;

import java.util.List;

/** The parts of an {@code eth_getTransactionReceipt} answer that payment verification reads. */
public record TransactionReceipt(String transactionHash, String status, String from, List<Log> logs) {

    public boolean succeeded() {
        return "0x1".equals(status);
    }

    public record Log(String address, List<String> topics, String data) {
    }
}
