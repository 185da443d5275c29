-- Aveli schema, PostgreSQL dialect.
--
-- One schema in two dialects: migrations/sqlite/0001_schema.sql and
-- migrations/postgres/0001_schema.sql are kept structurally identical (same
-- tables, columns, order, constraint and index names) and differ only in
-- this header, so `diff` between them shows nothing but these lines. Change
-- both together. Both run through sqlx 0.8's `Any` driver with
-- `sqlx::migrate!` at start-up; a failure aborts start-up.
--
-- PostgreSQL specifics: every integer is BIGINT (INT8) and every string TEXT;
-- no SERIAL, NUMERIC, BOOLEAN or TIMESTAMP, because through `Any` a BOOLEAN
-- decodes only into `bool` and NUMERIC not at all, while the SQLite side has
-- no such types. Workers claim outbox rows and expired holds with
-- FOR UPDATE SKIP LOCKED so several app instances can share the jobs.

-- ===========================================================================
-- Conventions (DESIGN.md section 4), identical in both dialects:
--   * Every integer column is BIGINT. Through sqlx's `Any` driver a SQLite
--     column declared BOOLEAN, DATETIME, VARCHAR ... fails every read, and a
--     PostgreSQL BOOLEAN only decodes into `bool`; BIGINT decodes into `i64`
--     on both, so one Rust query reads both databases.
--   * Ids are TEXT UUIDv7 strings made in Rust (time-ordered, so an index on
--     the id is also roughly an index on creation time).
--   * Instants are BIGINT unix seconds, UTC. Time zones are applied only when
--     showing a time (users.time_zone), never when storing one.
--   * Money is BIGINT minor units (ore, cents) plus a TEXT ISO 4217 code.
--     The CHECK below only guarantees "three upper-case characters"; Rust
--     parses the code properly before it ever reaches the database.
--   * Flags are BIGINT 0/1 guarded by CHECK (x IN (0, 1)); Rust maps them to
--     `bool`.
--   * Constraints are named so that a violation reports the same name on
--     both databases ("CHECK constraint failed: <name>" on SQLite,
--     "violates check constraint \"<name>\"" on PostgreSQL).
--   * ON DELETE: rows that only make sense with their parent CASCADE (auth
--     sessions, slots, course links). Anything that records money (orders,
--     and the sessions/slots/courses/users orders point at) is RESTRICTed:
--     bookkeeping is never deleted as a side effect. Deleting a user who ever
--     placed an order, or a session that was ever sold, therefore fails by
--     design; such things are cancelled or unpublished instead.
-- ===========================================================================


-- ---------------------------------------------------------------------------
-- users: everyone who can sign in (students, members, teachers, admins).
-- ---------------------------------------------------------------------------
CREATE TABLE users (
    id                  TEXT    NOT NULL PRIMARY KEY,
    -- Stored lower-cased so that UNIQUE means "one account per mailbox" and
    -- login can look the address up with a plain equality. The CHECK makes a
    -- code path that forgets to lower-case fail loudly instead of silently
    -- creating a second account for "Anna@x.se".
    email               TEXT    NOT NULL,
    -- argon2id PHC string; never the password itself.
    password_hash       TEXT    NOT NULL,
    display_name        TEXT    NOT NULL,
    -- Swedish first, English by choice (DESIGN.md section 7).
    locale              TEXT    NOT NULL DEFAULT 'sv',
    -- IANA zone name, used only for display; validated in Rust.
    time_zone           TEXT    NOT NULL DEFAULT 'Europe/Stockholm',
    is_admin            BIGINT  NOT NULL DEFAULT 0,
    -- Created once per user, on first need (membership); never two Customers
    -- for one user, and never one Customer shared by two users.
    stripe_customer_id  TEXT    NULL,
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL,
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_stripe_customer_id_key UNIQUE (stripe_customer_id),
    CONSTRAINT users_email_lower CHECK (email = lower(email)),
    CONSTRAINT users_email_shape CHECK (email LIKE '%_@_%'),
    CONSTRAINT users_locale_known CHECK (locale IN ('sv', 'en')),
    CONSTRAINT users_is_admin_flag CHECK (is_admin IN (0, 1))
);


