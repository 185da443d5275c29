//! The email outbox (DESIGN §5, receipts).
//!
//! An email is written to the `outbox` table in the same transaction as the
//! change it reports, so a crash loses none; its `dedupe_key` is UNIQUE, so a
//! retried webhook or request queues none twice. A worker sends the due rows:
//! it claims one row at a time — pushing `next_attempt_at` forward by a lease
//! and counting the attempt — commits, and only then talks to the SMTP server
//! (no transaction is ever held across the network). Success sets `sent_at`;
//! failure records `last_error` and retries with exponential back-off, giving
//! up after [`MAX_ATTEMPTS`].
//!
//! Delivery is at least once: if the process dies between a successful send
//! and the `sent_at` update, the row is sent again when its lease runs out.
//! Each email keeps one Message-ID across attempts so a recipient's mail
//! program can recognise such a repeat.

use std::time::Duration;

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::backend::db::DbKind;
use crate::backend::mail::mailer::Mailer;
pub use crate::backend::mail::message::{OutgoingEmail, StoredEmail};
use crate::backend::{new_id, Clock, Db};

/// After this many failed attempts an email is given up: it keeps
/// `sent_at` NULL and its `last_error`, and is never claimed again.
pub const MAX_ATTEMPTS: i64 = 8;
/// How long a claimed row is reserved for the instance that claimed it.
const LEASE_SECS: i64 = 120;
/// A send that takes longer is abandoned well before its lease runs out, so
/// no other instance claims the row while it is still being sent.
const SEND_TIMEOUT: Duration = Duration::from_secs(60);
/// The first retry waits this long; every further one twice as long.
const BACKOFF_BASE_SECS: i64 = 60;
const BACKOFF_MAX_SECS: i64 = 6 * 3600;
/// A given-up row: `next_attempt_at` far beyond any clock.
const NEVER: i64 = i64::MAX;
/// `last_error` is kept short.
const MAX_ERROR_CHARS: usize = 1000;
/// How often the worker looks for due emails.
const POLL_INTERVAL: Duration = Duration::from_secs(5);
/// How many emails the worker handles per round.
const BATCH: i64 = 50;

/// Queues an email in the caller's transaction. Returns whether it is new:
/// `false` when an email with the same `dedupe_key` was queued before.
pub async fn enqueue(
    tx: &mut Transaction<'_, Any>,
    email: &OutgoingEmail,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let at = now;
    let done = sqlx::query(
        "INSERT INTO outbox (id, kind, recipient, subject, body_text, body_html, ics, \
         dedupe_key, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10) \
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(new_id())
    .bind(email.kind)
    .bind(&email.recipient)
    .bind(&email.subject)
    .bind(&email.body_text)
    .bind(email.body_html.clone())
    .bind(email.ics.clone())
    .bind(&email.dedupe_key)
    .bind(at)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives a given-up email another full set of attempts, starting now.
/// Returns whether it did: an email that was sent, or is still being tried,
/// is left alone (so a second click changes nothing).
pub async fn resend(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE outbox SET attempts = 0, next_attempt_at = $2 \
         WHERE id = $1 AND sent_at IS NULL AND next_attempt_at = $3",
    )
    .bind(id)
    .bind(now)
    .bind(NEVER)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The SQL condition of a given-up email (on `outbox` unaliased).
pub fn given_up_sql() -> String {
    format!("sent_at IS NULL AND next_attempt_at = {NEVER}")
}

/// Sends up to `limit` due emails, one claimed row at a time. Returns how
/// many were sent; failures are recorded on their rows (and logged), not
/// returned. An error means the database failed.
pub async fn send_due(
    db: &Db,
    mailer: &Mailer,
    limit: i64,
    clock: &Clock,
) -> anyhow::Result<usize> {
    let mut sent = 0;
    for _ in 0..limit.max(0) {
        let Some(email) = claim(db, clock.now()).await? else {
            break;
        };
        let result = match tokio::time::timeout(SEND_TIMEOUT, mailer.send(&email)).await {
            Ok(result) => result,
            Err(_) => Err(anyhow::anyhow!(
                "sending took longer than {} s",
                SEND_TIMEOUT.as_secs()
            )),
        };
        match result {
            Ok(()) => {
                mark_sent(db, &email.id, clock.now()).await?;
                sent += 1;
            }
            Err(err) => {
                let gave_up = mark_failed(db, &email, &format!("{err:#}"), clock.now()).await?;
                tracing::warn!(
                    outbox_id = %email.id,
                    kind = %email.kind,
                    attempts = email.attempts,
                    gave_up,
                    error = %format!("{err:#}"),
                    "email not sent"
                );
            }
        }
    }
    Ok(sent)
}

/// Runs [`send_due`] every few seconds until the runtime shuts down. Errors
/// are logged and the loop goes on.
pub fn spawn_worker(db: Db, mailer: Mailer, clock: Clock) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(POLL_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match send_due(&db, &mailer, BATCH, &clock).await {
                Ok(0) => {}
                Ok(sent) => tracing::info!(sent, "outbox: emails sent"),
                Err(err) => {
                    tracing::error!(error = %format!("{err:#}"), "outbox: worker round failed")
                }
            }
        }
    })
}

