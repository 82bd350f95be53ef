package io.mppgateway.payment.chain.repository;

import static io.mppgateway.payment.common.db.Sql.timestamp;

import java.time.Instant;

import io.mppgateway.payment.common.db.Sql;
import io.mppgateway.payment.common.db.Transactions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** What the fee payer has committed to in each time window, shared by every replica. */
@ApplicationScoped
public class SponsorBudgetRepository {
    private final Transactions transactions;

    public SponsorBudgetRepository(Transactions transactions) {
        this.transactions = transactions;
    }

    /** Rolls the reservation's transaction back: the window's budget cannot take the fee. */
    private static final class OverBudget extends RuntimeException {
        OverBudget() {
            super("over budget", null, false, false);
        }
    }

    /**
     * Adds {@code fee} to the window's spending if it stays within {@code budget}, atomically, once per challenge: a
     * challenge whose transaction was already reserved for (the same credential presented again) adds nothing.
     *
     * @return false when the window's budget cannot take it (nothing is added)
     */
    public Uni<Boolean> reserve(Instant windowStart, long fee, long budget, String challengeId) {
        if (fee > budget) {
            return Uni.createFrom().item(false);
        }
        String claim = """
                INSERT INTO sponsor_reservations (challenge_id, window_start, fee) VALUES ($1, $2, $3)
                ON CONFLICT (challenge_id) DO NOTHING""";
        String spend = """
                INSERT INTO sponsor_budget (window_start, spent) VALUES ($1, $2)
                ON CONFLICT (window_start) DO UPDATE SET spent = sponsor_budget.spent + EXCLUDED.spent
                WHERE sponsor_budget.spent + EXCLUDED.spent <= $3
                RETURNING spent""";
        return transactions.run(sql -> sql.preparedQuery(claim)
                .execute(Tuple.of(challengeId, timestamp(windowStart), fee))
                .chain(claimed -> {
                    if (claimed.rowCount() == 0) {
                        // reserved when this challenge's transaction was first co-signed
                        return Uni.createFrom().item(true);
                    }
                    return sql.preparedQuery(spend).execute(Tuple.of(timestamp(windowStart), fee, budget))
                            .map(spent -> {
                                if (spent.size() == 0) {
                                    throw new OverBudget(); // the reservation above is rolled back with it
                                }
                                return true;
                            });
                }))
                .onFailure(OverBudget.class).recoverWithItem(false)
                .onFailure(e -> !(e instanceof OverBudget))
                .transform(Sql.failure("could not reserve sponsor budget"));
    }

    /** What the window has spent (reserved) so far. */
    public Uni<Long> spent(Instant windowStart) {
        return transactions.autoCommit().preparedQuery("SELECT spent FROM sponsor_budget WHERE window_start = $1")
                .execute(Tuple.of(timestamp(windowStart)))
                .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong(0))
                .onFailure().transform(Sql.failure("could not read sponsor budget"));
    }
}
