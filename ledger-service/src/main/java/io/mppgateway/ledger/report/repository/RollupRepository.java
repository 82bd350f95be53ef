package io.mppgateway.ledger.report.repository;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.mppgateway.ledger.common.jdbc.Jdbc;
import io.mppgateway.ledger.report.domain.Dimension;
import io.mppgateway.ledger.report.domain.ReportFigures;
import io.mppgateway.ledger.report.domain.ReportRow;
import io.mppgateway.ledger.report.domain.RollupKey;

/** The report rollups: report_daily (by model) and report_daily_payer (by payer). */
@ApplicationScoped
public class RollupRepository {
    private static final String FIGURES = "calls, fulfilled_calls, revenue, refunds, upstream_cost, split_cost, "
            + "prompt_tokens, completion_tokens, total_tokens, reasoning_tokens, cached_tokens";

    private final DataSource dataSource;

    public RollupRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Adds the figures to their rows (in the map's order; see Bookings). Same transaction as the postings. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void add(Map<RollupKey, ReportFigures> byModel, Map<RollupKey, ReportFigures> byPayer) {
        upsert("report_daily", "model", byModel);
        upsert("report_daily_payer", "payer", byPayer);
    }

    private void upsert(String table, String valueColumn, Map<RollupKey, ReportFigures> rows) {
        if (rows.isEmpty()) {
            return;
        }
        String sets = java.util.Arrays.stream(FIGURES.split(", "))
                .map(c -> c + " = " + table + "." + c + " + EXCLUDED." + c).collect(Collectors.joining(", "));
        String sql = "INSERT INTO " + table + " (day, provider, " + valueColumn + ", " + FIGURES + ") "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (day, provider, " + valueColumn + ") DO UPDATE SET " + sets;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (Map.Entry<RollupKey, ReportFigures> e : rows.entrySet()) {
                ReportFigures f = e.getValue();
                if (f.equals(ReportFigures.ZERO)) {
                    continue; // e.g. a split cost booked and attributed to its model in one transaction
                }
                ps.setDate(1, Date.valueOf(e.getKey().day()));
                ps.setString(2, e.getKey().provider());
                ps.setString(3, e.getKey().value());
                ps.setLong(4, f.calls());
                ps.setLong(5, f.fulfilledCalls());
                ps.setLong(6, f.revenue());
                ps.setLong(7, f.refunds());
                ps.setLong(8, f.upstreamCost());
                ps.setLong(9, f.splitCost());
                ps.setLong(10, f.promptTokens());
                ps.setLong(11, f.completionTokens());
                ps.setLong(12, f.totalTokens());
                ps.setLong(13, f.reasoningTokens());
                ps.setLong(14, f.cachedTokens());
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw Jdbc.failure("updating " + table, e);
        }
    }

    /** One page of a report by payer: the rows of the page's payers, whether more follow, and its last payer. */
    public record PayerPage(List<ReportRow> rows, boolean more, String lastPayer) {
    }

    /**
     * Sums the rollup rows of [from, to) grouped by the given dimensions. Grouping by payer reads report_daily_payer
     * (the caller makes sure model is not asked for at the same time); use {@link #queryPayers} for that.
     */
    public List<ReportRow> query(LocalDate from, LocalDate to, List<Dimension> groupBy, String provider) {
        return query(from, to, groupBy, provider, null);
    }

    /**
     * The rows of the next {@code limit} payers after {@code after} (in payer order) that have rows in [from, to):
     * the payers are found by walking the (payer, day) index, so a page costs its own payers' rows, not the range's.
     */
    public PayerPage queryPayers(LocalDate from, LocalDate to, List<Dimension> groupBy, String provider, String after,
            int limit) {
        StringBuilder sql = new StringBuilder("SELECT DISTINCT payer FROM report_daily_payer").append(range(provider));
        if (after != null) {
            sql.append(" AND payer > ?");
        }
        sql.append(" ORDER BY payer LIMIT ?");
        List<String> payers = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = bindRange(ps, from, to, provider);
            if (after != null) {
                ps.setString(i++, after);
            }
            ps.setInt(i, limit + 1); // one more tells whether another page follows
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    payers.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw Jdbc.failure("reading the payers of a report", e);
        }
        if (payers.isEmpty()) {
            return new PayerPage(List.of(), false, null);
        }
        boolean more = payers.size() > limit;
        List<String> page = more ? payers.subList(0, limit) : payers;
        return new PayerPage(query(from, to, groupBy, provider, page), more, page.getLast());
    }

    /** The rollup rows of [from, to), of one provider or all: the filter every report query starts with. */
    private static String range(String provider) {
        return " WHERE day >= ? AND day < ?" + (provider != null ? " AND provider = ?" : "");
    }

    /** @return the index of the next parameter */
    private static int bindRange(PreparedStatement ps, LocalDate from, LocalDate to, String provider)
            throws SQLException {
        ps.setDate(1, Date.valueOf(from));
        ps.setDate(2, Date.valueOf(to));
        if (provider == null) {
            return 3;
        }
        ps.setString(3, provider);
        return 4;
    }

    private List<ReportRow> query(LocalDate from, LocalDate to, List<Dimension> groupBy, String provider,
            List<String> onlyPayers) {
        boolean byPayer = groupBy.contains(Dimension.PAYER);
        String table = byPayer ? "report_daily_payer" : "report_daily";
        String groups = groupBy.stream().map(Dimension::column).collect(Collectors.joining(", "));
        String sums = java.util.Arrays.stream(FIGURES.split(", "))
                .map(col -> "SUM(" + col + ")::bigint AS " + col).collect(Collectors.joining(", "));
        StringBuilder sql = new StringBuilder("SELECT ");
        if (!groups.isEmpty()) {
            sql.append(groups).append(", ");
        }
        sql.append(sums).append(" FROM ").append(table).append(range(provider));
        if (onlyPayers != null) {
            sql.append(" AND payer = ANY (?)");
        }
        if (!groups.isEmpty()) {
            sql.append(" GROUP BY ").append(groups).append(" ORDER BY ").append(groups);
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = bindRange(ps, from, to, provider);
            if (onlyPayers != null) {
                ps.setArray(i, c.createArrayOf("text", onlyPayers.toArray()));
            }
            List<ReportRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ReportFigures f = new ReportFigures(rs.getLong("calls"), rs.getLong("fulfilled_calls"),
                            rs.getLong("revenue"), rs.getLong("refunds"), rs.getLong("upstream_cost"),
                            rs.getLong("split_cost"), rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"),
                            rs.getLong("total_tokens"), rs.getLong("reasoning_tokens"), rs.getLong("cached_tokens"));
                    if (groups.isEmpty() && rs.wasNull()) {
                        continue; // no rows at all: SUM over nothing
                    }
                    if (!groups.isEmpty() && f.equals(ReportFigures.ZERO)) {
                        continue; // a row whose figures moved elsewhere (a split cost attributed to its model)
                    }
                    rows.add(new ReportRow(
                            groupBy.contains(Dimension.DAY) ? rs.getDate("day").toLocalDate() : null,
                            groupBy.contains(Dimension.PROVIDER) ? rs.getString("provider") : null,
                            groupBy.contains(Dimension.MODEL) ? rs.getString("model") : null,
                            byPayer ? rs.getString("payer") : null,
                            f));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw Jdbc.failure("reading report", e);
        }
    }
}
