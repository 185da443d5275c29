-- Stripe moves a subscription's period on even when the renewal fails, so the
-- period end alone would open an unpaid month to a past_due member. `paid_until`
-- is the end of the last period an invoice actually paid for (only invoice.paid
-- moves it); past_due keeps access until then. `needs_payment_method` is set
-- while a trial still waits for its card (a pending SetupIntent).
ALTER TABLE memberships ADD COLUMN paid_until BIGINT NULL;
ALTER TABLE memberships ADD COLUMN needs_payment_method BIGINT NOT NULL DEFAULT 0;
UPDATE memberships SET paid_until = current_period_end WHERE status = 'active';
