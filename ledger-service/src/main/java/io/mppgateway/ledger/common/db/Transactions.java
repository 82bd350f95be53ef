package io.mppgateway.ledger.common.db;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Database transactions on the reactive PostgreSQL client: begin, the work, commit (or roll back when the work
 * fails). The returned Uni completes only after the commit, so whoever acknowledges a Kafka record on its
 * completion acknowledges a committed fact.
 */
@ApplicationScoped
public class Transactions {
    private final Pool pool;

    public Transactions(Pool pool) {
        this.pool = pool;
    }

    public <T> Uni<T> run(Function<LedgerTx, Uni<T>> work) {
        return pool.withTransaction(connection -> {
            try {
                return work.apply(new LedgerTx(connection));
            } catch (RuntimeException e) {
                return Uni.createFrom().failure(e); // thrown while building the work: roll back all the same
            }
        });
    }
}
