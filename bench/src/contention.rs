//! `--scenario contention`: many students race for the last seats of one
//! slot. Starts the real server (in this process, on a free port) on a fresh
//! database with simulated Stripe, onboards one teacher through the
//! simulator, publishes a paid session and then:
//!
//! 1. fires 1000 checkouts for a 20-seat slot at once (one shared client,
//!    one connection each) and checks that exactly 20 seats were held;
//! 2. runs 300 checkouts by distinct students on a 500-seat slot, 8 at a
//!    time, for the cost of a checkout without contention.
//!
//! Every checkout that wins a seat also creates a PaymentIntent at the
//! simulator (`/_sim/stripe`, served by the same process), like production
//! does at Stripe.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use app::backend::catalog::slots::SlotPatch;
use app::backend::Db;
use app::model::order::{CheckoutStarted, OrderStatus};
use app::model::payouts::{PayoutState, PayoutStatus};
use app::model::session::{Session, SessionInput, Slot, Visibility};
use app::model::AppError;
use chrono::{DurationRound, Utc};
use server::config::Config;
use server::startup::Application;
use sqlx::migrate::MigrateDatabase;

/// The simulator's secret key (the server accepts it in simulated mode).
const SIM_SECRET_KEY: &str = "sk_test_aveli_simulated";
const PRICE_CENTS: i64 = 15_000;
const CONTENDED_SEATS: i64 = 20;
const CONTENDED_REQUESTS: usize = 1_000;
const OPEN_SEATS: i64 = 500;
const OPEN_REQUESTS: usize = 300;
const OPEN_CONCURRENCY: usize = 8;

pub async fn run(database_url: Option<String>) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!(
        "aveli-bench-contention-{}",
        uuid::Uuid::now_v7().simple()
    ));
    std::fs::create_dir_all(&dir)?;
    let url = database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/bench.db", dir.display()));
    let result = scenario(&url, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
    if url.starts_with("postgres") {
        match sqlx::Postgres::force_drop_database(&url).await {
            Ok(()) => println!("\ndropped the database {url}"),
            Err(err) => eprintln!("\ncould not drop the database {url}: {err}"),
        }
    }
    result
}

async fn scenario(url: &str, dir: &std::path::Path) -> anyhow::Result<()> {
    let data_dir = dir.join("data").display().to_string();
    let config = Config::from_lookup(|key| match key {
        "LEPTOS_SITE_ADDR" => Some("127.0.0.1:0".into()),
        "DATABASE_URL" => Some(url.to_owned()),
        "DATA_DIR" => Some(data_dir.clone()),
        _ => None,
    })?;
    let app = Application::build(&config).await?;
    let base = format!("http://{}", app.addr());
    let db = app.state().db.clone();
    tokio::spawn(app.run_until_stopped());
    let result = measure(&base, &db).await;
    db.close().await;
    result
}

