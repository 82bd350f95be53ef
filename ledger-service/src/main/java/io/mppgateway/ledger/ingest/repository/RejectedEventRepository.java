package io.mppgateway.ledger.ingest.repository;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.mppgateway.ledger.common.db.LedgerTx;
import io.mppgateway.ledger.common.db.Sql;
import io.mppgateway.ledger.ingest.service.Rejection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

/** Events that can never be booked, kept verbatim for an operator. */
@ApplicationScoped
public class RejectedEventRepository {

    /** Idempotent per Kafka position, so a redelivered bad record is kept once. */
    public Uni<Void> record(LedgerTx tx, List<Rejection> rejections) {
        if (rejections.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.execute("""
                INSERT INTO rejected_events (topic, kafka_partition, kafka_offset, message_key, payload, reason)
                SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::text[], $5::text[], $6::text[])
                ON CONFLICT DO NOTHING""",
                Tuple.from(List.of(Sql.texts(rejections, r -> r.origin().topic()),
                        Sql.ints(rejections, r -> r.origin().partition()),
                        Sql.longs(rejections, r -> r.origin().offset()),
                        Sql.texts(rejections, r -> text(r.origin().key())),
                        Sql.texts(rejections, r -> text(r.origin().payload())),
                        Sql.texts(rejections, r -> text(r.reason())))))
                .onFailure().transform(Sql.failure("recording " + rejections.size() + " rejected events"))
                .replaceWithVoid();
    }

    /** PostgreSQL text cannot hold NUL; a hostile payload must not make the rejection itself fail. */
    private static String text(String value) {
        return value == null ? null : value.replace("\u0000", "\\u0000");
    }
}
