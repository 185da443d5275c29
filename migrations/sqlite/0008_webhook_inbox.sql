-- The webhook inbox: the receiver verifies an event's signature, stores it
-- here raw (once, by its id) and answers 200; a worker applies the stored
-- events in `created` order per object, retrying with back-off. One that
-- keeps failing is parked with its error, never dropped. Rows from before
-- the inbox have no payload and are all processed.
ALTER TABLE stripe_events ADD COLUMN payload TEXT NULL;
-- The Stripe-Signature header it came with: the worker checks it again, so
-- a row is applied only if Stripe signed it.
ALTER TABLE stripe_events ADD COLUMN signature TEXT NULL;
-- data.object.id: events of one object are applied in order.
ALTER TABLE stripe_events ADD COLUMN object_id TEXT NULL;
ALTER TABLE stripe_events ADD COLUMN created BIGINT NOT NULL DEFAULT 0;
-- When it arrived, in microseconds: events are applied in arrival order, and
-- within one object in `created` order (Stripe's has one-second resolution).
ALTER TABLE stripe_events ADD COLUMN arrival BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stripe_events ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stripe_events ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0;
-- Set while a worker applies the row; a crashed worker's lease runs out.
ALTER TABLE stripe_events ADD COLUMN leased_until BIGINT NULL;
ALTER TABLE stripe_events ADD COLUMN last_error TEXT NULL;
ALTER TABLE stripe_events ADD COLUMN parked_at BIGINT NULL;
CREATE INDEX stripe_events_pending_idx ON stripe_events (object_id, created, arrival)
    WHERE processed_at IS NULL AND parked_at IS NULL;
CREATE INDEX stripe_events_parked_idx ON stripe_events (parked_at)
    WHERE parked_at IS NOT NULL;
