package io.mppgateway.ledger.common.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * One open database transaction of the reactive client. Only {@link Transactions#run} creates one, so a method
 * that takes a {@code LedgerTx} can only run inside a transaction: postings, rollups and the event ids that caused
 * them commit together or not at all (what JTA's MANDATORY used to say, now said by the type).
 */
public final class LedgerTx {
    private final SqlConnection connection;

    LedgerTx(SqlConnection connection) {
        this.connection = connection;
    }

    /** One prepared statement with its parameters ($1, $2, ...). */
    public Uni<RowSet<Row>> execute(String sql, Tuple params) {
        return connection.preparedQuery(sql).execute(params);
    }

    /** A statement without parameters. */
    public Uni<RowSet<Row>> execute(String sql) {
        return connection.preparedQuery(sql).execute();
    }
}
