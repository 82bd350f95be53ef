-- The terms a charge was paid under (MPP methodDetails.memo and .splits), kept with the claim so that a resumed
-- pull broadcast checks the receipt against what the buyer signed even if the route's configuration changed since.
-- amount stays the whole charge; the wallet (recipient) received amount minus the splits' sum.
ALTER TABLE charges ADD COLUMN route_memo TEXT;
ALTER TABLE charges ADD COLUMN splits JSONB NOT NULL DEFAULT '[]'::jsonb;
