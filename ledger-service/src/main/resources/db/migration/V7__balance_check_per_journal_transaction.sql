-- The deferred balance check, once per journal transaction instead of once per posting (ingest: a 500-event batch
-- writes ~1,400 journal transactions but ~2,800 postings, and each check is a query on postings). The guarantee is
-- the same: a transaction cannot commit while a journal transaction it wrote postings to does not balance.
--  1. journal_transactions_balanced: at commit, each journal transaction inserted by the transaction has postings
--     and they balance (a posting has exactly one side > 0, so balanced implies at least one debit and one credit).
--  2. postings_with_their_transaction: postings may only be added to a journal transaction inserted by the same
--     transaction, so check 1 (queued by that insert) covers them; an older one is refused at once (the journal is
--     append-only: a correction is a new journal transaction, never a posting added to a booked one). "Inserted by
--     the same transaction" is its xmin: a journal transaction inserted inside a savepoint has the subtransaction's
--     xid and is refused too (nothing writes the journal in a savepoint).
--  3. if check 1 has already run in this transaction (SET CONSTRAINTS ... IMMEDIATE) and postings follow, their
--     journal transactions' queued checks may be spent: those are checked at the end of the INSERT statement.
-- Checks 2 and 3 are one set-based query per INSERT statement (transition table), not a trigger call per row.

DROP TRIGGER postings_balanced ON postings;
DROP FUNCTION ledger_assert_balanced();

CREATE FUNCTION ledger_assert_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    total_debit  NUMERIC;
    total_credit NUMERIC;
    lines        BIGINT;
BEGIN
    -- tells check 3 that queued checks of this transaction have run (reset when the transaction ends)
    PERFORM set_config('ledger.balance_checked', 'on', true);
    SELECT COALESCE(SUM(debit), 0), COALESCE(SUM(credit), 0), count(*) INTO total_debit, total_credit, lines
    FROM postings WHERE journal_transaction_id = NEW.id;
    IF lines = 0 THEN
        RAISE EXCEPTION 'journal transaction % does not balance: it has no postings', NEW.id;
    END IF;
    IF total_debit <> total_credit THEN
        RAISE EXCEPTION 'journal transaction % does not balance: debit % <> credit %', NEW.id, total_debit,
            total_credit;
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER journal_transactions_balanced
    AFTER INSERT ON journal_transactions DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_assert_transaction_balanced();

CREATE FUNCTION ledger_assert_postings_with_their_transaction() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    found_id     BIGINT;
    total_debit  NUMERIC;
    total_credit NUMERIC;
BEGIN
    -- dynamic SQL: planned for this statement's row count and the table's current size (an index probe per journal
    -- transaction), never a plan cached while the table was small
    EXECUTE 'SELECT n.id FROM (SELECT DISTINCT journal_transaction_id AS id FROM new_postings) n
             JOIN journal_transactions t ON t.id = n.id
             WHERE t.xmin <> pg_current_xact_id()::xid LIMIT 1' INTO found_id;
    IF found_id IS NOT NULL THEN
        RAISE EXCEPTION 'journal transaction % was booked by an earlier transaction: postings are only added with it',
            found_id;
    END IF;
    IF current_setting('ledger.balance_checked', true) = 'on' THEN
        EXECUTE 'SELECT n.id, s.d, s.c FROM (SELECT DISTINCT journal_transaction_id AS id FROM new_postings) n
                 CROSS JOIN LATERAL (SELECT COALESCE(SUM(debit), 0) AS d, COALESCE(SUM(credit), 0) AS c
                                     FROM postings p WHERE p.journal_transaction_id = n.id) s
                 WHERE s.d <> s.c LIMIT 1' INTO found_id, total_debit, total_credit;
        IF found_id IS NOT NULL THEN
            RAISE EXCEPTION 'journal transaction % does not balance: debit % <> credit %', found_id, total_debit,
                total_credit;
        END IF;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER postings_with_their_transaction
    AFTER INSERT ON postings REFERENCING NEW TABLE AS new_postings
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_assert_postings_with_their_transaction();
