-- One row per settled payment. The unique keys are the claims: a challenge and a transaction pay for one call only.
CREATE TABLE charges (
    charge_id            UUID PRIMARY KEY,
    challenge_id         TEXT        NOT NULL UNIQUE,
    tx_hash              TEXT        NOT NULL UNIQUE,
    provider             TEXT        NOT NULL,
    route                TEXT        NOT NULL,
    realm                TEXT        NOT NULL,
    amount               BIGINT      NOT NULL CHECK (amount > 0),
    currency             TEXT        NOT NULL,
    chain_id             BIGINT      NOT NULL,
    payer                TEXT        NOT NULL,
    recipient            TEXT        NOT NULL,
    source               TEXT,
    mode                 TEXT        NOT NULL CHECK (mode IN ('push', 'pull')),
    digest               TEXT,
    status               TEXT        NOT NULL DEFAULT 'settled',
    settled_at           TIMESTAMPTZ NOT NULL,
    challenge_expires_at TIMESTAMPTZ
);

-- Transactional outbox: written in the same transaction as the charge, relayed to Kafka after commit.
CREATE TABLE outbox (
    id           BIGSERIAL PRIMARY KEY,
    event_id     UUID        NOT NULL UNIQUE,
    topic        TEXT        NOT NULL,
    message_key  TEXT        NOT NULL,
    payload      TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_at TIMESTAMPTZ
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
