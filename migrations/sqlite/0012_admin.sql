-- The platform's console (issue 16): suspended teachers, the admin audit
-- trail and the refunds an admin makes.

-- A suspended teacher's sessions and courses are hidden and take no new
-- checkouts; existing bookings stay. NULL: not suspended.
ALTER TABLE teachers ADD COLUMN suspended_at BIGINT NULL;

-- Every admin action, with what it changed (JSON before and after), so the
-- platform can answer "who did this, and when".
CREATE TABLE admin_audit (
    id          TEXT    NOT NULL PRIMARY KEY,
    -- RESTRICT: the trail outlives nobody's account silently.
    admin_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    -- e.g. teacher.update, order.refund.
    action      TEXT    NOT NULL,
    -- What it acted on: "teacher", "order", "outbox".
    target_type TEXT    NOT NULL,
    target_id   TEXT    NOT NULL,
    before_json TEXT    NULL,
    after_json  TEXT    NULL,
    created_at  BIGINT  NOT NULL
);
-- /admin/audit lists the newest first; an order's history finds its rows.
CREATE INDEX admin_audit_created_at_idx ON admin_audit (created_at);
CREATE INDEX admin_audit_target_idx ON admin_audit (target_type, target_id);

-- A refund an admin asked for. Written before Stripe is called (status
-- 'pending'), so two submits can never refund more than is left; the
-- request's Idempotency-Key is UNIQUE per order, so a double submit refunds
-- once. 'failed' is a refusal by Stripe: nothing was refunded.
CREATE TABLE admin_refunds (
    id                      TEXT    NOT NULL PRIMARY KEY,
    order_id                TEXT    NOT NULL REFERENCES orders (id) ON DELETE RESTRICT,
    admin_id                TEXT    NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    idempotency_key         TEXT    NOT NULL,
    amount_cents            BIGINT  NOT NULL,
    reverse_transfer        BIGINT  NOT NULL,
    refund_application_fee  BIGINT  NOT NULL,
    reason                  TEXT    NOT NULL,
    status                  TEXT    NOT NULL DEFAULT 'pending',
    stripe_refund_id        TEXT    NULL,
    error                   TEXT    NULL,
    created_at              BIGINT  NOT NULL,
    updated_at              BIGINT  NOT NULL,
    CONSTRAINT admin_refunds_key UNIQUE (order_id, idempotency_key),
    CONSTRAINT admin_refunds_amount_positive CHECK (amount_cents > 0),
    CONSTRAINT admin_refunds_status_known CHECK (status IN ('pending', 'succeeded', 'failed')),
    CONSTRAINT admin_refunds_flags CHECK (reverse_transfer IN (0, 1) AND refund_application_fee IN (0, 1))
);

-- Disputes (chargebacks), from the charge.dispute.* webhooks: the console's
-- queue by deadline, the evidence the platform sent, and the outcome the
-- teacher sees on the sale. The id is Stripe's.
CREATE TABLE disputes (
    id              TEXT    NOT NULL PRIMARY KEY,
    -- NULL when the charge is not one of our orders (acknowledged, kept).
    order_id        TEXT    NULL REFERENCES orders (id) ON DELETE RESTRICT,
    charge_id       TEXT    NOT NULL,
    amount_cents    BIGINT  NOT NULL,
    currency        TEXT    NOT NULL,
    reason          TEXT    NOT NULL,
    -- Stripe's: warning_needs_response, needs_response, under_review, won, lost, ...
    status          TEXT    NOT NULL,
    -- evidence_details.due_by; NULL once Stripe gives none.
    due_by          BIGINT  NULL,
    has_evidence    BIGINT  NOT NULL DEFAULT 0,
    funds_withdrawn BIGINT  NOT NULL DEFAULT 0,
    -- The evidence the platform sent (JSON), and when.
    evidence_json   TEXT    NULL,
    submitted_at    BIGINT  NULL,
    -- The `created` of the last event applied: an older one changes nothing.
    event_created   BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
-- The queue: open disputes by deadline.
CREATE INDEX disputes_status_due_by_idx ON disputes (status, due_by);
CREATE INDEX disputes_order_id_idx ON disputes (order_id);

-- What became of a stored webhook event (processed, duplicate, ignored), for
-- the console; NULL while pending or parked.
ALTER TABLE stripe_events ADD COLUMN outcome TEXT NULL;
CREATE INDEX stripe_events_received_at_idx ON stripe_events (received_at);
-- The console lists failed emails: given up rows have attempts at the cap.
CREATE INDEX outbox_created_at_idx ON outbox (created_at);

-- A teacher's payouts from their connected account (payout.* Connect events).
CREATE TABLE payouts (
    id              TEXT    NOT NULL PRIMARY KEY,
    account_id      TEXT    NOT NULL,
    -- NULL when the account is not a teacher's we know (kept, not shown).
    teacher_id      TEXT    NULL REFERENCES teachers (id) ON DELETE RESTRICT,
    amount_cents    BIGINT  NOT NULL,
    currency        TEXT    NOT NULL,
    -- Stripe's: pending, in_transit, paid, failed, canceled.
    status          TEXT    NOT NULL,
    arrival_date    BIGINT  NULL,
    -- The payout's own `created` at Stripe: a payout holds the sales paid
    -- to the account since the previous payout that was not failed.
    stripe_created  BIGINT  NOT NULL,
    failure_message TEXT    NULL,
    event_created   BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX payouts_teacher_idx ON payouts (teacher_id, stripe_created);

-- The payout settings a teacher chose (sent to Stripe on their account).
ALTER TABLE teachers ADD COLUMN payout_schedule TEXT NULL;
ALTER TABLE teachers ADD COLUMN statement_descriptor_prefix TEXT NULL;
