-- Loads N charges (psql variable :n, default 1,000,000) with their usage, refunds, journal and rollups into the
-- ledger_bench database, the way ledger-service would have booked them. Benchmark data only: never run it
-- against a real ledger (it disables the append-only triggers of its own database during the load).
\set ON_ERROR_STOP 1
\if :{?n}
\else
  \set n 1000000
\endif
SET synchronous_commit = off;
SET work_mem = '256MB';
SET maintenance_work_mem = '1GB'; -- index builds of 10,000,000-row tables sort in fewer runs

TRUNCATE charges, usage_records, refunds, postings, journal_transactions, processed_events, rejected_events,
         account_balances, report_daily, report_daily_payer RESTART IDENTITY;

ALTER TABLE postings DISABLE TRIGGER USER;
ALTER TABLE journal_transactions DISABLE TRIGGER USER;

-- Every index is built once after the load (a sort, much faster than row by row), then put back as it was: the
-- secondary indexes, and the primary keys, unique constraints and foreign keys too. Kept during the load, the md5
-- keys' unique indexes (charges, usage, journal) are inserted into in random order: once they outgrow the buffers
-- every row dirties a random page (and a full-page WAL image after each checkpoint), and each posting pays a
-- foreign-key lookup; at 10,000,000 charges the charges INSERT alone ran for more than 16 minutes that way.
CREATE TEMP TABLE saved_indexes AS
SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i
WHERE i.schemaname = current_schema()
  AND i.tablename IN ('charges', 'usage_records', 'refunds', 'journal_transactions', 'postings', 'report_daily',
                      'report_daily_payer')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname);
-- primary keys and unique constraints (p, u) before the foreign keys (f) that need them, when put back
CREATE TEMP TABLE saved_constraints AS
SELECT c.conrelid::regclass::text AS tablename, c.conname, c.contype, pg_get_constraintdef(c.oid) AS condef
FROM pg_constraint c
WHERE c.connamespace = current_schema()::regnamespace AND c.contype IN ('p', 'u', 'f')
  AND c.conrelid::regclass::text IN ('charges', 'usage_records', 'refunds', 'journal_transactions', 'postings',
                                     'report_daily', 'report_daily_payer');
SELECT format('ALTER TABLE %I DROP CONSTRAINT %I', tablename, conname) FROM saved_constraints
ORDER BY contype = 'f' DESC \gexec
SELECT format('DROP INDEX %I', indexname) FROM saved_indexes \gexec

-- one row per charge: 90 days up to now, two providers, four models each, 20,000 payers;
-- 85 % fulfilled, 10 % upstream failed (a quarter of those refunded), 5 % client gone
CREATE TEMP TABLE gen AS
SELECT i,
       md5('c' || i) || md5('d' || i)                                          AS challenge_id,
       md5('k' || i)::uuid::text                                               AS charge_id,
       p.provider,
       '/' || p.provider || '/chat'                                            AS route,
       p.provider || '.gateway.local'                                          AS realm,
       CASE p.provider
           WHEN 'mistral' THEN (ARRAY['mistral-small-latest', 'mistral-medium-latest', 'mistral-large-latest',
                                      'codestral-latest'])[1 + (i / 3) % 4]
           ELSE (ARRAY['grok-4', 'grok-3-mini', 'grok-4-fast', 'grok-code-fast-1'])[1 + (i / 3) % 4] END AS model,
       5000 + (i * 7919) % 95000                                               AS amount,
       '0x' || substr(md5('t' || i) || md5('u' || i), 1, 64)                   AS tx_hash,
       '0x' || substr(md5('p' || (i * 31) % 20000) || md5('q' || (i * 31) % 20000), 1, 40) AS payer,
       now() - (:n - i) * (interval '90 days' / :n)                            AS settled_at,
       CASE WHEN i % 20 < 17 THEN 'FULFILLED' WHEN i % 20 < 19 THEN 'UPSTREAM_FAILED' ELSE 'CLIENT_GONE' END AS outcome,
       i % 40 = 17                                                             AS refunded,
       50 + i % 2000                                                           AS prompt_tokens,
       20 + (i * 7) % 800                                                      AS completion_tokens
