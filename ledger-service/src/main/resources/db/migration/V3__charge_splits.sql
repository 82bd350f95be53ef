-- Splits (MPP methodDetails.splits): parts of a charge that the buyer paid straight to other recipients in the same
-- transaction. The gateway's wallet received the amount minus their sum; the journal books each split as a cost.

-- Like usage, refunds and the journal, keyed by the charge's challenge id; written in the settlement's transaction.
CREATE TABLE charge_splits (
    challenge_id TEXT COLLATE "C" NOT NULL,
    position     INTEGER     NOT NULL CHECK (position >= 0),
    recipient    TEXT        NOT NULL,
    amount       BIGINT      NOT NULL CHECK (amount > 0),
    memo         TEXT,
    PRIMARY KEY (challenge_id, position)
);
-- a settled fact, never corrected in place
CREATE TRIGGER charge_splits_append_only BEFORE UPDATE OR DELETE ON charge_splits
    FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();

-- Split cost per day, next to upstream cost; counted on the settlement's UTC day (when the expense is posted).
-- Existing rows had no splits, so 0 is exact for them.
ALTER TABLE report_daily ADD COLUMN split_cost BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_daily_payer ADD COLUMN split_cost BIGINT NOT NULL DEFAULT 0;
