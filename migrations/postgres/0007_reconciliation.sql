-- The reconciliation job asks Stripe about the PaymentIntent of every order
-- that ended without a payment (expired or cancelled) until it knows that
-- intent can never be paid (cancelled at Stripe); then it stops asking.
ALTER TABLE orders ADD COLUMN payment_checked_at BIGINT NULL;
CREATE INDEX orders_unchecked_idx ON orders (status, updated_at) WHERE payment_checked_at IS NULL;
