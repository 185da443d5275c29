-- Subscription events arrive out of order: the `created` time of the last
-- Stripe event applied to a membership, so an older one never overwrites a
-- newer state (e.g. a stale "past_due" after the payment recovered).
ALTER TABLE memberships ADD COLUMN status_event_at BIGINT NULL;
