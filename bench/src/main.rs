#![recursion_limit = "256"]
//! Load benchmark: starts the real server (in this process, on a free
//! port) on a fresh database filled with many sessions and slots, then
//! drives each endpoint with concurrent keep-alive connections and prints
//! requests/s and p50/p99 latency — including `/healthz`, which does no
//! work, so the results read as ratios to the bare HTTP stack.
//!
//! `cargo run --release -p bench -- [--sessions N] [--slots N] [--seconds S]
//!  [--connections C] [--database-url URL]`
//!
//! `--scenario contention` runs the checkout race of `contention.rs` instead
//! (only `--database-url` applies to it).

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use server::config::Config;
use server::startup::Application;

mod contention;

struct Options {
    scenario: String,
    sessions: usize,
    slots: usize,
    seconds: u64,
    connections: usize,
    database_url: Option<String>,
}

fn options() -> anyhow::Result<Options> {
    let mut options = Options {
        scenario: "default".into(),
        sessions: 10_000,
        slots: 50_000,
        seconds: 10,
        connections: 16,
        database_url: None,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--scenario" => options.scenario = value.clone(),
            "--sessions" => options.sessions = value.parse()?,
            "--slots" => options.slots = value.parse()?,
            "--seconds" => options.seconds = value.parse()?,
            "--connections" => options.connections = value.parse()?,
            "--database-url" => options.database_url = Some(value.clone()),
            _ => bail!("unknown flag {flag}"),
        }
    }
    Ok(options)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = options()?;
    match options.scenario.as_str() {
        "default" => {}
        "contention" => return contention::run(options.database_url).await,
        other => bail!("unknown scenario {other} (default or contention)"),
    }
    let dir = std::env::temp_dir().join(format!("aveli-bench-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir)?;
    let url = options
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/bench.db", dir.display()));
    let config = Config::from_lookup(|key| match key {
        "LEPTOS_SITE_ADDR" => Some("127.0.0.1:0".into()),
        "DATABASE_URL" => Some(url.clone()),
        _ => None,
    })?;
    let app = Application::build(&config).await?;
    let base = format!("http://{}", app.addr());
    let db = app.state().db.clone();
    tokio::spawn(app.run_until_stopped());

    let started = Instant::now();
    let session_id = seed(&db, options.sessions, options.slots).await?;
    println!(
        "seeded {} sessions and {} slots in {:.1} s ({:?})",
        options.sessions,
        options.slots,
        started.elapsed().as_secs_f64(),
        db.kind()
    );

    let targets = [
        ("GET /healthz", format!("{base}/healthz")),
        ("GET / (SSR)", format!("{base}/")),
        (
            "GET /api/v1/sessions/:id/slots",
            format!("{base}/api/v1/sessions/{session_id}/slots"),
        ),
    ];
    println!(
        "{} connections, {} s per endpoint\n\n| endpoint | requests/s | p50 ms | p99 ms | rps vs /healthz |\n|---|---|---|---|---|",
        options.connections, options.seconds
    );
    let mut baseline = None;
    for (name, url) in targets {
        let result = load(
            &url,
            options.connections,
            Duration::from_secs(options.seconds),
        )
        .await?;
        let base_rps = *baseline.get_or_insert(result.rps);
        println!(
            "| {name} | {:.0} | {:.2} | {:.2} | {:.3} |",
            result.rps,
            result.p50.as_secs_f64() * 1e3,
            result.p99.as_secs_f64() * 1e3,
            result.rps / base_rps
        );
    }
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// One teacher with `sessions` published sessions and `slots` future slots
/// spread over them, inserted in batches. Returns a session with slots.
async fn seed(db: &app::backend::Db, sessions: usize, slots: usize) -> anyhow::Result<String> {
    let now = chrono::Utc::now().timestamp();
    let hour = 3_600;
    let first_hour = now - now.rem_euclid(hour) + 24 * hour;
    let mut tx = db.pool().begin().await?;
    sqlx::query(
        "INSERT INTO users (id, email, password_hash, display_name, created_at, updated_at) \
         VALUES ('bench-user', 'bench@aveli.test', 'x', 'Bench Lärare', $1, $1)",
    )
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO teachers (id, user_id, created_at, updated_at) VALUES ('bench-teacher', 'bench-user', $1, $1)")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    const BATCH: usize = 400;
    for chunk_start in (0..sessions).step_by(BATCH) {
        let end = (chunk_start + BATCH).min(sessions);
        let values: Vec<String> = (chunk_start..end)
            .map(|i| {
                format!(
                    "('s{i}', 'bench-teacher', 'Session {i}', 'Beskrivning', 20, 15000, 'SEK', 'published', {now}, {now})"
                )
            })
            .collect();
        sqlx::query(&format!(
            "INSERT INTO sessions (id, teacher_id, title, description, capacity, price_cents, currency, \
             visibility, created_at, updated_at) VALUES {}",
            values.join(", ")
        ))
        .execute(&mut *tx)
        .await?;
    }
    for chunk_start in (0..slots).step_by(BATCH) {
        let end = (chunk_start + BATCH).min(slots);
        let values: Vec<String> = (chunk_start..end)
            .map(|i| {
                // Slot i belongs to session i % sessions, one hour apart per teacher.
                let start = first_hour + i as i64 * hour;
                format!(
                    "('l{i}', 's{}', {start}, {}, 20, {}, {now}, {now})",
                    i % sessions.max(1),
                    start + hour,
                    i % 21
                )
            })
            .collect();
        sqlx::query(&format!(
            "INSERT INTO session_slots (id, session_id, start_at, end_at, seats_total, seats_taken, \
             created_at, updated_at) VALUES {}",
            values.join(", ")
        ))
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "UPDATE sessions SET start_at = (SELECT MIN(start_at) FROM session_slots WHERE session_id = sessions.id), \
         end_at = (SELECT MAX(end_at) FROM session_slots WHERE session_id = sessions.id)",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok("s0".into())
}

struct LoadResult {
    rps: f64,
    p50: Duration,
    p99: Duration,
}

/// `connections` workers, each a keep-alive client issuing requests back to
/// back for `duration`; every latency is kept for exact percentiles.
async fn load(url: &str, connections: usize, duration: Duration) -> anyhow::Result<LoadResult> {
    let deadline = Instant::now() + duration;
    let mut workers = Vec::new();
    for _ in 0..connections {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .build()?;
        let url = url.to_owned();
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let started = Instant::now();
                let response = client.get(&url).send().await?;
                if !response.status().is_success() {
                    bail!("{url}: {}", response.status());
                }
                response.bytes().await?;
                latencies.push(started.elapsed());
            }
            Ok::<_, anyhow::Error>(latencies)
        }));
    }
    let mut all = Vec::new();
    for worker in workers {
        all.extend(worker.await??);
    }
    all.sort();
    let pick = |q: f64| {
        all.get(((all.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    Ok(LoadResult {
        rps: all.len() as f64 / duration.as_secs_f64(),
        p50: pick(0.50),
        p99: pick(0.99),
    })
}
