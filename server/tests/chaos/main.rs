//! The chaos suite (DESIGN §6): two instances of the real server binary on
//! one PostgreSQL database share one `server stripe-sim`, while students race
//! for a small slot, Stripe fails about 30 % of calls (500, 429, timeouts),
//! webhooks are duplicated, reordered, delayed and refused, each instance is
//! killed with SIGKILL in turn and started again, and some holds lapse before
//! their student pays. Afterwards `invariants::check` must find nothing.
//!
//! `make test` runs a small load; `make chaos` the full one:
//! `CHAOS_STUDENTS` (default 60), `CHAOS_SEATS` (6), `CHAOS_SPREAD_SECS` (6:
//! the students arrive over this long). PostgreSQL at `TEST_POSTGRES_URL`
//! (`scripts/with-postgres.sh`), as for the api suite.

mod cluster;
mod faults;
mod invariants;
mod setup;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use cluster::{Cluster, SIM_SECRET_KEY};

/// How long the checks may wait for the cluster to settle after the load.
const SETTLE_WITHIN: Duration = Duration::from_secs(150);

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What the students saw, for the summary and the "no 5xx" rule.
#[derive(Default)]
struct Seen {
    statuses: BTreeMap<u16, usize>,
    server_errors: Vec<String>,
}

pub struct Run {
    cluster: Arc<Cluster>,
    client: reqwest::Client,
    db: app::backend::Db,
    slot_id: String,
    seen: Mutex<Seen>,
    holds: AtomicUsize,
    paid: AtomicUsize,
    late_paid: AtomicUsize,
}

impl Run {
    fn record(&self, what: &str, status: u16, body: &str) {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        *seen.statuses.entry(status).or_default() += 1;
        // 503 is documented: Stripe could not be reached; try again.
        if status >= 500 && status != 503 {
            seen.server_errors.push(format!(
                "{what}: {status} {}",
                body.chars().take(300).collect::<String>()
            ));
        }
    }

    /// POSTs `body` to the instances in turn, starting at `first`, until one
    /// answers something else than a transport error or a 503.
    async fn api_post(
        &self,
        first: usize,
        token: &str,
        path: &str,
        body: &Value,
    ) -> Option<(u16, Value)> {
        for attempt in 0..12 {
            let origin =
                &self.cluster.instances[(first + attempt) % self.cluster.instances.len()].origin;
            let sent = self
                .client
                .post(format!("{origin}{path}"))
                .bearer_auth(token)
                .json(body)
                .send()
                .await;
            let Ok(response) = sent else {
                tokio::time::sleep(Duration::from_millis(250)).await;
                continue;
            };
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            self.record(&format!("POST {path}"), status, &text);
            if status == 503 {
                tokio::time::sleep(Duration::from_millis(300)).await;
                continue;
            }
            return Some((status, serde_json::from_str(&text).unwrap_or(Value::Null)));
        }
        None
    }