-- ---------------------------------------------------------------------------
-- auth_sessions: signed-in browser/API sessions. Kept in the database (not in
-- process memory) so any app instance behind a load balancer can check them
-- (DESIGN.md section 10).
-- ---------------------------------------------------------------------------
CREATE TABLE auth_sessions (
    -- Hex SHA-256 of the random cookie / bearer token. The token itself is
    -- never stored, so a leaked database dump cannot be replayed as logins.
    token_hash  TEXT    NOT NULL PRIMARY KEY,
    -- Signing a user out everywhere (or deleting the user) drops their
    -- sessions with them.
    user_id     TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL
);

-- "Sign out everywhere" and the account page list a user's sessions.
CREATE INDEX auth_sessions_user_id_idx ON auth_sessions (user_id);
-- The clean-up worker deletes WHERE expires_at < now.
CREATE INDEX auth_sessions_expires_at_idx ON auth_sessions (expires_at);


-- ---------------------------------------------------------------------------
-- login_attempts: failed logins only, for rate limiting. In the database so
-- that the limit holds across every app instance, not per process.
-- ---------------------------------------------------------------------------
CREATE TABLE login_attempts (
    id            TEXT    NOT NULL PRIMARY KEY,
    -- 'account' limits guessing against one address from anywhere; 'ip'
    -- limits one client spraying many addresses. Both are checked.
    scope         TEXT    NOT NULL,
    -- The lower-cased email for 'account', the client address for 'ip'.
    key           TEXT    NOT NULL,
    attempted_at  BIGINT  NOT NULL,
    CONSTRAINT login_attempts_scope_known CHECK (scope IN ('account', 'ip'))
);

-- The limiter counts WHERE scope = $1 AND key = $2 AND attempted_at > $3;
-- the same index serves the clean-up of old rows per key.
CREATE INDEX login_attempts_scope_key_at_idx
    ON login_attempts (scope, key, attempted_at);


-- ---------------------------------------------------------------------------
-- teachers: the teaching side of a user, and their Stripe Connect account.
-- ---------------------------------------------------------------------------
CREATE TABLE teachers (
    id                          TEXT    NOT NULL PRIMARY KEY,
    -- One teacher profile per user (the seed's profile_id).
    user_id                     TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Connect Express account, created on the first onboarding request.
    -- UNIQUE: one account pays out to exactly one teacher; a mix-up here
    -- would send one teacher's money to another.
    stripe_connect_account_id   TEXT    NULL,
    -- The teacher's share of every sale, in percent. The platform fee is
    -- amount - floor(amount * payout_split_pct / 100), computed on the server
    -- (DESIGN.md section 5). 0 and 100 are both legal (a house teacher, a
    -- fee-free promotion); anything outside would make a negative fee or a
    -- fee larger than the charge, which Stripe rejects.
    payout_split_pct            BIGINT  NOT NULL DEFAULT 80,
    -- Mirrors of the Connect account's status, refreshed on return from
    -- onboarding and on account.updated. A paid session cannot be published
    -- until charges_enabled = 1; that rule spans two tables and is enforced
    -- in the Rust publish path.
    charges_enabled             BIGINT  NOT NULL DEFAULT 0,
    payouts_enabled             BIGINT  NOT NULL DEFAULT 0,
    details_submitted           BIGINT  NOT NULL DEFAULT 0,
    onboarded_at                BIGINT  NULL,
    created_at                  BIGINT  NOT NULL,
    updated_at                  BIGINT  NOT NULL,
    CONSTRAINT teachers_user_id_key UNIQUE (user_id),
    CONSTRAINT teachers_stripe_connect_account_id_key UNIQUE (stripe_connect_account_id),
    CONSTRAINT teachers_payout_split_pct_range CHECK (payout_split_pct BETWEEN 0 AND 100),
    CONSTRAINT teachers_charges_enabled_flag CHECK (charges_enabled IN (0, 1)),
    CONSTRAINT teachers_payouts_enabled_flag CHECK (payouts_enabled IN (0, 1)),
    CONSTRAINT teachers_details_submitted_flag CHECK (details_submitted IN (0, 1))
);


-- ---------------------------------------------------------------------------
-- sessions: a live session a teacher offers (title, price, capacity); the
-- bookable times are its session_slots.
-- ---------------------------------------------------------------------------
CREATE TABLE sessions (
    id              TEXT    NOT NULL PRIMARY KEY,
    -- RESTRICT: a teacher with sessions cannot disappear from under the
    -- orders that paid for them.
    teacher_id      TEXT    NOT NULL REFERENCES teachers (id) ON DELETE RESTRICT,
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    -- Denormalised span of the session's scheduled slots (earliest start,
    -- latest end), kept up to date by Rust whenever slots change, so that the
    -- landing page can list upcoming published sessions from one index.
    -- Both are NULL while the session has no slot, and both are set
    -- otherwise.
    start_at        BIGINT  NULL,
    end_at          BIGINT  NULL,
    -- Default seats_total for new slots (each slot keeps its own count, so
    -- changing this never changes seats already sold).
    capacity        BIGINT  NOT NULL DEFAULT 10,
    -- Price per seat in minor units. Always read from here by the server;
    -- never taken from a client (DESIGN.md section 5). 0 = free session.
    price_cents     BIGINT  NOT NULL DEFAULT 0,
    currency        TEXT    NOT NULL DEFAULT 'SEK',
    visibility      TEXT    NOT NULL DEFAULT 'draft',
    -- Set after the session has been held; members see it in
    -- "Tidigare sandningar".
    recording_url   TEXT    NULL,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    CONSTRAINT sessions_span_both_or_neither CHECK (
        (start_at IS NULL AND end_at IS NULL)
        OR (start_at IS NOT NULL AND end_at IS NOT NULL AND end_at > start_at)
    ),
    CONSTRAINT sessions_capacity_range CHECK (capacity BETWEEN 1 AND 500),
    CONSTRAINT sessions_price_nonnegative CHECK (price_cents >= 0),
    CONSTRAINT sessions_currency_iso CHECK (length(currency) = 3 AND currency = upper(currency)),
    CONSTRAINT sessions_visibility_known CHECK (visibility IN ('draft', 'published'))
);