const RETURNED: &str = "id, kind, recipient, subject, body_text, body_html, ics, attempts";

fn stored_from_row(row: &AnyRow) -> Result<StoredEmail, sqlx::Error> {
    Ok(StoredEmail {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        recipient: row.try_get("recipient")?,
        subject: row.try_get("subject")?,
        body_text: row.try_get("body_text")?,
        body_html: row.try_get("body_html")?,
        ics: row.try_get("ics")?,
        attempts: row.try_get("attempts")?,
    })
}

/// Claims the next due row for this instance: counts the attempt and pushes
/// `next_attempt_at` forward by the lease, committed before anything is sent.
async fn claim(db: &Db, now: i64) -> Result<Option<StoredEmail>, sqlx::Error> {
    match db.kind() {
        DbKind::Postgres => claim_postgres(db, now).await,
        DbKind::Sqlite => claim_sqlite(db, now).await,
    }
}

/// PostgreSQL: several instances may poll at once. `FOR UPDATE SKIP LOCKED`
/// gives each a different row; the short transaction ends before the send.
async fn claim_postgres(db: &Db, now: i64) -> Result<Option<StoredEmail>, sqlx::Error> {
    let at = now;
    let mut tx = db.pool().begin().await?;
    let id: Option<String> = sqlx::query_scalar(
        "SELECT id FROM outbox \
         WHERE sent_at IS NULL AND next_attempt_at <= $1 AND attempts < $2 \
         ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
    )
    .bind(at)
    .bind(MAX_ATTEMPTS)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = id else {
        tx.rollback().await?;
        return Ok(None);
    };
    let row = sqlx::query(&format!(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1 \
         WHERE id = $2 RETURNING {RETURNED}"
    ))
    .bind(at + LEASE_SECS)
    .bind(&id)
    .fetch_one(&mut *tx)
    .await?;
    let email = stored_from_row(&row)?;
    tx.commit().await?;
    Ok(Some(email))
}

/// SQLite: one writer at a time, so a conditional UPDATE is the claim; if
/// another task took the row between the SELECT and the UPDATE, the UPDATE
/// matches nothing and the next candidate is tried.
async fn claim_sqlite(db: &Db, now: i64) -> Result<Option<StoredEmail>, sqlx::Error> {
    // Each lost race means another task claimed a row; a few tries suffice.
    for _ in 0..16 {
        let at = now;
        let id: Option<String> = sqlx::query_scalar(
            "SELECT id FROM outbox \
             WHERE sent_at IS NULL AND next_attempt_at <= $1 AND attempts < $2 \
             ORDER BY next_attempt_at, id LIMIT 1",
        )
        .bind(at)
        .bind(MAX_ATTEMPTS)
        .fetch_optional(db.pool())
        .await?;
        let Some(id) = id else {
            return Ok(None);
        };
        let row = sqlx::query(&format!(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1 \
             WHERE id = $2 AND sent_at IS NULL AND next_attempt_at <= $3 AND attempts < $4 \
             RETURNING {RETURNED}"
        ))
        .bind(at + LEASE_SECS)
        .bind(&id)
        .bind(at)
        .bind(MAX_ATTEMPTS)
        .fetch_optional(db.pool())
        .await?;
        if let Some(row) = row {
            return stored_from_row(&row).map(Some);
        }
    }
    Ok(None)
}

