package io.mppgateway.payment.refund.repository;

import static io.mppgateway.payment.common.db.Sql.failure;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.mppgateway.payment.common.db.Sql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** Refunds; the primary key (the charge) makes it at most one per charge, whatever the number of replicas. */
@ApplicationScoped
public class RefundRepository {

    public record Refund(UUID chargeId, String payer, long amount, String status, String txHash,
            String rawTransaction, String reason) {
    }

    /** Records the signed refund before it is broadcast. @return false when this charge already has a refund */
    public Uni<Boolean> insertSending(SqlClient sql, Refund r) {
        String insert = """
                INSERT INTO refunds (charge_id, payer, amount, status, tx_hash, raw_transaction, reason)
                VALUES ($1, $2, $3, 'sending', $4, $5, $6) ON CONFLICT (charge_id) DO NOTHING""";
        return sql.preparedQuery(insert)
                .execute(Tuple.of(r.chargeId(), r.payer(), r.amount(), r.txHash(), r.rawTransaction(), r.reason()))
                .map(rows -> rows.rowCount() == 1)
                .onFailure().transform(failure("could not record refund of " + r.chargeId()));
    }

    public Uni<Optional<Refund>> find(SqlClient sql, UUID chargeId) {
        String select = "SELECT charge_id, payer, amount, status, tx_hash, raw_transaction, reason FROM refunds"
                + " WHERE charge_id = $1";
        return sql.preparedQuery(select).execute(Tuple.of(chargeId))
                .map(rows -> Sql.rows(rows, row -> new Refund(row.getUUID(0), row.getString(1), row.getLong(2),
                        row.getString(3), row.getString(4), row.getString(5), row.getString(6))).stream().findFirst())
                .onFailure().transform(failure("could not read refund of " + chargeId));
    }

    /** sending → sent|failed. In a transaction. */
    public Uni<Boolean> finish(SqlClient sql, UUID chargeId, String status, String txHash) {
        String update = "UPDATE refunds SET status = $1, tx_hash = $2, sent_at = now() WHERE charge_id = $3"
                + " AND status = 'sending'";
        return sql.preparedQuery(update).execute(Tuple.of(status, txHash, chargeId))
                .map(rows -> rows.rowCount() == 1)
                .onFailure().transform(failure("could not update refund of " + chargeId));
    }

    /** Refunds whose inclusion was never confirmed (broadcast timed out, or the replica stopped). */
    public Uni<List<UUID>> sending(SqlClient sql, int limit) {
        return sql.preparedQuery("SELECT charge_id FROM refunds WHERE status = 'sending' ORDER BY created_at LIMIT $1")
                .execute(Tuple.of((long) limit))
                .map(rows -> Sql.rows(rows, row -> row.getUUID(0)))
                .onFailure().transform(failure("could not list refunds"));
    }
}