-- Landing page and GET /studio/sessions?status=published&from=now:
-- WHERE visibility = 'published' AND start_at >= $1 ORDER BY start_at.
CREATE INDEX sessions_visibility_start_at_idx ON sessions (visibility, start_at);
-- The studio lists a teacher's own sessions; also serves the foreign key.
CREATE INDEX sessions_teacher_id_idx ON sessions (teacher_id);


-- ---------------------------------------------------------------------------
-- session_slots: one bookable occurrence of a session, with its own seats.
-- ---------------------------------------------------------------------------
CREATE TABLE session_slots (
    id              TEXT    NOT NULL PRIMARY KEY,
    -- Slots belong to their session. Note that a slot that was ever ordered
    -- is protected by orders.slot_id (RESTRICT), so this CASCADE can only
    -- remove slots nobody booked; booked slots are cancelled, not deleted.
    session_id      TEXT    NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    start_at        BIGINT  NOT NULL,
    end_at          BIGINT  NOT NULL,
    seats_total     BIGINT  NOT NULL,
    -- Confirmed seats plus live holds (orders with hold_active = 1).
    -- Checkout takes a seat with one atomic conditional update,
    --   UPDATE session_slots SET seats_taken = seats_taken + 1
    --    WHERE id = $1 AND seats_taken < seats_total RETURNING seats_taken
    -- and the CHECK below is the last line of defence behind it: whatever a
    -- bug or a race does, the database never sells more seats than exist,
    -- and never releases a seat it did not hold (seats_taken >= 0). It also
    -- stops a teacher from shrinking seats_total below the seats sold.
    seats_taken     BIGINT  NOT NULL DEFAULT 0,
    -- A cancelled slot stays (its orders are refunded and keep pointing at
    -- it); it is simply no longer bookable or shown as upcoming.
    status          TEXT    NOT NULL DEFAULT 'scheduled',
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    CONSTRAINT session_slots_time_order CHECK (end_at > start_at),
    CONSTRAINT session_slots_seats_total_positive CHECK (seats_total >= 1),
    CONSTRAINT session_slots_seats_taken_range CHECK (seats_taken >= 0 AND seats_taken <= seats_total),
    CONSTRAINT session_slots_status_known CHECK (status IN ('scheduled', 'cancelled'))
);

-- A session page lists its slots in time order; the studio recomputes the
-- session's span (MIN(start_at), MAX(end_at)); also serves the foreign key.
CREATE INDEX session_slots_session_id_start_at_idx ON session_slots (session_id, start_at);


