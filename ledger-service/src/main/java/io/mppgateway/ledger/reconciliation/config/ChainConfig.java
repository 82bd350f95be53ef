package io.mppgateway.ledger.reconciliation.config;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Reconciliation against the chain (the RPC endpoint itself is quarkus.rest-client.tempo-rpc.url). */
@ConfigMapping(prefix = "ledger.chain")
public interface ChainConfig {

    /** TIP-20 tokens whose transfers are compared (charge currencies are always added). */
    @WithDefault("0x20c0000000000000000000000000000000000000")
    List<String> tokens();

    /** Wallets always scanned for incoming transfers, even on days without any charge. */
    Optional<List<String>> recipients();

    /** eth_getLogs block span per request; nodes cap the range or the answer size. */
    @WithDefault("5000")
    int logBlockChunk();

    /** Longest reconciliation range in days. */
    @WithDefault("31")
    int maxDays();

    /** Receipt requests in flight at once during a reconciliation. */
    @WithDefault("8")
    int concurrentReceipts();

    /** Most charges re-checked in one reconciliation (one receipt request each). */
    @WithDefault("5000")
    int maxCharges();
}
