-- Accounts people can recover and control (issue 17).
--
-- One-use links sent by email: a password reset, an email change (to
-- new_email) and the confirmation of a new account's address. Only the
-- SHA-256 of the token is kept (hex), so a copy of the database opens
-- nothing; used_at makes a link work once, expires_at bounds it.
CREATE TABLE account_tokens (
    token_hash  TEXT    NOT NULL PRIMARY KEY,
    user_id     TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     TEXT    NOT NULL,
    new_email   TEXT    NULL,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    used_at     BIGINT  NULL,
    CONSTRAINT account_tokens_purpose_known CHECK (
        purpose IN ('password_reset', 'email_change', 'email_verify')
    ),
    CONSTRAINT account_tokens_change_has_email CHECK (
        (purpose = 'email_change') = (new_email IS NOT NULL)
    )
);
-- A newer link of a kind supersedes the user's older ones.
CREATE INDEX account_tokens_user_purpose_idx ON account_tokens (user_id, purpose);

-- Devices: a login session gets a public id (the account page signs one
-- out by it; the token hash is never shown), the User-Agent it started
-- with, and when it was last used (written at most once a minute).
ALTER TABLE auth_sessions ADD COLUMN device_id TEXT NULL;
ALTER TABLE auth_sessions ADD COLUMN user_agent TEXT NULL;
ALTER TABLE auth_sessions ADD COLUMN last_used_at BIGINT NULL;
UPDATE auth_sessions SET device_id = md5(random()::text || token_hash), last_used_at = created_at;
CREATE UNIQUE INDEX auth_sessions_device_id_key ON auth_sessions (device_id);

-- When the address was confirmed (NULL: not yet; not a gate), and when the
-- account was deleted (the row stays, anonymised, for the orders).
ALTER TABLE users ADD COLUMN email_verified_at BIGINT NULL;
ALTER TABLE users ADD COLUMN deleted_at BIGINT NULL;