-- ---------------------------------------------------------------------------
-- courses: a sold bundle of sessions.
-- ---------------------------------------------------------------------------
CREATE TABLE courses (
    id              TEXT    NOT NULL PRIMARY KEY,
    -- RESTRICT, as for sessions: courses are sold, so they outlive nothing.
    teacher_id      TEXT    NOT NULL REFERENCES teachers (id) ON DELETE RESTRICT,
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    -- Server-side price, as for sessions.
    price_cents     BIGINT  NOT NULL DEFAULT 0,
    currency        TEXT    NOT NULL DEFAULT 'SEK',
    visibility      TEXT    NOT NULL DEFAULT 'draft',
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    CONSTRAINT courses_price_nonnegative CHECK (price_cents >= 0),
    CONSTRAINT courses_currency_iso CHECK (length(currency) = 3 AND currency = upper(currency)),
    CONSTRAINT courses_visibility_known CHECK (visibility IN ('draft', 'published'))
);

-- The studio lists a teacher's courses; also serves the foreign key.
CREATE INDEX courses_teacher_id_idx ON courses (teacher_id);
-- Landing page / "Rekommenderade kurser": published courses, newest first.
CREATE INDEX courses_visibility_created_at_idx ON courses (visibility, created_at);


-- ---------------------------------------------------------------------------
-- course_sessions: which sessions make up a course, in which order.
-- ---------------------------------------------------------------------------
CREATE TABLE course_sessions (
    -- Pure link rows: they go with either end.
    course_id   TEXT    NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    session_id  TEXT    NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    -- Display order within the course (ORDER BY position). Deliberately not
    -- UNIQUE per course: reordering then needs no temporary positions.
    position    BIGINT  NOT NULL DEFAULT 0,
    CONSTRAINT course_sessions_pkey PRIMARY KEY (course_id, session_id),
    CONSTRAINT course_sessions_position_nonnegative CHECK (position >= 0)
);

-- "Which courses contain this session" (the primary key covers course_id).
CREATE INDEX course_sessions_session_id_idx ON course_sessions (session_id);