async fn measure(base: &str, db: &Db) -> anyhow::Result<()> {
    let setup = Instant::now();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(2 * CONTENDED_REQUESTS)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let teacher = onboarded_teacher(base, db, &client).await?;
    let session: Session = ok(
        client
            .post(format!("{base}/api/v1/studio/sessions"))
            .bearer_auth(&teacher)
            .json(&SessionInput {
                id: None,
                title: "Kvällsyoga".into(),
                description: "Mjuk yoga".into(),
                capacity: CONTENDED_SEATS,
                price_cents: PRICE_CENTS,
                currency: "SEK".into(),
                visibility: Visibility::Published,
                recording_url: None,
                room_url: None,
            })
            .send()
            .await?,
        "create the session",
    )
    .await?
    .json()
    .await?;
    let first_start =
        (Utc::now() + chrono::Duration::hours(48)).duration_trunc(chrono::Duration::hours(1))?;
    let contended = add_slot(base, &client, &teacher, &session.id, first_start, None).await?;
    let open = add_slot(
        base,
        &client,
        &teacher,
        &session.id,
        first_start + chrono::Duration::hours(2),
        Some(OPEN_SEATS),
    )
    .await?;
    let mut tokens = students(db, CONTENDED_REQUESTS + OPEN_REQUESTS).await?;
    let open_tokens = tokens.split_off(CONTENDED_REQUESTS);
    println!(
        "{:?}: one onboarded teacher, a published session at {} SEK, slots of {} and {} seats, \
         {} students with tokens, in {:.1} s",
        db.kind(),
        PRICE_CENTS / 100,
        contended.seats_total,
        open.seats_total,
        tokens.len() + open_tokens.len(),
        setup.elapsed().as_secs_f64()
    );

    let checkout_url = format!("{base}/api/v1/checkout/session");
    let contended_outcomes = race(&client, &checkout_url, &contended.id, tokens).await;
    let started = Instant::now();
    let open_outcomes = steady(&client, &checkout_url, &open.id, open_tokens).await?;
    let open_wall = started.elapsed();

    // What the database says after the race.
    let seats_taken: i64 =
        sqlx::query_scalar("SELECT seats_taken FROM session_slots WHERE id = $1")
            .bind(&contended.id)
            .fetch_one(db.pool())
            .await?;
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM orders WHERE slot_id = $1 AND status = 'pending' AND hold_active = 1",
    )
    .bind(&contended.id)
    .fetch_one(db.pool())
    .await?;
    let with_intent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM orders WHERE slot_id = $1 AND stripe_payment_intent IS NOT NULL",
    )
    .bind(&contended.id)
    .fetch_one(db.pool())
    .await?;

    let holds = contended_outcomes
        .iter()
        .filter(|o| o.status == 200)
        .count();
    let first = contended_outcomes.iter().map(|o| o.sent).min();
    let last = contended_outcomes.iter().map(|o| o.answered).max();
    let drain = match (first, last) {
        (Some(first), Some(last)) => last.duration_since(first),
        _ => Duration::ZERO,
    };
    let mut breakdown: BTreeMap<(u16, String), usize> = BTreeMap::new();
    for outcome in &contended_outcomes {
        *breakdown
            .entry((outcome.status, outcome.code.clone()))
            .or_default() += 1;
    }

    println!(
        "\n{CONTENDED_REQUESTS} checkouts at once for {CONTENDED_SEATS} seats: drained in {:.0} ms \
         (first send → last answer); {holds} holds granted (HTTP 200); \
         seats_taken = {seats_taken}; {pending} pending orders holding a seat, \
         {with_intent} with a PaymentIntent\n",
        drain.as_secs_f64() * 1e3
    );
    println!("| status | error code | responses |\n|---|---|---|");
    for ((status, code), count) in &breakdown {
        println!("| {status} | {code} | {count} |");
    }

    println!(
        "\n| checkouts | requests | requests/s | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|"
    );
    // Requests/s over the wall time of the whole phase (none for a part of it).
    let row = |name: &str, latencies: Vec<Duration>, wall: Option<Duration>| {
        let stats = Stats::of(latencies);
        let rps = wall.map_or("–".to_owned(), |wall| {
            format!("{:.0}", stats.count as f64 / wall.as_secs_f64().max(1e-9))
        });
        println!(
            "| {name} | {} | {rps} | {:.1} | {:.1} | {:.1} |",
            stats.count,
            ms(stats.p50),
            ms(stats.p99),
            ms(stats.max)
        );
    };
    row(
        &format!("{CONTENDED_REQUESTS} at once, {CONTENDED_SEATS} seats: all"),
        contended_outcomes.iter().map(|o| o.latency()).collect(),
        Some(drain),
    );
    row(
        "— of which seat held (200)",
        contended_outcomes
            .iter()
            .filter(|o| o.status == 200)
            .map(|o| o.latency())
            .collect(),
        None,
    );
    row(
        "— of which refused",
        contended_outcomes
            .iter()
            .filter(|o| o.status != 200)
            .map(|o| o.latency())
            .collect(),
        None,
    );
    row(
        &format!(
            "{OPEN_REQUESTS} distinct students, {OPEN_CONCURRENCY} at a time, {OPEN_SEATS} seats"
        ),
        open_outcomes,
        Some(open_wall),
    );

    let expected = usize::try_from(CONTENDED_SEATS)?;
    if holds != expected || seats_taken != CONTENDED_SEATS || pending != CONTENDED_SEATS {
        bail!(
            "oversold or undersold: {holds} holds granted, seats_taken = {seats_taken}, \
             {pending} pending orders; expected {CONTENDED_SEATS} of each"
        );
    }
    Ok(())
}

