//! One data layer for SQLite and PostgreSQL, chosen by the URL's scheme.
//!
//! Why sqlx's `Any` driver rather than two pools behind an enum: with `Any`
//! every query is written once, in the portable subset of SQL both databases
//! share (`$N` parameters, BIGINT/TEXT/REAL columns, 0/1 flags — DESIGN §4),
//! and the same repository tests exercise it on both. The price is the
//! narrower type set of `Any` (i64, f64, String, bytes), which our schema
//! keeps to on purpose; the two migration directories hold the only
//! dialect-specific SQL.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::MigrateDatabase;
use sqlx::{AnyPool, Executor};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

impl DbKind {
    /// The kind named by a database URL, or `None` for anything else.
    pub fn of_url(url: &str) -> Option<DbKind> {
        if url.starts_with("sqlite:") {
            Some(DbKind::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(DbKind::Postgres)
        } else {
            None
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL: expected sqlite://… or postgres://…")]
    UnsupportedUrl,
    #[error("could not create the database: {0}")]
    Create(#[source] sqlx::Error),
    #[error("could not connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// The connection pool and which database it talks to.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    kind: DbKind,
}

impl Db {
    /// Connects, creating the database first when it does not exist yet
    /// (a new SQLite file, or a new PostgreSQL database on the server).
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let kind = DbKind::of_url(url).ok_or(DbError::UnsupportedUrl)?;
        match kind {
            DbKind::Sqlite => {
                if let Some(parent) =
                    sqlite_file(url).and_then(|f| std::path::Path::new(f).parent())
                {
                    if !parent.as_os_str().is_empty() {
                        std::fs::create_dir_all(parent)
                            .map_err(|e| DbError::Create(sqlx::Error::Io(e)))?;
                    }
                }
                if !sqlx::Sqlite::database_exists(url).await.unwrap_or(false) {
                    sqlx::Sqlite::create_database(url)
                        .await
                        .map_err(DbError::Create)?;
                }
            }
            DbKind::Postgres => {
                if !sqlx::Postgres::database_exists(url)
                    .await
                    .map_err(DbError::Connect)?
                {
                    sqlx::Postgres::create_database(url)
                        .await
                        .map_err(DbError::Create)?;
                }
            }
        }
        let options = AnyConnectOptions::from_str(url).map_err(DbError::Connect)?;
        let pool = AnyPoolOptions::new()
            .max_connections(match kind {
                DbKind::Sqlite => 8,
                DbKind::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if kind == DbKind::Sqlite {
                        // WAL lets readers work while one writer writes; the busy
                        // timeout makes a second writer wait instead of failing.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                             PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(DbError::Connect)?;
        Ok(Db { pool, kind })
    }

    /// Brings the schema up to date; a failure must stop the start.
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self.kind {
            DbKind::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            DbKind::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    /// Answers whether the database responds to a trivial query.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A transaction that reads and then writes. On SQLite it begins with
    /// `BEGIN IMMEDIATE`, taking the write lock at once: two such
    /// transactions then wait for each other (the busy timeout) instead of
    /// the second failing with SQLITE_BUSY when it upgrades from reading.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.kind {
            DbKind::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            DbKind::Postgres => self.pool.begin().await,
        }
    }

    pub fn kind(&self) -> DbKind {
        self.kind
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The file path inside a `sqlite://path?options` URL.
fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// True when a database error is a violation of a UNIQUE constraint (or
/// primary key): the database enforcing an invariant, to be reported in the
/// user's words rather than as a failure.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            db.kind() == sqlx::error::ErrorKind::UniqueViolation
                // The Any driver does not always carry the kind through.
                || db.code().as_deref() == Some("23505")
                || db.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_follows_the_scheme() {
        assert_eq!(
            DbKind::of_url("sqlite://data/aveli.db"),
            Some(DbKind::Sqlite)
        );
        assert_eq!(DbKind::of_url("sqlite::memory:"), Some(DbKind::Sqlite));
        assert_eq!(
            DbKind::of_url("postgres://postgres@127.0.0.1/a"),
            Some(DbKind::Postgres)
        );
        assert_eq!(DbKind::of_url("postgresql://h/a"), Some(DbKind::Postgres));
        assert_eq!(DbKind::of_url("mysql://h/a"), None);
    }

    #[test]
    fn sqlite_file_is_found_in_the_url() {
        assert_eq!(sqlite_file("sqlite://data/aveli.db"), Some("data/aveli.db"));
        assert_eq!(
            sqlite_file("sqlite:///tmp/x.db?mode=rwc"),
            Some("/tmp/x.db")
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
    }
}
