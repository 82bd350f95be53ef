-- A charge's life: pending (pull, claimed before broadcast) -> settled -> fulfilled | unfulfilled;
-- unfulfilled -> redeeming (same credential presented again) -> fulfilled | unfulfilled; unfulfilled -> refunded.
-- failed: a claimed pull transaction the chain refused (nothing was paid).
ALTER TABLE charges ADD CONSTRAINT charges_status_known
    CHECK (status IN ('pending', 'settled', 'redeeming', 'fulfilled', 'unfulfilled', 'refunded', 'failed'));
-- What the credential itself named: the tx hash (push) or keccak256 of the signed transaction (pull). The node's
-- hash (tx_hash) can differ from the latter when it canonicalises the signature.
ALTER TABLE charges ADD COLUMN credential_ref TEXT;
UPDATE charges SET credential_ref = tx_hash WHERE credential_ref IS NULL;
ALTER TABLE charges ALTER COLUMN credential_ref SET NOT NULL;
CREATE UNIQUE INDEX charges_credential_ref ON charges (credential_ref);
ALTER TABLE charges ADD COLUMN raw_transaction TEXT;
-- a pull broadcast in flight is owned by one replica until then; a retry after it may resume the broadcast
ALTER TABLE charges ADD COLUMN broadcast_lease_until TIMESTAMPTZ;
ALTER TABLE charges ADD COLUMN outcome TEXT;
ALTER TABLE charges ADD COLUMN outcome_at TIMESTAMPTZ;
CREATE INDEX charges_unfulfilled ON charges (outcome_at) WHERE status = 'unfulfilled';

-- At most one refund per charge: the primary key is the charge.
CREATE TABLE refunds (
    charge_id     UUID PRIMARY KEY REFERENCES charges (charge_id),
    payer         TEXT        NOT NULL,
    amount        BIGINT      NOT NULL CHECK (amount > 0),
    status        TEXT        NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
    tx_hash       TEXT UNIQUE,
    raw_transaction TEXT,
    reason        TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at       TIMESTAMPTZ
);
