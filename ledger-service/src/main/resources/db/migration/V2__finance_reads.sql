-- Finance reads at scale: listing filters, rollups for reports and balances, export order.
-- Rollups are derived data, written in the same transaction as the journal postings they summarise
-- (so they are never ahead of or behind the journal), and can be rebuilt from it.

-- Listing filters; each ends with the keyset order so that a filtered page is an index range scan.
CREATE INDEX charges_payer_settled_at_idx ON charges (payer, settled_at, challenge_id);
CREATE INDEX charges_model_settled_at_idx ON charges (model, settled_at, challenge_id);
CREATE INDEX charges_route_settled_at_idx ON charges (route, settled_at, challenge_id);
CREATE INDEX charges_status_settled_at_idx ON charges (status, settled_at, challenge_id);

-- Postings export in time order, transaction by transaction.
CREATE INDEX journal_transactions_occurred_at_idx ON journal_transactions (occurred_at, id);

-- Running totals per account: GET /ledger/balances without summing millions of postings.
CREATE TABLE account_balances (
    account TEXT PRIMARY KEY,
    debit   BIGINT NOT NULL DEFAULT 0 CHECK (debit >= 0),
    credit  BIGINT NOT NULL DEFAULT 0 CHECK (credit >= 0)
);

-- Daily figures per provider and model (UTC day of the fact: recordedAt for usage, refundedAt for refunds).
-- revenue is net of reversed revenue (revenue account credits - debits); refunds is every refunded amount;
-- model is '' when a refund arrives for a charge that never had usage.
CREATE TABLE report_daily (
    day               DATE   NOT NULL,
    provider          TEXT   NOT NULL,
    model             TEXT   NOT NULL,
    calls             BIGINT NOT NULL DEFAULT 0,
    fulfilled_calls   BIGINT NOT NULL DEFAULT 0,
    revenue           BIGINT NOT NULL DEFAULT 0,
    refunds           BIGINT NOT NULL DEFAULT 0,
    upstream_cost     BIGINT NOT NULL DEFAULT 0,
    prompt_tokens     BIGINT NOT NULL DEFAULT 0,
    completion_tokens BIGINT NOT NULL DEFAULT 0,
    total_tokens      BIGINT NOT NULL DEFAULT 0,
    reasoning_tokens  BIGINT NOT NULL DEFAULT 0,
    cached_tokens     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, provider, model)
);

-- The same figures per payer (a separate table: payers are many, models few).
CREATE TABLE report_daily_payer (
    day               DATE   NOT NULL,
    provider          TEXT   NOT NULL,
    payer             TEXT   NOT NULL,
    calls             BIGINT NOT NULL DEFAULT 0,
    fulfilled_calls   BIGINT NOT NULL DEFAULT 0,
    revenue           BIGINT NOT NULL DEFAULT 0,
    refunds           BIGINT NOT NULL DEFAULT 0,
    upstream_cost     BIGINT NOT NULL DEFAULT 0,
    prompt_tokens     BIGINT NOT NULL DEFAULT 0,
    completion_tokens BIGINT NOT NULL DEFAULT 0,
    total_tokens      BIGINT NOT NULL DEFAULT 0,
    reasoning_tokens  BIGINT NOT NULL DEFAULT 0,
    cached_tokens     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, provider, payer)
);

-- Backfill from what V1 booked, with the same attribution rules as the Java code.
INSERT INTO account_balances (account, debit, credit)
SELECT account, SUM(debit)::bigint, SUM(credit)::bigint FROM postings GROUP BY account;

CREATE TEMPORARY TABLE rollup_facts ON COMMIT DROP AS
SELECT (u.recorded_at AT TIME ZONE 'UTC')::date AS day, c.provider, u.model, c.payer,
       1::bigint AS calls,
       CASE WHEN u.outcome IN ('FULFILLED', 'REDEEMED') THEN 1 ELSE 0 END::bigint AS fulfilled_calls,
       COALESCE((SELECT c.amount FROM journal_transactions t
                 WHERE t.source_event_id = u.event_id AND t.kind = 'delivery'), 0)::bigint AS revenue,
       0::bigint AS refunds,
       COALESCE((SELECT u.upstream_cost_estimate FROM journal_transactions t
                 WHERE t.source_event_id = u.event_id AND t.kind = 'upstream_cost'), 0)::bigint AS upstream_cost,
       u.prompt_tokens, u.completion_tokens, u.total_tokens, u.reasoning_tokens, u.cached_tokens
FROM usage_records u JOIN charges c ON c.challenge_id = u.challenge_id
WHERE u.applied
UNION ALL
SELECT (r.refunded_at AT TIME ZONE 'UTC')::date, c.provider, COALESCE(c.model, ''), c.payer, 0, 0,
       -(SELECT COALESCE(SUM(p.debit), 0) FROM journal_transactions t JOIN postings p ON p.journal_transaction_id = t.id
         WHERE t.source_event_id = r.event_id AND t.kind = 'refund' AND p.account LIKE 'revenue:%')::bigint,
       r.amount, 0, 0, 0, 0, 0, 0
FROM refunds r JOIN charges c ON c.challenge_id = r.challenge_id
WHERE r.applied;

INSERT INTO report_daily
SELECT day, provider, model, SUM(calls), SUM(fulfilled_calls), SUM(revenue), SUM(refunds), SUM(upstream_cost),
       SUM(prompt_tokens), SUM(completion_tokens), SUM(total_tokens), SUM(reasoning_tokens), SUM(cached_tokens)
FROM rollup_facts GROUP BY day, provider, model;

INSERT INTO report_daily_payer
SELECT day, provider, payer, SUM(calls), SUM(fulfilled_calls), SUM(revenue), SUM(refunds), SUM(upstream_cost),
       SUM(prompt_tokens), SUM(completion_tokens), SUM(total_tokens), SUM(reasoning_tokens), SUM(cached_tokens)
FROM rollup_facts GROUP BY day, provider, payer;