-- ---------------------------------------------------------------------------
-- orders: one purchase attempt - a seat in a slot, a course, or a
-- membership subscription - and everything Stripe told us about it.
-- ---------------------------------------------------------------------------
CREATE TABLE orders (
    id                      TEXT    NOT NULL PRIMARY KEY,
    -- RESTRICT on every reference: an order is a financial record (it may
    -- have been paid, refunded or disputed) and must survive any clean-up of
    -- what it bought.
    user_id                 TEXT    NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    session_id              TEXT    NULL REFERENCES sessions (id) ON DELETE RESTRICT,
    slot_id                 TEXT    NULL REFERENCES session_slots (id) ON DELETE RESTRICT,
    course_id               TEXT    NULL REFERENCES courses (id) ON DELETE RESTRICT,
    type                    TEXT    NOT NULL,
    -- Computed by the server from the database price at checkout (never a
    -- client-sent amount) and frozen here, so a later price change never
    -- changes what an existing order owes.
    amount_cents            BIGINT  NOT NULL,
    currency                TEXT    NOT NULL,
    -- The platform's cut: amount - floor(amount * payout_split_pct / 100).
    -- It can never exceed the charge itself (Stripe would reject it, and a
    -- negative teacher share makes no sense).
    application_fee_cents   BIGINT  NOT NULL DEFAULT 0,
    -- Webhooks arrive duplicated and out of order; Rust never moves an order
    -- backwards (e.g. 'paid' never returns to 'pending'). That is a rule about
    -- transitions, which a CHECK cannot see, so it lives in the handlers; the
    -- CHECK only keeps the vocabulary closed.
    status                  TEXT    NOT NULL DEFAULT 'pending',
    -- Stripe's decline message from payment_intent.payment_failed, shown to
    -- the student in the modal.
    failure_reason          TEXT    NULL,
    -- UNIQUE: webhooks find their order by the PaymentIntent id; two orders
    -- sharing one would mean one payment confirms two purchases.
    stripe_payment_intent   TEXT    NULL,
    stripe_subscription     TEXT    NULL,
    -- The teacher's Connect account the destination charge paid (frozen at
    -- checkout, so later account changes do not rewrite history).
    connected_account_id    TEXT    NULL,
    -- When a pending order's seat hold lapses (default 15 minutes after
    -- checkout). The expiry worker releases holds past this instant.
    hold_expires_at         BIGINT  NULL,
    -- 1 while this order's seat is counted in session_slots.seats_taken
    -- (a live hold, or a paid booking). Set to 1 in the same transaction as
    -- the seat update, and to 0 in the same statement/transaction that gives
    -- the seat back, so that SUM(hold_active) per slot always equals
    -- seats_taken and a seat is never released twice.
    hold_active             BIGINT  NOT NULL DEFAULT 0,
    -- Running total of refunds (charge.refunded may come in parts).
    refunded_cents          BIGINT  NOT NULL DEFAULT 0,
    created_at              BIGINT  NOT NULL,
    updated_at              BIGINT  NOT NULL,
    CONSTRAINT orders_stripe_payment_intent_key UNIQUE (stripe_payment_intent),
    CONSTRAINT orders_type_known CHECK (type IN ('one_off', 'subscription')),
    CONSTRAINT orders_amount_nonnegative CHECK (amount_cents >= 0),
    CONSTRAINT orders_currency_iso CHECK (length(currency) = 3 AND currency = upper(currency)),
    CONSTRAINT orders_fee_range CHECK (application_fee_cents >= 0 AND application_fee_cents <= amount_cents),
    CONSTRAINT orders_status_known CHECK (
        status IN ('pending', 'paid', 'failed', 'expired', 'refunded', 'cancelled')
    ),
    CONSTRAINT orders_hold_active_flag CHECK (hold_active IN (0, 1)),
    -- Money is never returned beyond what was charged.
    CONSTRAINT orders_refund_range CHECK (refunded_cents >= 0 AND refunded_cents <= amount_cents),
    -- A slot always belongs to a session, and the order records both so that
    -- receipts and sales views need no join to find the session.
    CONSTRAINT orders_slot_has_session CHECK (slot_id IS NULL OR session_id IS NOT NULL),
    -- One order buys one thing: a seat in a slot, or a course, not both.
    CONSTRAINT orders_slot_or_course CHECK (slot_id IS NULL OR course_id IS NULL),
    -- Only seats can be held: a hold without a slot would be a seat counted
    -- nowhere, and could never be released.
    CONSTRAINT orders_hold_needs_slot CHECK (hold_active = 0 OR slot_id IS NOT NULL),
    -- Only an order that may still turn into (or is) a booking holds a seat:
    -- pending (checkout under way), paid (a booking), failed (the hold is
    -- kept until it expires so the student can retry the payment). An
    -- expired, refunded or cancelled order must have given its seat back -
    -- "money is never kept without a seat, and no seat without a buyer".
    -- Update status and hold_active in the same statement.
    CONSTRAINT orders_hold_needs_live_status CHECK (
        hold_active = 0 OR status IN ('pending', 'paid', 'failed')
    )
);

-- "My bookings" and the receipt pages; also serves the foreign key.
CREATE INDEX orders_user_id_idx ON orders (user_id);
-- Seat accounting and slot cancellation (refund every booking on a slot).
CREATE INDEX orders_slot_id_idx ON orders (slot_id);
-- Foreign keys (RESTRICT checks scan these) and per-session/course sales.
CREATE INDEX orders_session_id_idx ON orders (session_id);
CREATE INDEX orders_course_id_idx ON orders (course_id);
-- The expiry worker: WHERE status IN ('pending', 'failed')
-- AND hold_active = 1 AND hold_expires_at < now.
CREATE INDEX orders_status_hold_expires_at_idx ON orders (status, hold_expires_at);
-- invoice.* webhooks find the subscription's orders.
CREATE INDEX orders_stripe_subscription_idx ON orders (stripe_subscription);
-- A teacher's sales and payouts view (/studio/payouts).
CREATE INDEX orders_connected_account_id_idx ON orders (connected_account_id);


-- ---------------------------------------------------------------------------
-- enrollments: a user's access to a course (normally from a paid order).
-- ---------------------------------------------------------------------------
CREATE TABLE enrollments (
    id          TEXT    NOT NULL PRIMARY KEY,
    user_id     TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- RESTRICT: enrolled students paid for this course.
    course_id   TEXT    NOT NULL REFERENCES courses (id) ON DELETE RESTRICT,
    -- The order that paid for it; NULL for a free or granted enrollment.
    order_id    TEXT    NULL REFERENCES orders (id) ON DELETE SET NULL,
    created_at  BIGINT  NOT NULL,
    -- A duplicated payment_intent.succeeded must not enrol twice: the
    -- handler inserts and the second insert is a no-op conflict.
    CONSTRAINT enrollments_user_course_key UNIQUE (user_id, course_id)
);

