-- When a charge was last released to a provider (settled, or redeeming): a provider that dies while serving it never
-- reports, and after the delivery lease the charge is presumed undelivered (unfulfilled, outcome ABANDONED), so the
-- buyer can redeem it or is refunded. Set by trigger, so every path that releases a charge stamps it.
ALTER TABLE charges ADD COLUMN released_at TIMESTAMPTZ;
UPDATE charges SET released_at = COALESCE(settled_at, now()) WHERE status IN ('settled', 'redeeming');

CREATE FUNCTION charges_stamp_release() RETURNS trigger AS $$
BEGIN
    IF NEW.status IN ('settled', 'redeeming')
            AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM NEW.status) THEN
        NEW.released_at := now();
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER charges_stamp_release BEFORE INSERT OR UPDATE OF status ON charges
    FOR EACH ROW EXECUTE FUNCTION charges_stamp_release();

CREATE INDEX charges_released ON charges (released_at) WHERE status IN ('settled', 'redeeming');