async fn mark_sent(db: &Db, id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET sent_at = $1, last_error = NULL WHERE id = $2 AND sent_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Records a failed attempt and schedules the next; returns whether the
/// email was given up.
async fn mark_failed(
    db: &Db,
    email: &StoredEmail,
    error: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let gave_up = email.attempts >= MAX_ATTEMPTS;
    let next = if gave_up {
        NEVER
    } else {
        now.saturating_add(backoff_secs(email.attempts))
    };
    let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
    sqlx::query(
        "UPDATE outbox SET last_error = $1, next_attempt_at = $2 WHERE id = $3 AND sent_at IS NULL",
    )
    .bind(error)
    .bind(next)
    .bind(&email.id)
    .execute(db.pool())
    .await?;
    Ok(gave_up)
}

/// The wait after the `attempts`-th failure: 1, 2, 4, … minutes, at most 6 h.
fn backoff_secs(attempts: i64) -> i64 {
    let doublings = attempts.clamp(1, 20) - 1;
    BACKOFF_BASE_SECS
        .saturating_mul(1_i64 << doublings)
        .min(BACKOFF_MAX_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    use lettre::message::Mailbox;

    /// A directory of the test's own, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> TempDir {
            let dir = std::env::temp_dir().join(format!("aveli_outbox_{}", new_id()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn email(key: &str) -> OutgoingEmail {
        OutgoingEmail {
            kind: "booking_receipt",
            recipient: "student@example.com".into(),
            subject: "Booking confirmed: Yoga at dawn".into(),
            body_text: "Hej!\nTack för din bokning.".into(),
            body_html: Some("<p>Hej!</p>".into()),
            ics: Some("BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n".into()),
            dedupe_key: key.into(),
        }
    }

    fn files_mailer(dir: &Path) -> Mailer {
        let from: Mailbox = "Aveli <no-reply@aveli.example>".parse().expect("mailbox");
        Mailer::Files {
            dir: dir.to_path_buf(),
            from,
        }
    }

    fn eml_files(dir: &Path) -> Vec<PathBuf> {
        match std::fs::read_dir(dir) {
            Ok(entries) => entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    async fn count(db: &Db, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(db.pool())
            .await
            .expect("count")
    }

    async fn queue(db: &Db, email: &OutgoingEmail) -> bool {
        let mut tx = db.pool().begin().await.expect("begin");
        let new = enqueue(&mut tx, email, Clock::system().now())
            .await
            .expect("enqueue");
        tx.commit().await.expect("commit");
        new
    }

    /// The outbox end to end on one database.
    async fn outbox_round_trip(db: &Db, dir: &Path) {
        let mailer = files_mailer(&dir.join("outbox"));
        assert!(queue(db, &email("receipt:o1")).await);
        assert!(!queue(db, &email("receipt:o1")).await, "same key twice");
        assert_eq!(count(db, "SELECT COUNT(*) FROM outbox").await, 1);

        // A rolled-back transaction queues nothing.
        let mut tx = db.pool().begin().await.expect("begin");
        assert!(
            enqueue(&mut tx, &email("receipt:o2"), Clock::system().now())
                .await
                .expect("enqueue")
        );
        tx.rollback().await.expect("rollback");
        assert_eq!(count(db, "SELECT COUNT(*) FROM outbox").await, 1);

        assert_eq!(
            send_due(db, &mailer, 10, &Clock::system())
                .await
                .expect("send"),
            1
        );
        let files = eml_files(&dir.join("outbox"));
        assert_eq!(files.len(), 1, "{files:?}");
        let eml = std::fs::read_to_string(&files[0]).expect("read eml");
        assert!(
            eml.contains("Subject: Booking confirmed: Yoga at dawn"),
            "{eml}"
        );
        assert!(eml.contains("To: student@example.com"), "{eml}");
        assert!(eml.contains("filename=\"invitation.ics\""), "{eml}");
        assert!(
            eml.contains("text/calendar; method=REQUEST; charset=utf-8"),
            "{eml}"
        );
        assert!(eml.contains("multipart/alternative"), "{eml}");

        assert_eq!(
            send_due(db, &mailer, 10, &Clock::system())
                .await
                .expect("send"),
            0
        );
        assert_eq!(eml_files(&dir.join("outbox")).len(), 1);
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL AND attempts = 1"
            )
            .await,
            1
        );
        // Still one row after a retry of the same webhook, now that it is sent.
        assert!(!queue(db, &email("receipt:o1")).await);
    }

    /// A failing transport: the attempt is counted, the error kept, and the
    /// row waits for its back-off; after the last attempt it is given up.
    async fn failures_back_off(db: &Db, dir: &Path) {
        let now = Clock::system().now();
        // A file where the outbox directory should be: every write fails.
        let blocker = dir.join("blocked");
        std::fs::write(&blocker, b"not a directory").expect("blocker");
        let broken = files_mailer(&blocker);
        assert!(queue(db, &email("refund:o9")).await);
        assert_eq!(
            send_due(db, &broken, 10, &Clock::system())
                .await
                .expect("send"),
            0
        );
        let (attempts, next, error): (i64, i64, Option<String>) = sqlx::query_as(
            "SELECT attempts, next_attempt_at, last_error FROM outbox WHERE dedupe_key = 'refund:o9'",
        )
        .fetch_one(db.pool())
        .await
        .expect("row");
        assert_eq!(attempts, 1);
        assert!(next >= now + BACKOFF_BASE_SECS - 5, "backed off");
        assert!(error.is_some_and(|e| !e.is_empty()));
        // Not due yet: nothing is tried.
        assert_eq!(
            send_due(db, &broken, 10, &Clock::system())
                .await
                .expect("send"),
            0
        );
        assert_eq!(
            count(
                db,
                "SELECT attempts FROM outbox WHERE dedupe_key = 'refund:o9'"
            )
            .await,
            1
        );

        // Make it due again at its last attempt: that failure gives it up.
        sqlx::query(
            "UPDATE outbox SET next_attempt_at = 0, attempts = $1 WHERE dedupe_key = 'refund:o9'",
        )
        .bind(MAX_ATTEMPTS - 1)
        .execute(db.pool())
        .await
        .expect("rewind");
        assert_eq!(
            send_due(db, &broken, 10, &Clock::system())
                .await
                .expect("send"),
            0
        );
        let (attempts, next): (i64, i64) = sqlx::query_as(
            "SELECT attempts, next_attempt_at FROM outbox WHERE dedupe_key = 'refund:o9'",
        )
        .fetch_one(db.pool())
        .await
        .expect("row");
        assert_eq!((attempts, next), (MAX_ATTEMPTS, NEVER));

        // Even a working mailer never picks a given-up row.
        let mailer = files_mailer(&dir.join("outbox2"));
        sqlx::query("UPDATE outbox SET next_attempt_at = 0 WHERE dedupe_key = 'refund:o9'")
            .execute(db.pool())
            .await
            .expect("rewind");
        assert_eq!(
            send_due(db, &mailer, 10, &Clock::system())
                .await
                .expect("send"),
            0
        );
    }

    /// Concurrent workers never send one email twice.
    async fn concurrent_workers_send_each_once(db: &Db, dir: &Path) {
        let out = dir.join("outbox3");
        let mailer = files_mailer(&out);
        for i in 0..12 {
            assert!(queue(db, &email(&format!("receipt:c{i}"))).await);
        }
        let clock = Clock::system();
        let (a, b, c) = tokio::join!(
            send_due(db, &mailer, 100, &clock),
            send_due(db, &mailer, 100, &clock),
            send_due(db, &mailer, 100, &clock)
        );
        let total = a.expect("a") + b.expect("b") + c.expect("c");
        assert_eq!(total, 12);
        assert_eq!(eml_files(&out).len(), 12);
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'receipt:c%' AND attempts = 1"
            )
            .await,
            12
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn outbox_on_sqlite() {
        let dir = TempDir::new();
        let db = Db::connect(&format!("sqlite://{}/t.db", dir.0.display()))
            .await
            .expect("connect");
        db.migrate().await.expect("migrate");
        outbox_round_trip(&db, &dir.0).await;
        failures_back_off(&db, &dir.0).await;
        concurrent_workers_send_each_once(&db, &dir.0).await;
        db.close().await;
    }

    /// The same on PostgreSQL (the `FOR UPDATE SKIP LOCKED` claim), on the
    /// server `TEST_POSTGRES_URL` names (`make test` always provides one).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn outbox_on_postgres() {
        let admin = std::env::var("TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        let name = format!("aveli_outbox_{}", uuid::Uuid::now_v7().simple());
        let url = format!("{base}/{name}");
        let dir = TempDir::new();
        let db = Db::connect(&url).await.expect("connect");
        db.migrate().await.expect("migrate");
        outbox_round_trip(&db, &dir.0).await;
        failures_back_off(&db, &dir.0).await;
        concurrent_workers_send_each_once(&db, &dir.0).await;
        db.close().await;
        let admin_db = Db::connect(&admin).await.expect("admin");
        // FORCE: the closed pool's sessions may still be ending. A failed
        // clean-up leaves a stray database but does not fail the test.
        if let Err(err) = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(admin_db.pool())
            .await
        {
            eprintln!("outbox_on_postgres: could not drop {name}: {err}");
        }
        admin_db.close().await;
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_secs(1), 60);
        assert_eq!(backoff_secs(2), 120);
        assert_eq!(backoff_secs(7), 3840);
        assert_eq!(backoff_secs(20), BACKOFF_MAX_SECS);
        assert_eq!(backoff_secs(i64::MAX), BACKOFF_MAX_SECS);
    }
}