    /// A call to the simulator as the student's browser would make it,
    /// retried through the injected faults. The simulator's status.
    async fn sim_post(&self, path: &str, form: &[(&str, &str)]) -> u16 {
        for _ in 0..12 {
            let sent = self
                .client
                .post(format!("{}{path}", self.cluster.sim))
                .bearer_auth(SIM_SECRET_KEY)
                .form(form)
                .send()
                .await;
            match sent {
                Ok(response)
                    if !(response.status().is_server_error() || response.status() == 429) =>
                {
                    return response.status().as_u16();
                }
                _ => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
        0
    }

    /// A checkout on the slot: the order and its PaymentIntent, when a seat was held.
    async fn checkout(&self, student: usize, token: &str) -> Option<(String, String)> {
        let (status, body) = self
            .api_post(
                student,
                token,
                "/api/v1/checkout/session",
                &json!({"slot_id": self.slot_id}),
            )
            .await?;
        if status != 200 {
            return None;
        }
        let order = body["order_id"].as_str()?.to_owned();
        let intent = body["client_secret"]
            .as_str()?
            .split("_secret_")
            .next()?
            .to_owned();
        Some((order, intent))
    }

    async fn pay(&self, intent: &str, payment_method: &str) -> bool {
        let path = format!("/v1/payment_intents/{intent}/confirm");
        self.sim_post(&path, &[("payment_method", payment_method)])
            .await
            == 200
    }

    /// The student stays away past the hold: its expiry is moved to the
    /// past (a clock per order, since two processes cannot share one), and
    /// an instance's expiry sweep releases it.
    async fn let_the_hold_lapse(&self, order: &str) {
        sqlx::query("UPDATE orders SET hold_expires_at = $1 WHERE id = $2 AND status = 'pending'")
            .bind(chrono::Utc::now().timestamp() - 1)
            .bind(order)
            .execute(self.db.pool())
            .await
            .expect("lapse the hold");
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let status: String = sqlx::query_scalar("SELECT status FROM orders WHERE id = $1")
                .bind(order)
                .fetch_one(self.db.pool())
                .await
                .expect("order status");
            if status != "pending" {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// One student. Who finds the slot full tries again a few times, as
    /// people do, and so takes the seats that others let go. By the order in
    /// which the holds were granted: every fourth lets it lapse and pays late
    /// (every eighth books the slot again first) while the cancel of its
    /// PaymentIntent fails, every fourth after that is
    /// declined and leaves, the others pay at once.
    async fn student(&self, index: usize, token: String) {
        let mut tries = 0;
        let (order, intent) = loop {
            match self.checkout(index + tries, &token).await {
                Some(hold) => break hold,
                None if tries < 4 => {
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(1_500)).await;
                }
                None => return,
            }
        };
        let granted = self.holds.fetch_add(1, Ordering::SeqCst);
        match granted % 4 {
            0 => {
                // The expiry's cancel of the PaymentIntent fails every retry
                // (defect 1 of issue 12), so the late payment goes through.
                let cancel = format!("/v1/payment_intents/{intent}/cancel");
                let armed = self
                    .sim_post_raw(
                        "/v1/test_helpers/faults",
                        &[("kind", "500"), ("count", "3"), ("path", &cancel)],
                    )
                    .await;
                assert_eq!(armed, 200, "arm the cancel's faults");
                self.let_the_hold_lapse(&order).await;
                if granted % 8 == 0 {
                    if let Some((_, again)) = self.checkout(index + 1, &token).await {
                        self.holds.fetch_add(1, Ordering::SeqCst);
                        if self.pay(&again, "pm_card_visa").await {
                            self.paid.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                }
                if self.pay(&intent, "pm_card_visa").await {
                    self.late_paid.fetch_add(1, Ordering::SeqCst);
                }
            }
            1 => {
                self.pay(&intent, "pm_card_chargeDeclined").await;
                self.let_the_hold_lapse(&order).await;
            }
            _ => {
                if self.pay(&intent, "pm_card_visa").await {
                    self.paid.fetch_add(1, Ordering::SeqCst);
                }
            }
        }
    }

    async fn sim_post_raw(&self, path: &str, form: &[(&str, &str)]) -> u16 {
        self.client
            .post(format!("{}{path}", self.cluster.sim))
            .bearer_auth(SIM_SECRET_KEY)
            .form(form)
            .send()
            .await
            .map_or(0, |r| r.status().as_u16())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_money_is_kept_without_a_seat_under_faults_kills_and_late_payments() {
    let students_count = usize::try_from(setting("CHAOS_STUDENTS", 60)).unwrap_or(60);
    let seats = i64::try_from(setting("CHAOS_SEATS", 6)).unwrap_or(6);
    let spread = Duration::from_secs(setting("CHAOS_SPREAD_SECS", 6));
    // As the api suite: scripts/with-postgres.sh sets it, else the local server.
    let admin = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("aveli_chaos_{}", uuid::Uuid::now_v7().simple());
    let database_url = format!(
        "{}/{name}",
        admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b)
    );
    let dir = std::env::temp_dir().join(&name);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let started = Instant::now();

    let db = app::backend::Db::connect(&database_url)
        .await
        .expect("database");
    db.migrate().await.expect("migrations");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(64)
        .build()
        .expect("client");
    let cluster = Cluster::start(&database_url, &dir, &client).await;
    let slot_id = setup::arrange(&db, &cluster, &client, seats).await;
    let tokens = setup::students(&db, students_count).await;
    let run = Arc::new(Run {
        cluster: cluster.clone(),
        client: client.clone(),
        db: db.clone(),
        slot_id: slot_id.clone(),
        seen: Mutex::default(),
        holds: AtomicUsize::new(0),
        paid: AtomicUsize::new(0),
        late_paid: AtomicUsize::new(0),
    });

    let stop_faults = Arc::new(AtomicBool::new(false));
    let fault_task = {
        let (run, stop) = (run.clone(), stop_faults.clone());
        tokio::spawn(async move { faults::faults(&run, &stop).await })
    };
    // Give the faults a moment to be armed before the first student.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let load_started = Instant::now();
    let mut load = Vec::new();
    for (index, token) in tokens.into_iter().enumerate() {
        let run = run.clone();
        // Students arrive evenly over the spread, many at once.
        let at = spread.mul_f64(index as f64 / students_count.max(1) as f64);
        load.push(tokio::spawn(async move {
            tokio::time::sleep(at).await;
            run.student(index, token).await;
        }));
    }
    let killer = {
        let (cluster, client) = (cluster.clone(), client.clone());
        tokio::spawn(async move {
            for (index, at) in [(0, 0.3), (1, 0.7), (0, 1.4)] {
                tokio::time::sleep_until(tokio::time::Instant::from_std(
                    load_started + spread.mul_f64(at),
                ))
                .await;
                cluster.kill_and_restart(index, &client).await;
            }
        })
    };
    for task in load {
        task.await.expect("a student task");
    }
    killer.await.expect("the killer");
    stop_faults.store(true, Ordering::SeqCst);
    let stripe_faults = fault_task.await.expect("the faults");

    // Settle, then check; repairs that run late get until the deadline.
    let deadline = Instant::now() + SETTLE_WITHIN;
    let (figures, violations) = loop {
        let moving = invariants::in_flight(&db, &cluster, &client).await;
        if moving == 0 {
            // Let the reconciliation run once more on settled data.
            tokio::time::sleep(Duration::from_secs(4)).await;
            let (figures, violations) = invariants::check(&db, &cluster, &client, &slot_id).await;
            if violations.is_empty() || Instant::now() > deadline {
                break (figures, violations);
            }
        } else if Instant::now() > deadline {
            let (figures, mut violations) =
                invariants::check(&db, &cluster, &client, &slot_id).await;
            violations.push(format!(
                "still in flight after {} s: {moving}",
                SETTLE_WITHIN.as_secs()
            ));
            break (figures, violations);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let (statuses, server_errors) = {
        let seen = run.seen.lock().unwrap_or_else(|e| e.into_inner());
        (seen.statuses.clone(), seen.server_errors.clone())
    };
    let mut violations = violations;
    violations.extend(server_errors.iter().take(5).cloned());
    if server_errors.len() > 5 {
        violations.push(format!("… {} answers 5xx in all", server_errors.len()));
    }
    let summary = format!(
        "chaos: {students_count} students, {} seats, 2 instances, {} kills, in {:.0} s; \
         Stripe calls failed {}; holds granted {}, paid {}, paid late {}; seats_taken {} = holding {}; \
         succeeded {} = seated {} + refunded {}; receipts {}; events {} (deliveries duplicated {}, \
         failed {}); reconcile repaired {}; answers {:?}; violations {}",
        figures.seats_total,
        cluster.kills.load(Ordering::SeqCst),
        started.elapsed().as_secs_f64(),
        stripe_faults,
        run.holds.load(Ordering::SeqCst),
        run.paid.load(Ordering::SeqCst),
        run.late_paid.load(Ordering::SeqCst),
        figures.seats_taken,
        figures.holding,
        figures.succeeded,
        figures.seated,
        figures.refunded,
        figures.receipts,
        figures.events,
        figures.duplicated_deliveries,
        figures.failed_deliveries,
        figures.reconcile_repaired,
        statuses,
        violations.len(),
    );
    println!("{summary}");
    let errors = if violations.is_empty() {
        Vec::new()
    } else {
        cluster.error_lines()
    };
    cluster.stop();
    db.close().await;
    drop_database(&admin, &name).await;
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        violations.is_empty(),
        "{summary}\n{}\nlogged:\n{}",
        violations.join("\n"),
        errors
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

async fn drop_database(admin: &str, name: &str) {
    use sqlx::Connection;
    if let Ok(mut conn) = sqlx::PgConnection::connect(admin).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await;
    }
}
