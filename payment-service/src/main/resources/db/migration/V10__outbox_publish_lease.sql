-- A settlement publishes its own settled event straight after its commit, without a transaction or a row lock: the
-- statement that writes the event writes it leased to that publication, and relay rounds leave a leased row alone
-- until the lease ends. The lease outlasts the publication's longest wait for the broker (OutboxRelay), so a row is
-- never sent by its writer and a round at once; a writer that crashed or failed to send leaves it to the rounds.
ALTER TABLE outbox ADD COLUMN publish_lease_until timestamptz;