-- Course roster (the UNIQUE index covers lookups by user_id).
CREATE INDEX enrollments_course_id_idx ON enrollments (course_id);
CREATE INDEX enrollments_order_id_idx ON enrollments (order_id);


-- ---------------------------------------------------------------------------
-- memberships: a user's platform subscription (Stripe Billing), mirrored
-- from invoice.paid and customer.subscription.* events.
-- ---------------------------------------------------------------------------
CREATE TABLE memberships (
    id                      TEXT    NOT NULL PRIMARY KEY,
    -- One membership row per user: re-subscribing updates it, so "is this
    -- user a member" is a single-row lookup.
    user_id                 TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- NULL between creating the row and Stripe creating the Subscription.
    stripe_subscription_id  TEXT    NULL,
    -- Stripe's own subscription statuses, stored verbatim (spelling
    -- 'canceled' included) so an event can be copied without translation.
    status                  TEXT    NOT NULL DEFAULT 'incomplete',
    current_period_end      BIGINT  NULL,
    cancel_at_period_end    BIGINT  NOT NULL DEFAULT 0,
    created_at              BIGINT  NOT NULL,
    updated_at              BIGINT  NOT NULL,
    CONSTRAINT memberships_user_id_key UNIQUE (user_id),
    CONSTRAINT memberships_stripe_subscription_id_key UNIQUE (stripe_subscription_id),
    CONSTRAINT memberships_status_known CHECK (
        status IN ('incomplete', 'trialing', 'active', 'past_due', 'canceled',
                   'unpaid', 'incomplete_expired', 'paused')
    ),
    CONSTRAINT memberships_cancel_at_period_end_flag CHECK (cancel_at_period_end IN (0, 1))
);


-- ---------------------------------------------------------------------------
-- stripe_events: webhook idempotency. The handler inserts the event id
-- first, in the same transaction that applies the event; a duplicate
-- delivery hits the primary key, is acknowledged with 2xx and ignored.
-- Works across any number of app instances because the database decides.
-- ---------------------------------------------------------------------------
CREATE TABLE stripe_events (
    -- Stripe's event id (evt_...).
    id            TEXT    NOT NULL PRIMARY KEY,
    type          TEXT    NOT NULL,
    received_at   BIGINT  NOT NULL,
    processed_at  BIGINT  NULL
);


-- ---------------------------------------------------------------------------
-- outbox: email jobs. Written in the same transaction as the change that
-- causes the email (so a crash never loses one); sent by a worker that
-- retries with back-off (attempts, next_attempt_at).
-- ---------------------------------------------------------------------------
CREATE TABLE outbox (
    id               TEXT    NOT NULL PRIMARY KEY,
    -- e.g. 'booking_receipt', 'late_payment_refund', 'slot_cancelled'.
    kind             TEXT    NOT NULL,
    -- Exactly one address: no email ever shows other attendees.
    recipient        TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    body_text        TEXT    NOT NULL,
    body_html        TEXT    NULL,
    -- The attendee's own .ics invitation, for booking receipts.
    ics              TEXT    NULL,
    -- Derived from what the email is about (e.g. 'receipt:<order id>').
    -- UNIQUE so that a retried webhook or request never queues the same
    -- email twice: the second insert conflicts and is skipped.
    dedupe_key       TEXT    NOT NULL,
    attempts         BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT  NOT NULL,
    -- NULL until delivered; set once, and the job is never picked again.
    sent_at          BIGINT  NULL,
    last_error       TEXT    NULL,
    created_at       BIGINT  NOT NULL,
    CONSTRAINT outbox_dedupe_key_key UNIQUE (dedupe_key),
    CONSTRAINT outbox_attempts_nonnegative CHECK (attempts >= 0)
);

-- The worker: WHERE sent_at IS NULL AND next_attempt_at <= now
-- ORDER BY next_attempt_at (FOR UPDATE SKIP LOCKED on PostgreSQL).
CREATE INDEX outbox_sent_at_next_attempt_at_idx ON outbox (sent_at, next_attempt_at);
