package io.mppgateway.payment.settlement.repository;

import static io.mppgateway.payment.common.db.Sql.failure;
import static io.mppgateway.payment.common.db.Sql.seconds;
import static io.mppgateway.payment.common.db.Sql.timestamp;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.events.PaymentSplit;

import io.mppgateway.payment.common.db.Sql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Charges, claimed once by their unique challenge id, credential reference and transaction hash. Every method runs
 * on the {@link SqlClient} it is given: a transaction's connection ({@code Transactions#run}) where the javadoc says
 * "in a transaction", else any (the pool commits each statement on its own).
 */
@ApplicationScoped
public class ChargeRepository {
    /** The outcome of a charge presumed undelivered because its provider never reported within the lease. */
    public static final String LEASE_EXPIRED = "DELIVERY_LEASE_EXPIRED";
    /** Outcome of a pull claim the reconciler found paid on chain with no request left to deliver for it. */
    public static final String NOT_RELEASED = "NOT_RELEASED";
    /** Outcome of a failed pull claim whose transaction was included but did not pay the charge. */
    public static final String DID_NOT_PAY = "DID_NOT_PAY";
    /** Outcome of a failed pull claim whose transaction was never included and no longer can be (validBefore). */
    public static final String NEVER_INCLUDED = "NEVER_INCLUDED";

    private static final String COLUMNS = """
            charge_id, challenge_id, tx_hash, provider, route, realm, amount, currency, chain_id, payer, recipient,
            source, mode, digest, settled_at, challenge_expires_at, credential_ref, status, raw_transaction,
            route_memo, splits::text AS splits""";
    private static final String INSERT_COLUMNS = """
            charge_id, challenge_id, tx_hash, provider, route, realm, amount, currency, chain_id, payer, recipient,
            source, mode, digest, settled_at, challenge_expires_at, credential_ref, status, raw_transaction,
            route_memo, splits""";
    private static final TypeReference<List<PaymentSplit>> SPLITS = new TypeReference<>() {
    };

    private final ObjectMapper mapper;

