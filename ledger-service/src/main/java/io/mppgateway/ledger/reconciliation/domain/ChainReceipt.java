package io.mppgateway.ledger.reconciliation.domain;

import java.util.List;

/** What reconciliation needs of a transaction receipt: success and its TIP-20 Transfer logs. */
public record ChainReceipt(String txHash, boolean success, long blockNumber, List<TokenTransfer> transfers) {
}
