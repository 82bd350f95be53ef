package io.mppgateway.ledger.common.db;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import io.vertx.mutiny.sqlclient.Row;
import io.vertx.pgclient.PgException;

/** Small helpers shared by the native SQL of the repositories (reactive PostgreSQL client). */
public final class Sql {
    private Sql() {
    }

    /**
     * timestamptz keeps microseconds; truncating here makes what we store equal to what we read back, which the
     * keyset cursors rely on.
     */
    public static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(micros(instant), ZoneOffset.UTC);
    }

    public static Instant micros(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
    }

    public static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    /** A column of values for an unnest($n::type[]) parameter. */
    public static <T> String[] texts(Collection<T> rows, Function<T, String> column) {
        return rows.stream().map(column).toArray(String[]::new);
    }

    public static <T> Long[] longs(Collection<T> rows, Function<T, Long> column) {
        return rows.stream().map(column).toArray(Long[]::new);
    }

    public static <T> Integer[] ints(Collection<T> rows, Function<T, Integer> column) {
        return rows.stream().map(column).toArray(Integer[]::new);
    }

    public static <T> Boolean[] bools(Collection<T> rows, Function<T, Boolean> column) {
        return rows.stream().map(column).toArray(Boolean[]::new);
    }

    public static <T> OffsetDateTime[] timestamps(Collection<T> rows, Function<T, Instant> column) {
        return rows.stream().map(r -> timestamp(column.apply(r))).toArray(OffsetDateTime[]::new);
    }

    public static <T> LocalDate[] dates(Collection<T> rows, Function<T, LocalDate> column) {
        return rows.stream().map(column).toArray(LocalDate[]::new);
    }

    public static String[] texts(Collection<String> values) {
        return values.toArray(String[]::new);
    }

    public static <T> List<T> rows(Iterable<Row> rows, Function<Row, T> mapper) {
        List<T> out = new java.util.ArrayList<>();
        for (Row row : rows) {
            out.add(mapper.apply(row));
        }
        return out;
    }

    /** Whether the failure, or one of its causes, is a unique violation of one of these constraints. */
    public static boolean uniqueViolation(Throwable failure, Set<String> constraints) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg && "23505".equals(pg.getSqlState())
                    && constraints.contains(pg.getConstraint())) {
                return true;
            }
        }
        return false;
    }

    /** SQL failures are not recoverable by the caller; they roll the transaction back and say what was attempted. */
    public static Function<Throwable, Throwable> failure(String what) {
        return e -> new IllegalStateException(what + " failed: " + e.getMessage(), e);
    }
}