/// A teacher (inserted directly, signed in by token) who became a teacher
/// over HTTP and onboarded through the simulator; waits for the webhook that
/// makes the payout account active. Returns the teacher's token.
async fn onboarded_teacher(
    base: &str,
    db: &Db,
    client: &reqwest::Client,
) -> anyhow::Result<String> {
    let user_id = uuid::Uuid::now_v7().to_string();
    let now = Utc::now().timestamp();
    sqlx::query(
        "INSERT INTO users (id, email, password_hash, display_name, created_at, updated_at) \
         VALUES ($1, $2, 'x', 'Bench Lärare', $3, $3)",
    )
    .bind(&user_id)
    .bind(format!("teacher-{user_id}@aveli.test"))
    .bind(now)
    .execute(db.pool())
    .await?;
    let token = app::backend::accounts::auth_session::create(db, &user_id, 24 * 3_600, now).await?;
    expect_status(
        client
            .post(format!("{base}/api/v1/teachers"))
            .bearer_auth(&token)
            .send()
            .await?,
        200,
        "become a teacher",
    )
    .await?;
    expect_status(
        client
            .post(format!("{base}/api/v1/connect/onboarding"))
            .bearer_auth(&token)
            .send()
            .await?,
        200,
        "start onboarding",
    )
    .await?;
    let account: Option<String> =
        sqlx::query_scalar("SELECT stripe_connect_account_id FROM teachers WHERE user_id = $1")
            .bind(&user_id)
            .fetch_one(db.pool())
            .await?;
    let account = account.context("onboarding created no Connect account")?;
    expect_status(
        client
            .post(format!(
                "{base}/_sim/stripe/v1/test_helpers/accounts/{account}/onboard"
            ))
            .bearer_auth(SIM_SECRET_KEY)
            .send()
            .await?,
        200,
        "complete onboarding at the simulator",
    )
    .await?;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let status: PayoutStatus = ok(
            client
                .get(format!("{base}/api/v1/connect/status"))
                .bearer_auth(&token)
                .send()
                .await?,
            "payout status",
        )
        .await?
        .json()
        .await?;
        if status.state == PayoutState::Active {
            return Ok(token);
        }
        if Instant::now() > deadline {
            bail!("the payout account is still {:?} after 15 s", status.state);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A 60-minute slot from `start` (`seats` defaults to the session's capacity).
async fn add_slot(
    base: &str,
    client: &reqwest::Client,
    teacher: &str,
    session_id: &str,
    start: chrono::DateTime<Utc>,
    seats: Option<i64>,
) -> anyhow::Result<Slot> {
    // `SlotPatch` has the same fields as the request body of a new slot.
    let body = SlotPatch {
        start_at: Some(start),
        end_at: Some(start + chrono::Duration::minutes(60)),
        seats_total: seats,
        room_url: None,
    };
    let response = client
        .post(format!("{base}/api/v1/studio/sessions/{session_id}/slots"))
        .bearer_auth(teacher)
        .json(&body)
        .send()
        .await?;
    if response.status() != 201 {
        bail!(
            "add a slot: {} {}",
            response.status(),
            response.text().await?
        );
    }
    Ok(response.json().await?)
}

/// `count` students, inserted in batches, each with a session token.
async fn students(db: &Db, count: usize) -> anyhow::Result<Vec<String>> {
    let now = Utc::now().timestamp();
    let ids: Vec<String> = (0..count)
        .map(|_| uuid::Uuid::now_v7().simple().to_string())
        .collect();
    let mut tx = db.pool().begin().await?;
    for chunk in ids.chunks(400) {
        let values: Vec<String> = chunk
            .iter()
            .map(|id| format!("('{id}', 'student-{id}@aveli.test', 'x', 'Elev', {now}, {now})"))
            .collect();
        sqlx::query(&format!(
            "INSERT INTO users (id, email, password_hash, display_name, created_at, updated_at) VALUES {}",
            values.join(", ")
        ))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    let mut tokens = Vec::with_capacity(count);
    for id in &ids {
        tokens.push(app::backend::accounts::auth_session::create(db, id, 24 * 3_600, now).await?);
    }
    Ok(tokens)
}

/// One checkout's answer.
struct Outcome {
    /// 0 when the request failed below HTTP.
    status: u16,
    /// `-` for a hold, else the API's error code (or what went wrong).
    code: String,
    sent: Instant,
    answered: Instant,
}

impl Outcome {
    fn latency(&self) -> Duration {
        self.answered.duration_since(self.sent)
    }
}

/// Sends one checkout and reads (and checks) its answer.
async fn checkout(client: &reqwest::Client, url: &str, slot_id: &str, token: &str) -> Outcome {
    let sent = Instant::now();
    let (status, code) = match client
        .post(url)
        .bearer_auth(token)
        .json(&HashMap::from([("slot_id", slot_id)]))
        .send()
        .await
    {
        Err(err) => (0, format!("transport: {}", transport_kind(&err))),
        Ok(response) => {
            let status = response.status().as_u16();
            let code = if status == 200 {
                match response.json::<CheckoutStarted>().await {
                    Ok(started)
                        if started.status == OrderStatus::Pending
                            && started.client_secret.is_some() =>
                    {
                        "-".to_owned()
                    }
                    Ok(started) => format!("200 without a pending hold: {:?}", started.status),
                    Err(_) => "unreadable 200 body".to_owned(),
                }
            } else {
                match response.json::<HashMap<String, AppError>>().await {
                    Ok(body) => body
                        .get("error")
                        .map(|e| {
                            format!("{} ({})", snake_case(&format!("{:?}", e.code)), e.message)
                        })
                        .unwrap_or_else(|| "no error field".to_owned()),
                    Err(_) => "unreadable error body".to_owned(),
                }
            };
            (status, code)
        }
    };
    Outcome {
        status,
        code,
        sent,
        answered: Instant::now(),
    }
}

fn transport_kind(err: &reqwest::Error) -> &'static str {
    if err.is_timeout() {
        "timeout"
    } else if err.is_connect() {
        "connect"
    } else {
        "other"
    }
}

/// All checkouts at once: every request is spawned and waits at a barrier,
/// so they leave together.
async fn race(
    client: &reqwest::Client,
    url: &str,
    slot_id: &str,
    tokens: Vec<String>,
) -> Vec<Outcome> {
    let barrier = Arc::new(tokio::sync::Barrier::new(tokens.len()));
    let tasks: Vec<_> = tokens
        .into_iter()
        .map(|token| {
            let (client, url, slot_id) = (client.clone(), url.to_owned(), slot_id.to_owned());
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                checkout(&client, &url, &slot_id, &token).await
            })
        })
        .collect();
    let mut outcomes = Vec::with_capacity(tasks.len());
    for task in tasks {
        match task.await {
            Ok(outcome) => outcomes.push(outcome),
            Err(err) => {
                let at = Instant::now();
                outcomes.push(Outcome {
                    status: 0,
                    code: format!("task failed: {err}"),
                    sent: at,
                    answered: at,
                });
            }
        }
    }
    outcomes
}

/// Checkouts by distinct students, `OPEN_CONCURRENCY` in flight at a time;
/// every one must hold a seat. Returns the latencies.
async fn steady(
    client: &reqwest::Client,
    url: &str,
    slot_id: &str,
    tokens: Vec<String>,
) -> anyhow::Result<Vec<Duration>> {
    let tokens = Arc::new(tokens);
    let next = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..OPEN_CONCURRENCY)
        .map(|_| {
            let (client, url, slot_id) = (client.clone(), url.to_owned(), slot_id.to_owned());
            let (tokens, next) = (tokens.clone(), next.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while let Some(token) = tokens.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let outcome = checkout(&client, &url, &slot_id, token).await;
                    if outcome.status != 200 || outcome.code != "-" {
                        bail!("uncontended checkout: {} {}", outcome.status, outcome.code);
                    }
                    latencies.push(outcome.latency());
                }
                Ok::<_, anyhow::Error>(latencies)
            })
        })
        .collect();
    let mut all = Vec::new();
    for worker in workers {
        all.extend(worker.await??);
    }
    Ok(all)
}

struct Stats {
    count: usize,
    p50: Duration,
    p99: Duration,
    max: Duration,
}

impl Stats {
    /// Exact percentiles (nearest rank on the sorted latencies).
    fn of(mut latencies: Vec<Duration>) -> Stats {
        latencies.sort();
        let pick = |q: f64| {
            latencies
                .get(((latencies.len() as f64 - 1.0) * q).round() as usize)
                .copied()
                .unwrap_or_default()
        };
        Stats {
            count: latencies.len(),
            p50: pick(0.50),
            p99: pick(0.99),
            max: latencies.last().copied().unwrap_or_default(),
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// `PaymentsNotEnabled` → `payments_not_enabled`, as the API spells codes.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

async fn expect_status(response: reqwest::Response, want: u16, what: &str) -> anyhow::Result<()> {
    if response.status() != want {
        bail!("{what}: {} {}", response.status(), response.text().await?);
    }
    Ok(())
}

/// The response, if it succeeded; else an error with its status and body.
async fn ok(response: reqwest::Response, what: &str) -> anyhow::Result<reqwest::Response> {
    if !response.status().is_success() {
        bail!("{what}: {} {}", response.status(), response.text().await?);
    }
    Ok(response)
}
