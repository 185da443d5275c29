-- Attending a booked session (issue 13).
--
-- A slot may hold its own room (another meeting link than its session's).
ALTER TABLE session_slots ADD COLUMN room_url TEXT NULL;

-- The personal join link of a seat order: only the SHA-256 of its token is
-- kept (hex), so a copy of the database opens no rooms. UNIQUE: a token
-- names exactly one booking.
ALTER TABLE orders ADD COLUMN join_token_hash TEXT NULL;
CREATE UNIQUE INDEX orders_join_token_hash ON orders (join_token_hash);

-- Attendance, kept with the order (a dispute needs it): when the student
-- first opened the room through their link, and how many times.
ALTER TABLE orders ADD COLUMN first_joined_at BIGINT NULL;
ALTER TABLE orders ADD COLUMN join_count BIGINT NOT NULL DEFAULT 0;

-- The SEQUENCE of the slot's invitations (RFC 5545): raised each time the
-- slot moves, so calendar programs update the event they have.
ALTER TABLE session_slots ADD COLUMN sequence BIGINT NOT NULL DEFAULT 0;

-- A user's calendar subscription (/calendar/{token}.ics): the SHA-256 of its
-- current token (hex; UNIQUE: a token names one user), and the generation it
-- was made from; rotating raises the generation, so the old address is gone.
ALTER TABLE users ADD COLUMN calendar_feed_hash TEXT NULL;
ALTER TABLE users ADD COLUMN calendar_feed_generation BIGINT NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX users_calendar_feed_hash ON users (calendar_feed_hash);
