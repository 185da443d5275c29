-- What the payment webhooks record on an order, for the receipt, the
-- teacher's sales view and the platform: the charge, the transfer to the
-- teacher, the payment method, a dispute, and when it was paid.
ALTER TABLE orders ADD COLUMN stripe_charge_id TEXT NULL;
ALTER TABLE orders ADD COLUMN stripe_transfer_id TEXT NULL;
ALTER TABLE orders ADD COLUMN payment_method TEXT NULL;
ALTER TABLE orders ADD COLUMN disputed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN paid_at BIGINT NULL;
-- Why a paid order gave its seat back and is owed a refund (student_cancelled,
-- teacher_cancelled, late_payment); the refund sweep reads it for the email.
ALTER TABLE orders ADD COLUMN refund_reason TEXT NULL;

-- One live seat per student and slot: two concurrent checkouts by the same
-- student cannot both hold a seat (the second insert fails and the checkout
-- returns the first order instead).
CREATE UNIQUE INDEX orders_one_seat_per_student ON orders (user_id, slot_id) WHERE hold_active = 1;

-- The expiry and refund sweeps look for live holds past their time and for
-- paid orders that gave their seat back (a refund is owed).
CREATE INDEX orders_hold_active_idx ON orders (hold_active, status);
