-- Refund and redemption exclude each other on the charge row itself (issue 9 item 3): a refund claims an unfulfilled
-- charge (unfulfilled -> refunding) in the transaction that records the signed refund, a redemption claims it
-- (unfulfilled -> redeeming) in one conditional UPDATE; whichever commits first wins, the other changes nothing.
-- refunding -> refunded once the refund is confirmed on chain, or back to unfulfilled if the chain refused it.
ALTER TABLE charges DROP CONSTRAINT charges_status_known;
ALTER TABLE charges ADD CONSTRAINT charges_status_known CHECK (status IN
    ('pending', 'settled', 'redeeming', 'fulfilled', 'unfulfilled', 'refunding', 'refunded', 'failed'));
-- A charge is redeemed at most once: when its one redemption started.
ALTER TABLE charges ADD COLUMN redeemed_at TIMESTAMPTZ;
UPDATE charges SET redeemed_at = COALESCE(outcome_at, now()) WHERE status = 'redeeming' OR outcome = 'REDEEMED';
-- a charge whose refund is being sent (signed, broadcast not yet confirmed) is what the refund retry looks at
UPDATE charges c SET status = 'refunding' FROM refunds r
    WHERE r.charge_id = c.charge_id AND r.status = 'sending' AND c.status = 'unfulfilled';
