-- Ledger schema: charges and usage as received, plus a double-entry, append-only journal.
-- All money columns are BIGINT base units (6 decimals); never NUMERIC fractions, never floating point.

CREATE TABLE charges (
    -- COLLATE "C": ids are ASCII, and byte order keeps the keyset cursor independent of the server locale
    challenge_id TEXT COLLATE "C" PRIMARY KEY,
    charge_id    TEXT        NOT NULL UNIQUE,
    provider     TEXT        NOT NULL,
    route        TEXT        NOT NULL,
    realm        TEXT        NOT NULL,
    model        TEXT,
    amount       BIGINT      NOT NULL CHECK (amount > 0),
    currency     TEXT        NOT NULL,
    chain_id     BIGINT      NOT NULL,
    tx_hash      TEXT        NOT NULL UNIQUE,
    payer        TEXT        NOT NULL,
    recipient    TEXT        NOT NULL,
    mode         TEXT        NOT NULL,
    digest       TEXT,
    status       TEXT        NOT NULL CHECK (status IN ('settled', 'fulfilled', 'unfulfilled', 'refunded')),
    settled_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- finance listings: by provider over a time range, and keyset pagination on (settled_at, challenge_id)
CREATE INDEX charges_provider_settled_at_idx ON charges (provider, settled_at, challenge_id);
CREATE INDEX charges_settled_at_challenge_id_idx ON charges (settled_at, challenge_id);

-- No foreign key to charges: a usage event may arrive before its settlement (applied = false until then).
CREATE TABLE usage_records (
    event_id               TEXT PRIMARY KEY,
    challenge_id           TEXT        NOT NULL,
    charge_id              TEXT,
    provider               TEXT        NOT NULL,
    route                  TEXT,
    model                  TEXT,
    outcome                TEXT        NOT NULL CHECK (outcome IN ('FULFILLED', 'UPSTREAM_FAILED', 'CLIENT_GONE', 'REDEEMED')),
    prompt_tokens          BIGINT      NOT NULL DEFAULT 0 CHECK (prompt_tokens >= 0),
    completion_tokens      BIGINT      NOT NULL DEFAULT 0 CHECK (completion_tokens >= 0),
    total_tokens           BIGINT      NOT NULL DEFAULT 0 CHECK (total_tokens >= 0),
    reasoning_tokens       BIGINT      NOT NULL DEFAULT 0 CHECK (reasoning_tokens >= 0),
    cached_tokens          BIGINT      NOT NULL DEFAULT 0 CHECK (cached_tokens >= 0),
    units                  BIGINT      NOT NULL DEFAULT 0 CHECK (units >= 0),
    upstream_status        INTEGER     NOT NULL DEFAULT 0,
    latency_ms             BIGINT      NOT NULL DEFAULT 0 CHECK (latency_ms >= 0),
    upstream_cost_estimate BIGINT      NOT NULL DEFAULT 0 CHECK (upstream_cost_estimate >= 0),
    recorded_at            TIMESTAMPTZ NOT NULL,
    applied                BOOLEAN     NOT NULL DEFAULT false
);
CREATE INDEX usage_records_challenge_id_idx ON usage_records (challenge_id);
CREATE INDEX usage_records_pending_idx ON usage_records (challenge_id) WHERE NOT applied;

-- On-chain refunds (payments.refunded); like usage, stored first and applied once the charge is known.
CREATE TABLE refunds (
    event_id       TEXT PRIMARY KEY,
    challenge_id   TEXT        NOT NULL,
    charge_id      TEXT,
    refund_tx_hash TEXT        NOT NULL UNIQUE,
    payer          TEXT,
    amount         BIGINT      NOT NULL CHECK (amount > 0),
    reason         TEXT,
    refunded_at    TIMESTAMPTZ NOT NULL,
    applied        BOOLEAN     NOT NULL DEFAULT false
);
CREATE INDEX refunds_challenge_id_idx ON refunds (challenge_id);

CREATE TABLE journal_transactions (
    id              BIGSERIAL PRIMARY KEY,
    kind            TEXT        NOT NULL CHECK (kind IN ('settlement', 'delivery', 'upstream_cost', 'refund')),
    challenge_id    TEXT        NOT NULL,
    source_event_id TEXT        NOT NULL,
    -- when the fact happened (settledAt, recordedAt, refundedAt); posted_at is when the ledger booked it
    occurred_at     TIMESTAMPTZ NOT NULL,
    posted_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    description     TEXT        NOT NULL,
    -- one usage event yields a delivery and an upstream_cost transaction, so the event id alone is not unique
    CONSTRAINT journal_transactions_source_kind_uk UNIQUE (source_event_id, kind)
);
CREATE INDEX journal_transactions_challenge_id_idx ON journal_transactions (challenge_id);

CREATE TABLE postings (
    id                     BIGSERIAL PRIMARY KEY,
    journal_transaction_id BIGINT NOT NULL REFERENCES journal_transactions (id),
    account                TEXT   NOT NULL,
    debit                  BIGINT NOT NULL DEFAULT 0 CHECK (debit >= 0),
    credit                 BIGINT NOT NULL DEFAULT 0 CHECK (credit >= 0),
    CONSTRAINT postings_exactly_one_side CHECK ((debit > 0) <> (credit > 0))
);
CREATE INDEX postings_journal_transaction_id_idx ON postings (journal_transaction_id);
CREATE INDEX postings_account_idx ON postings (account);

-- Defence in depth behind the Java check: at commit, every touched journal transaction must balance.
CREATE FUNCTION ledger_assert_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    total_debit  NUMERIC;
    total_credit NUMERIC;
BEGIN
    SELECT COALESCE(SUM(debit), 0), COALESCE(SUM(credit), 0) INTO total_debit, total_credit
    FROM postings WHERE journal_transaction_id = NEW.journal_transaction_id;
    IF total_debit <> total_credit THEN
        RAISE EXCEPTION 'journal transaction % does not balance: debit % <> credit %',
            NEW.journal_transaction_id, total_debit, total_credit;
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER postings_balanced
    AFTER INSERT ON postings DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_assert_balanced();

-- The journal is append-only: corrections are new transactions, never edits.
CREATE FUNCTION ledger_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER journal_transactions_append_only BEFORE UPDATE OR DELETE ON journal_transactions
    FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();
CREATE TRIGGER postings_append_only BEFORE UPDATE OR DELETE ON postings
    FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();

-- Consumer idempotency: the event id is recorded in the same transaction as its effect.
CREATE TABLE processed_events (
    event_id     TEXT PRIMARY KEY,
    topic        TEXT        NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Events that can never be applied (unparseable, missing fields, a tx hash already claimed by another
-- challenge) are kept here for an operator instead of blocking the partition or vanishing.
CREATE TABLE rejected_events (
    topic           TEXT        NOT NULL,
    kafka_partition INTEGER     NOT NULL,
    kafka_offset    BIGINT      NOT NULL,
    message_key     TEXT,
    payload         TEXT,
    reason          TEXT        NOT NULL,
    rejected_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, kafka_partition, kafka_offset)
);
