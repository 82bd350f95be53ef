package io.mppgateway.payment.common.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;

/** Small helpers shared by the repositories' native SQL (reactive PostgreSQL client, parameters $1, $2, ...). */
public final class Sql {
    private Sql() {
    }

    /** A timestamptz parameter. */
    public static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    public static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    /** Seconds for make_interval(secs => $n) (double precision). */
    public static Double seconds(java.time.Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    public static <T> List<T> rows(RowSet<Row> rows, Function<Row, T> mapper) {
        List<T> out = new ArrayList<>();
        for (Row row : rows) {
            out.add(mapper.apply(row));
        }
        return out;
    }

    /** SQL failures say what was attempted (and roll the transaction they are part of back). */
    public static Function<Throwable, Throwable> failure(String what) {
        return e -> new IllegalStateException(what + ": " + e.getMessage(), e);
    }
}