FROM generate_series(1::bigint, :n) AS i
CROSS JOIN LATERAL (SELECT CASE WHEN i % 3 = 0 THEN 'grok' ELSE 'mistral' END AS provider) p;

INSERT INTO charges (challenge_id, charge_id, provider, route, realm, model, amount, currency, chain_id, tx_hash, payer,
                     recipient, mode, digest, status, settled_at, updated_at, upstream_cost, quoted_upstream_cost)
SELECT challenge_id, charge_id, provider, route, realm, model, amount, '0x20c0000000000000000000000000000000000000',
       1337, tx_hash, payer, '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc', 'push', NULL,
       CASE WHEN refunded THEN 'refunded' WHEN outcome = 'FULFILLED' THEN 'fulfilled' ELSE 'unfulfilled' END,
       settled_at, settled_at + interval '3 seconds',
       CASE WHEN outcome = 'FULFILLED' THEN amount * 4 / 10 ELSE 0 END, amount * 8 / 10
FROM gen;

INSERT INTO usage_records (event_id, challenge_id, charge_id, provider, route, model, outcome, delivered,
                           prompt_tokens, completion_tokens, total_tokens, reasoning_tokens, cached_tokens, pages,
                           upstream_status, latency_ms, upstream_cost, recorded_at, applied)
SELECT md5('e' || i)::uuid::text, challenge_id, charge_id, provider, route, model, outcome, outcome = 'FULFILLED',
       CASE WHEN outcome = 'FULFILLED' THEN prompt_tokens ELSE 0 END,
       CASE WHEN outcome = 'FULFILLED' THEN completion_tokens ELSE 0 END,
       CASE WHEN outcome = 'FULFILLED' THEN prompt_tokens + completion_tokens ELSE 0 END,
       0, 0, 0, CASE WHEN outcome = 'UPSTREAM_FAILED' THEN 502 ELSE 200 END, 300 + i % 4000,
       CASE WHEN outcome = 'FULFILLED' THEN amount * 4 / 10 ELSE 0 END,
       settled_at + interval '2 seconds', true
FROM gen;

INSERT INTO refunds (event_id, challenge_id, charge_id, refund_tx_hash, payer, amount, reason, refunded_at, applied)
SELECT md5('r' || i)::uuid::text, challenge_id, charge_id, '0x' || md5('v' || i) || md5('w' || i), payer, amount,
       'upstream failed; refunded to payer', settled_at + interval '60 seconds', true
FROM gen WHERE refunded;

-- journal: ids 4i-3 settlement, 4i-2 delivery, 4i-1 upstream cost, 4i refund
INSERT INTO journal_transactions (id, kind, challenge_id, source_event_id, occurred_at, posted_at, description)
SELECT 4 * i - 3, 'settlement', challenge_id, md5('s' || i)::uuid::text, settled_at, settled_at,
       'settlement of charge ' || charge_id || ' (tx ' || tx_hash || ')' FROM gen
UNION ALL
SELECT 4 * i - 2, 'delivery', challenge_id, md5('e' || i)::uuid::text, settled_at + interval '2 seconds',
       settled_at + interval '2 seconds', 'fulfilled delivery of charge ' || charge_id FROM gen WHERE outcome = 'FULFILLED'
UNION ALL
SELECT 4 * i - 1, 'upstream_cost', challenge_id, md5('e' || i)::uuid::text, settled_at + interval '2 seconds',
       settled_at + interval '2 seconds', 'estimated upstream cost of charge ' || charge_id || ' (' || model || ')'
FROM gen WHERE outcome = 'FULFILLED'
UNION ALL
SELECT 4 * i, 'refund', challenge_id, md5('r' || i)::uuid::text, settled_at + interval '60 seconds',
       settled_at + interval '60 seconds', 'refund of charge ' || charge_id FROM gen WHERE refunded;
SELECT setval('journal_transactions_id_seq', 4 * :n + 1);