    public ChargeRepository(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Push: inserts the charge, settled, with the event that announces it, unless its challenge or transaction already
     * paid for something. One statement (both or neither).
     *
     * @return the event's outbox row id; empty when the charge was already claimed (by any replica)
     */
    public Uni<Optional<Long>> claimAnnounced(SqlClient sql, Charge c, OutboxRepository.NewEvent event) {
        return Uni.createFrom().deferred(() -> {
            Tuple params = chargeValues(c);
            String statement = "WITH claimed AS (" + insert("", "") + " ON CONFLICT DO NOTHING RETURNING 1) "
                    + OutboxRepository.insertFor("claimed", 22, event, params);
            return sql.preparedQuery(statement).execute(params).map(OutboxRepository::insertedId);
        }).onFailure().transform(failure("could not record charge " + c.challengeId()));
    }

    /**
     * Pull: inserts the pending charge holding the right to broadcast it for {@code lease}, unless its challenge or
     * transaction already paid for something. One statement.
     */
    public Uni<Boolean> claimForBroadcast(SqlClient sql, Charge c, Duration lease) {
        return Uni.createFrom().deferred(() -> sql.preparedQuery(insert(", broadcast_lease_until",
                ", now() + make_interval(secs => $22)") + " ON CONFLICT DO NOTHING")
                .execute(chargeValues(c).addValue(seconds(lease))).map(rows -> rows.rowCount() == 1))
                .onFailure().transform(failure("could not record charge " + c.challengeId()));
    }

    /** The INSERT of a charge ($1..$21, see {@link #chargeValues}), plus the given columns and their values. */
    private static String insert(String moreColumns, String moreValues) {
        return "INSERT INTO charges (" + INSERT_COLUMNS + moreColumns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
                + " $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21::text::jsonb" + moreValues + ")";
    }

    /** $1..$21 of {@link #insert}. */
    private Tuple chargeValues(Charge c) {
        String splits;
        try {
            splits = mapper.writeValueAsString(c.splits());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the splits of charge " + c.challengeId() + " are not writable", e);
        }
        return Tuple.tuple().addValue(c.chargeId()).addValue(c.challengeId()).addValue(c.txHash())
                .addValue(c.provider()).addValue(c.route()).addValue(c.realm()).addValue(c.amount())
                .addValue(c.currency()).addValue(c.chainId()).addValue(c.payer()).addValue(c.recipient())
                .addValue(c.source()).addValue(c.mode()).addValue(c.digest()).addValue(timestamp(c.settledAt()))
                .addValue(timestamp(c.challengeExpiresAt())).addValue(c.credentialRef()).addValue(c.status())
                .addValue(c.rawTransaction()).addValue(c.routeMemo()).addValue(splits);
    }

    /**
     * What a presentation is decided by: the charge of this challenge if there is one, else the charge that already
     * used this transaction (by the credential's reference or the node's hash). One read.
     */
    public Uni<Optional<Charge>> findPresented(SqlClient sql, String challengeId, String ref) {
        return one(sql, "SELECT " + COLUMNS + " FROM charges WHERE challenge_id = $1 OR credential_ref = $2"
                + " OR tx_hash = $2 ORDER BY challenge_id = $1 DESC LIMIT 1", Tuple.of(challengeId, ref));
    }

    public Uni<Optional<Charge>> findByChallenge(SqlClient sql, String challengeId) {
        return one(sql, "SELECT " + COLUMNS + " FROM charges WHERE challenge_id = $1", Tuple.of(challengeId));
    }

    public Uni<Optional<Charge>> findById(SqlClient sql, UUID chargeId) {
        return one(sql, "SELECT " + COLUMNS + " FROM charges WHERE charge_id = $1", Tuple.of(chargeId));
    }

    /**
     * pending → settled with the node's hash and the paying address, with the event that announces it. One statement
     * (both or neither).
     *
     * @return the event's outbox row id; empty when the charge was no longer pending
     */
    public Uni<Optional<Long>> completeAnnounced(SqlClient sql, UUID chargeId, String txHash, String payer,
            Instant settledAt, OutboxRepository.NewEvent event) {
        Tuple params = Tuple.of(txHash, payer, timestamp(settledAt), chargeId);
        String statement = "WITH done AS (UPDATE charges SET status = 'settled', tx_hash = $1, payer = $2,"
                + " settled_at = $3 WHERE charge_id = $4 AND status = 'pending' RETURNING 1) "
                + OutboxRepository.insertFor("done", 5, event, params);
        return sql.preparedQuery(statement).execute(params).map(OutboxRepository::insertedId)
                .onFailure().transform(failure("could not update charges"));
    }

    /** Takes (or renews) the right to broadcast a pending pull transaction; false while another replica holds it. */
    public Uni<Boolean> takeBroadcastLease(SqlClient sql, UUID chargeId, Duration lease) {
        return update(sql, "UPDATE charges SET broadcast_lease_until = now() + make_interval(secs => $1)"
                + " WHERE charge_id = $2 AND status = 'pending'"
                + " AND (broadcast_lease_until IS NULL OR broadcast_lease_until < now())",
                Tuple.of(seconds(lease), chargeId));
    }

    /**
     * A pull transaction the node refused once, with no receipt: the claim stays (the transaction can't pay twice)
     * and settles nothing for now; the outcome stays unset because it may still land (the reconciler decides).
     */
    public Uni<Boolean> markFailed(SqlClient sql, UUID chargeId) {
        return update(sql, "UPDATE charges SET status = 'failed' WHERE charge_id = $1 AND status = 'pending'",
                Tuple.of(chargeId));
    }

    /**
     * Pull claims whose chain outcome is not final yet: pending and not being broadcast by a request (claimed at
     * least {@code minAge} ago), or failed by one refusal of the node (outcome not set: the transaction may still
     * land). Oldest first.
     */
    public Uni<List<Charge>> unresolvedPullClaims(SqlClient sql, Duration minAge, int limit) {
        String select = "SELECT " + COLUMNS + " FROM charges WHERE mode = 'pull' AND ("
                + " (status = 'pending' AND settled_at < now() - make_interval(secs => $1)"
                + "  AND (broadcast_lease_until IS NULL OR broadcast_lease_until < now()))"
                + " OR (status = 'failed' AND outcome IS NULL)) ORDER BY settled_at LIMIT $2";
        return sql.preparedQuery(select).execute(Tuple.of(seconds(minAge), (long) limit))
                .map(rows -> Sql.rows(rows, this::map))
                .onFailure().transform(failure("could not list unresolved pull claims"));
    }

    /**
     * pending|failed (not final) → unfulfilled with outcome {@value #NOT_RELEASED}: the claimed transaction paid on
     * chain, but no request was left to deliver for it, so the buyer's re-presented credential redeems it (or it is
     * refunded after the grace period). In a transaction.
     */
    public Uni<Boolean> settleUnreleased(SqlClient sql, UUID chargeId, String txHash, String payer,
            Instant settledAt) {
        return update(sql, "UPDATE charges SET status = 'unfulfilled', outcome = '" + NOT_RELEASED + "',"
                + " outcome_at = now(), tx_hash = $1, payer = $2, settled_at = $3 WHERE charge_id = $4"
                + " AND (status = 'pending' OR (status = 'failed' AND outcome IS NULL))",
                Tuple.of(txHash, payer, timestamp(settledAt), chargeId));
    }

    /**
     * pending|failed → failed for good: the chain shows the transaction did not pay ({@value #DID_NOT_PAY}), or it
     * can no longer be included ({@value #NEVER_INCLUDED}). The reconciler no longer looks at it.
     */
    public Uni<Boolean> failForGood(SqlClient sql, UUID chargeId, String why) {
        return update(sql, "UPDATE charges SET status = 'failed', outcome = $1 WHERE charge_id = $2"
                + " AND (status = 'pending' OR (status = 'failed' AND outcome IS NULL))", Tuple.of(why, chargeId));
    }

    /**
     * unfulfilled → redeeming, for exactly one of any number of concurrent re-presentations, and only once in the
     * charge's life (redeemed_at): a redemption that failed again is refunded, not redeemed again. Excludes a refund:
     * both claim the unfulfilled row, whichever commits first wins.
     */
    public Uni<Boolean> startRedemption(SqlClient sql, UUID chargeId) {
        return update(sql, "UPDATE charges SET status = 'redeeming', redeemed_at = now()"
                + " WHERE charge_id = $1 AND status = 'unfulfilled' AND redeemed_at IS NULL", Tuple.of(chargeId));
    }

    /** unfulfilled → refunding: a refund claims the charge; excludes a redemption. In a transaction. */
    public Uni<Boolean> claimRefund(SqlClient sql, UUID chargeId) {
        return update(sql, "UPDATE charges SET status = 'refunding' WHERE charge_id = $1 AND status = 'unfulfilled'",
                Tuple.of(chargeId));
    }

    /** refunding → unfulfilled: the chain refused the refund transaction, nothing was paid back. */
    public Uni<Boolean> releaseRefund(SqlClient sql, UUID chargeId) {
        return update(sql, "UPDATE charges SET status = 'unfulfilled' WHERE charge_id = $1 AND status = 'refunding'",
                Tuple.of(chargeId));
    }

    /**
     * settled|redeeming → fulfilled|unfulfilled; a repeated report of the same result changes nothing. A report that
     * arrives after the delivery lease expired still counts (the provider's word beats the presumption), as long as
     * the charge was neither redeemed nor refunded since.
     */
    public Uni<Boolean> recordOutcome(SqlClient sql, UUID chargeId, String newStatus, String outcome) {
        return update(sql, "UPDATE charges SET status = $1, outcome = $2, outcome_at = now()"
                + " WHERE charge_id = $3 AND (status IN ('settled', 'redeeming')"
                + " OR (status = 'unfulfilled' AND outcome = '" + LEASE_EXPIRED + "'))",
                Tuple.of(newStatus, outcome, chargeId));
    }

    /**
     * settled|redeeming for longer than the delivery lease → unfulfilled (outcome {@value #LEASE_EXPIRED}): the
     * provider that held the charge died without reporting. The buyer may redeem it, or it is refunded after the
     * grace period. SKIP LOCKED: replicas sweep side by side without waiting on each other. In a transaction.
     *
     * @return the challenge ids swept
     */
    public Uni<List<String>> expireDeliveryLeases(SqlClient sql, Duration lease, int limit) {
        String expire = """
                UPDATE charges SET status = 'unfulfilled', outcome = '%s', outcome_at = now()
                WHERE charge_id IN (SELECT charge_id FROM charges
                    WHERE status IN ('settled', 'redeeming') AND released_at < now() - make_interval(secs => $1)
                    ORDER BY released_at LIMIT $2 FOR UPDATE SKIP LOCKED)
                RETURNING challenge_id""".formatted(LEASE_EXPIRED);
        return sql.preparedQuery(expire).execute(Tuple.of(seconds(lease), (long) limit))
                .map(rows -> Sql.rows(rows, row -> row.getString(0)))
                .onFailure().transform(failure("could not expire delivery leases"));
    }

    /**
     * The provider's heartbeat: a fresh delivery lease ({@code released_at = now()}) for each listed charge still
     * released to this provider in this realm (settled, or redeeming). One statement; a charge already reported, or
     * another provider's, is not touched. Not a status change, so the release trigger (V4) leaves it alone.
     *
     * @return how many charges were renewed
     */
    public Uni<Integer> renewDeliveryLeases(SqlClient sql, List<String> challengeIds, String provider, String realm) {
        String renew = """
                UPDATE charges SET released_at = now()
                WHERE challenge_id = ANY($1) AND status IN ('settled', 'redeeming') AND provider = $2 AND realm = $3""";
        return sql.preparedQuery(renew)
                .execute(Tuple.of(challengeIds.toArray(String[]::new), provider, realm))
                .map(rows -> rows.rowCount())
                .onFailure().transform(failure("could not renew delivery leases"));
    }

    /** refunding → refunded, once the refund is confirmed on chain. In a transaction. */
    public Uni<Boolean> markRefunded(SqlClient sql, UUID chargeId) {
        return update(sql, "UPDATE charges SET status = 'refunded' WHERE charge_id = $1 AND status = 'refunding'",
                Tuple.of(chargeId));
    }

    /** Charges left unfulfilled since before {@code before}, with no refund yet. */
    public Uni<List<UUID>> unfulfilledSince(SqlClient sql, Instant before, int limit) {
        String select = """
                SELECT c.charge_id FROM charges c LEFT JOIN refunds r ON r.charge_id = c.charge_id
                WHERE c.status = 'unfulfilled' AND c.outcome_at < $1 AND r.charge_id IS NULL
                ORDER BY c.outcome_at LIMIT $2""";
        return sql.preparedQuery(select).execute(Tuple.of(timestamp(before), (long) limit))
                .map(rows -> Sql.rows(rows, row -> row.getUUID(0)))
                .onFailure().transform(failure("could not list unfulfilled charges"));
    }

    private Uni<Optional<Charge>> one(SqlClient sql, String select, Tuple params) {
        return sql.preparedQuery(select).execute(params).map(rows -> {
            var it = rows.iterator();
            return it.hasNext() ? Optional.of(map(it.next())) : Optional.<Charge>empty();
        }).onFailure().transform(failure("could not read charges"));
    }

    /** @return whether the statement changed exactly one row */
    private static Uni<Boolean> update(SqlClient sql, String statement, Tuple params) {
        return sql.preparedQuery(statement).execute(params).map(rows -> rows.rowCount() == 1)
                .onFailure().transform(failure("could not update charges"));
    }

    private Charge map(Row row) {
        return new Charge(row.getUUID("charge_id"), row.getString("challenge_id"), row.getString("tx_hash"),
                row.getString("provider"), row.getString("route"), row.getString("realm"), row.getLong("amount"),
                row.getString("currency"), row.getLong("chain_id"), row.getString("payer"),
                row.getString("recipient"), row.getString("source"), row.getString("mode"), row.getString("digest"),
                Sql.instant(row, "settled_at"), Sql.instant(row, "challenge_expires_at"),
                row.getString("credential_ref"), row.getString("status"), row.getString("raw_transaction"),
                row.getString("route_memo"), splits(row.getString("splits")));
    }

    private List<PaymentSplit> splits(String json) {
        try {
            return mapper.readValue(json, SPLITS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("charges.splits is not a list of splits: " + json, e);
        }
    }
}
