package io.mppgateway.ledger.balance.repository;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.mppgateway.ledger.common.db.LedgerTx;
import io.mppgateway.ledger.common.db.Sql;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

/** Running per-account totals (account_balances), kept with the postings in the same transaction. */
@ApplicationScoped
public class BalanceRepository implements PanacheRepositoryBase<AccountBalanceEntity, String> {

    /** Totals of one account in base units. */
    public record AccountTotals(String account, long debit, long credit) {
    }

    /**
     * Adds {debit, credit} per account, in the map's (sorted) order so that concurrent writers lock the rows in
     * the same order and cannot deadlock.
     */
    public Uni<Void> add(LedgerTx tx, Map<String, long[]> totals) {
        if (totals.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Map.Entry<String, long[]>> rows = List.copyOf(totals.entrySet());
        return tx.execute("""
                INSERT INTO account_balances (account, debit, credit)
                SELECT a, d, c FROM unnest($1::text[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS t(a, d, c, n)
                ORDER BY n
                ON CONFLICT (account) DO UPDATE SET debit = account_balances.debit + EXCLUDED.debit,
                                                    credit = account_balances.credit + EXCLUDED.credit""",
                Tuple.of(Sql.texts(rows, Map.Entry::getKey), Sql.longs(rows, e -> e.getValue()[0]),
                        Sql.longs(rows, e -> e.getValue()[1])))
                .onFailure().transform(Sql.failure("updating account balances"))
                .replaceWithVoid();
    }

    /** All accounts, or those whose name starts with {@code prefix}, sorted by name. */
    public Uni<List<AccountTotals>> totals(String prefix) {
        var query = prefix == null ? findAll(Sort.ascending("account"))
                : find("account like ?1 escape '\\'", Sort.ascending("account"), likePrefix(prefix));
        return query.list().map(rows -> rows.stream()
                .map(r -> new AccountTotals(r.account, r.debit, r.credit)).toList());
    }

    /** A LIKE pattern matching names that start with {@code prefix} literally (its % and _ are not wildcards). */
    static String likePrefix(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
