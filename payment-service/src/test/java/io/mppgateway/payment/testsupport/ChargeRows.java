package io.mppgateway.payment.testsupport;

import java.sql.SQLException;

import javax.sql.DataSource;

/** Reads what payment-service wrote, so tests assert on the rows themselves. */
public final class ChargeRows {
    private final DataSource dataSource;

    public ChargeRows(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The status of the charge paid through this challenge. */
    public String status(String challengeId) throws SQLException {
        try (var con = dataSource.getConnection();
                var ps = con.prepareStatement("SELECT status FROM charges WHERE challenge_id = ?")) {
            ps.setString(1, challengeId);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** The single number a one-parameter count query returns. */
    public long count(String sql, String param) throws SQLException {
        try (var con = dataSource.getConnection(); var ps = con.prepareStatement(sql)) {
            ps.setString(1, param);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The single text a one-parameter query returns (null when no row). */
    public String text(String sql, String param) throws SQLException {
        try (var con = dataSource.getConnection(); var ps = con.prepareStatement(sql)) {
            ps.setString(1, param);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** As if the charge had been released (or its delivery lease last renewed) this many seconds ago. */
    public void releasedSecondsAgo(String challengeId, int seconds) throws SQLException {
        try (var con = dataSource.getConnection(); var ps = con.prepareStatement(
                "UPDATE charges SET released_at = now() - make_interval(secs => ?) WHERE challenge_id = ?")) {
            ps.setInt(1, seconds);
            ps.setString(2, challengeId);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("no charge for challenge " + challengeId);
            }
        }
    }
}
