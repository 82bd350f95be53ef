package io.mppgateway.payment.common.db;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Database work on the reactive PostgreSQL pool (the one Hibernate Reactive runs on), as ledger-service does it:
 * {@link #run} is one transaction — begin, the work, commit, or roll back when the work fails — and its Uni
 * completes only after the commit; {@link #autoCommit} runs each statement on its own, as the JDBC code did outside
 * {@code @Transactional}. Repositories take the {@link SqlClient} to run on, so the caller decides which statements
 * commit together (a claim and its outbox event, a refund row and the charge it claims).
 */
@ApplicationScoped
public class Transactions {
    private final Pool pool;

    public Transactions(Pool pool) {
        this.pool = pool;
    }

    public <T> Uni<T> run(Function<SqlClient, Uni<T>> work) {
        return pool.withTransaction(connection -> {
            try {
                return work.apply(connection);
            } catch (RuntimeException e) {
                return Uni.createFrom().failure(e); // thrown while building the work: roll back all the same
            }
        });
    }

    /** Statements that commit one by one (reads, and the single conditional updates that need no companion). */
    public SqlClient autoCommit() {
        return pool;
    }
}