INSERT INTO postings (journal_transaction_id, account, debit, credit)
SELECT 4 * i - 3, 'assets:wallet:0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc', amount, 0 FROM gen
UNION ALL SELECT 4 * i - 3, 'liabilities:unearned:' || provider, 0, amount FROM gen
UNION ALL SELECT 4 * i - 2, 'liabilities:unearned:' || provider, amount, 0 FROM gen WHERE outcome = 'FULFILLED'
UNION ALL SELECT 4 * i - 2, 'revenue:' || provider || ':' || model, 0, amount FROM gen WHERE outcome = 'FULFILLED'
UNION ALL SELECT 4 * i - 1, 'expenses:upstream:' || provider, amount * 4 / 10, 0 FROM gen WHERE outcome = 'FULFILLED'
UNION ALL SELECT 4 * i - 1, 'liabilities:upstream-payable:' || provider, 0, amount * 4 / 10 FROM gen WHERE outcome = 'FULFILLED'
UNION ALL SELECT 4 * i, 'liabilities:unearned:' || provider, amount, 0 FROM gen WHERE refunded
UNION ALL SELECT 4 * i, 'assets:wallet:0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc', 0, amount FROM gen WHERE refunded;

-- the rollups, with the attribution rules of the Java code (usage on its recorded day, refunds on theirs)
INSERT INTO account_balances (account, debit, credit)
SELECT account, SUM(debit)::bigint, SUM(credit)::bigint FROM postings GROUP BY account;

CREATE TEMP TABLE facts AS
SELECT ((settled_at + interval '2 seconds') AT TIME ZONE 'UTC')::date AS day, provider, model, payer,
       1 AS calls, (outcome = 'FULFILLED')::int AS fulfilled_calls,
       CASE WHEN outcome = 'FULFILLED' THEN amount ELSE 0 END AS revenue, 0 AS refunds,
       CASE WHEN outcome = 'FULFILLED' THEN amount * 4 / 10 ELSE 0 END AS upstream_cost,
       CASE WHEN outcome = 'FULFILLED' THEN prompt_tokens ELSE 0 END AS prompt_tokens,
       CASE WHEN outcome = 'FULFILLED' THEN completion_tokens ELSE 0 END AS completion_tokens
FROM gen
UNION ALL
SELECT ((settled_at + interval '60 seconds') AT TIME ZONE 'UTC')::date, provider, model, payer, 0, 0, 0, amount, 0, 0, 0
FROM gen WHERE refunded;

INSERT INTO report_daily
SELECT day, provider, model, SUM(calls), SUM(fulfilled_calls), SUM(revenue), SUM(refunds), SUM(upstream_cost),
       SUM(prompt_tokens), SUM(completion_tokens), SUM(prompt_tokens + completion_tokens), 0, 0
FROM facts GROUP BY day, provider, model;

INSERT INTO report_daily_payer
SELECT day, provider, payer, SUM(calls), SUM(fulfilled_calls), SUM(revenue), SUM(refunds), SUM(upstream_cost),
       SUM(prompt_tokens), SUM(completion_tokens), SUM(prompt_tokens + completion_tokens), 0, 0
FROM facts GROUP BY day, provider, payer;

-- the indexes and constraints back, exactly as the migrations made them (adding the foreign key checks every posting
-- in one join)
SELECT format('ALTER TABLE %I ADD CONSTRAINT %I %s', tablename, conname, condef) FROM saved_constraints
ORDER BY contype = 'f', tablename, conname \gexec
SELECT indexdef FROM saved_indexes ORDER BY tablename, indexname \gexec

ALTER TABLE postings ENABLE TRIGGER USER;
ALTER TABLE journal_transactions ENABLE TRIGGER USER;

VACUUM ANALYZE charges, usage_records, refunds, journal_transactions, postings, account_balances, report_daily, report_daily_payer;
SELECT (SELECT count(*) FROM charges) AS charges, (SELECT count(*) FROM usage_records) AS usage_records,
       (SELECT count(*) FROM journal_transactions) AS journal_transactions, (SELECT count(*) FROM postings) AS postings,
       (SELECT count(*) FROM report_daily) AS report_daily_rows, (SELECT count(*) FROM report_daily_payer) AS payer_rows;
