//! What must hold after a chaos run, read from the database and from the
//! simulator's own records (what Stripe would know): nothing oversold,
//! `seats_taken` equal to the holding orders, every succeeded payment either
//! holding a seat or refunded, one receipt per seat, every event applied and
//! none parked, and the reconciliation reporting nothing unresolved.

use std::collections::HashSet;

use serde_json::Value;
use sqlx::Row;

use crate::cluster::{Cluster, SIM_SECRET_KEY};

#[derive(Debug, Default)]
pub struct Figures {
    pub seats_total: i64,
    pub seats_taken: i64,
    pub holding: i64,
    pub succeeded: usize,
    pub seated: usize,
    pub refunded: usize,
    pub receipts: i64,
    pub events: usize,
    pub duplicated_deliveries: usize,
    pub failed_deliveries: usize,
    pub reconcile_repaired: f64,
}

/// What is still moving: webhooks queued at the simulator, events in the
/// inbox, refunds owed. Checks mean something only once all are 0.
pub async fn in_flight(db: &app::backend::Db, cluster: &Cluster, client: &reqwest::Client) -> i64 {
    let queued = sim_get(client, cluster, "/v1/test_helpers/webhooks/idle").await["queued"]
        .as_i64()
        .unwrap_or(1);
    let inbox = app::backend::webhooks::inbox::pending(db)
        .await
        .unwrap_or(1);
    let owed: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM orders WHERE {}",
        app::backend::booking::refunds::OWED
    ))
    .fetch_one(db.pool())
    .await
    .unwrap_or(1);
    queued + inbox + owed
}

pub async fn sim_get(client: &reqwest::Client, cluster: &Cluster, path: &str) -> Value {
    match client
        .get(format!("{}{path}", cluster.sim))
        .bearer_auth(SIM_SECRET_KEY)
        .send()
        .await
    {
        Ok(response) => response.json().await.unwrap_or(Value::Null),
        Err(_) => Value::Null,
    }
}

/// Every object of a simulator list, page by page.
async fn sim_list(client: &reqwest::Client, cluster: &Cluster, path: &str) -> Vec<Value> {
    let mut all: Vec<Value> = Vec::new();
    loop {
        let after = all
            .last()
            .and_then(|o| o["id"].as_str())
            .map(|id| format!("&starting_after={id}"))
            .unwrap_or_default();
        let page = sim_get(client, cluster, &format!("{path}?limit=100{after}")).await;
        let data = page["data"].as_array().cloned().unwrap_or_default();
        let more = page["has_more"].as_bool().unwrap_or(false);
        all.extend(data);
        if !more {
            return all;
        }
    }
}

/// The violations, with the figures they were measured on.
pub async fn check(
    db: &app::backend::Db,
    cluster: &Cluster,
    client: &reqwest::Client,
    slot_id: &str,
) -> (Figures, Vec<String>) {
    let mut figures = Figures::default();
    let mut violations = Vec::new();
    let pool = db.pool();

    let slot = sqlx::query("SELECT seats_taken, seats_total FROM session_slots WHERE id = $1")
        .bind(slot_id)
        .fetch_one(pool)
        .await
        .expect("the slot");
    figures.seats_taken = slot.try_get("seats_taken").expect("seats_taken");
    figures.seats_total = slot.try_get("seats_total").expect("seats_total");
    figures.holding =
        sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE slot_id = $1 AND hold_active = 1")
            .bind(slot_id)
            .fetch_one(pool)
            .await
            .expect("holding orders");
    if figures.holding > figures.seats_total || figures.seats_taken > figures.seats_total {
        violations.push(format!(
            "oversold: {} orders hold seats, seats_taken {}, of {} seats",
            figures.holding, figures.seats_taken, figures.seats_total
        ));
    }
    if figures.seats_taken != figures.holding {
        violations.push(format!(
            "seats_taken {} but {} orders hold a seat",
            figures.seats_taken, figures.holding
        ));
    }

    // Each order's payment as the simulator knows it.
    let orders = sqlx::query(
        "SELECT id, status, hold_active, stripe_payment_intent FROM orders \
         WHERE slot_id = $1 AND stripe_payment_intent IS NOT NULL",
    )
    .bind(slot_id)
    .fetch_all(pool)
    .await
    .expect("orders");
    let refunds = sim_list(client, cluster, "/v1/refunds").await;
    let refunded_intents: HashSet<&str> = refunds
        .iter()
        .filter(|r| r["status"] != "failed" && r["status"] != "canceled")
        .filter_map(|r| r["payment_intent"].as_str())
        .collect();
    for order in &orders {
        let id: String = order.try_get("id").expect("id");
        let status: String = order.try_get("status").expect("status");
        let holds: i64 = order.try_get("hold_active").expect("hold_active");
        let intent: String = order.try_get("stripe_payment_intent").expect("intent");
        let payment = sim_get(client, cluster, &format!("/v1/payment_intents/{intent}")).await;
        let succeeded = payment["status"] == "succeeded";
        let seated = status == "paid" && holds == 1;
        let refunded = refunded_intents.contains(intent.as_str());
        if succeeded {
            figures.succeeded += 1;
            match (seated, refunded) {
                (true, false) => figures.seated += 1,
                (false, true) => figures.refunded += 1,
                (true, true) => violations.push(format!(
                    "order {id}: holds a seat and its payment was refunded"
                )),
                (false, false) => violations.push(format!(
                    "order {id}: payment succeeded, neither a seat nor a refund (status {status})"
                )),
            }
        } else if seated {
            violations.push(format!(
                "order {id}: a paid seat without a succeeded payment ({})",
                payment["status"]
            ));
        }
    }

    // One receipt per seat, never two for one student.
    figures.receipts = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE kind = 'booking_receipt' AND dedupe_key IN \
         (SELECT 'receipt:' || id FROM orders WHERE slot_id = $1)",
    )
    .bind(slot_id)
    .fetch_one(pool)
    .await
    .expect("receipts");
    let twice: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT recipient FROM outbox WHERE kind = 'booking_receipt' \
         GROUP BY recipient HAVING COUNT(*) > 1) AS duplicated",
    )
    .fetch_one(pool)
    .await
    .expect("duplicate receipts");
    if twice > 0 {
        violations.push(format!("{twice} students got more than one receipt"));
    }
    let unreceipted: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM orders o WHERE o.slot_id = $1 AND o.status = 'paid' \
         AND o.hold_active = 1 AND NOT EXISTS \
         (SELECT 1 FROM outbox WHERE dedupe_key = 'receipt:' || o.id)",
    )
    .bind(slot_id)
    .fetch_one(pool)
    .await
    .expect("seats without a receipt");
    if unreceipted > 0 {
        violations.push(format!("{unreceipted} paid seats without a receipt"));
    }

    // Every event the simulator emitted was applied; none is parked.
    let events = sim_list(client, cluster, "/v1/events").await;
    figures.events = events.len();
    let applied: HashSet<String> =
        sqlx::query_scalar("SELECT id FROM stripe_events WHERE processed_at IS NOT NULL")
            .fetch_all(pool)
            .await
            .expect("applied events")
            .into_iter()
            .collect();
    let missing: Vec<String> = events
        .iter()
        .filter_map(|e| e["id"].as_str())
        .filter(|id| !applied.contains(*id))
        .map(str::to_owned)
        .collect();
    for id in missing.iter().take(3) {
        let stored = sqlx::query(
            "SELECT type, attempts, last_error, next_attempt_at FROM stripe_events WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await
        .expect("the inbox row");
        let found = match stored {
            None => "never stored (not delivered)".to_owned(),
            Some(row) => format!(
                "{}: {} attempts, next at {}, last error {:?}",
                row.try_get::<String, _>("type").unwrap_or_default(),
                row.try_get::<i64, _>("attempts").unwrap_or_default(),
                row.try_get::<i64, _>("next_attempt_at").unwrap_or_default(),
                row.try_get::<Option<String>, _>("last_error")
                    .unwrap_or_default(),
            ),
        };
        violations.push(format!("event {id} never applied: {found}"));
    }
    if missing.len() > 3 {
        violations.push(format!("{} events never applied in all", missing.len()));
    }
    let parked =
        sqlx::query("SELECT id, last_error FROM stripe_events WHERE parked_at IS NOT NULL")
            .fetch_all(pool)
            .await
            .expect("parked events");
    for row in parked.iter().take(3) {
        let id: String = row.try_get("id").unwrap_or_default();
        let error: Option<String> = row.try_get("last_error").unwrap_or_default();
        violations.push(format!("event {id} parked: {error:?}"));
    }
    let deliveries = sim_get(client, cluster, "/v1/test_helpers/webhooks/deliveries").await;
    let deliveries = deliveries["data"].as_array().cloned().unwrap_or_default();
    let mut seen = HashSet::new();
    for delivery in &deliveries {
        let ok = delivery["status"]
            .as_u64()
            .is_some_and(|s| (200..300).contains(&s));
        if !ok {
            figures.failed_deliveries += 1;
        } else if !seen.insert(delivery["event_id"].as_str().unwrap_or_default().to_owned()) {
            figures.duplicated_deliveries += 1;
        }
    }

    // The reconciliation of every instance found nothing it could not repair.
    for instance in &cluster.instances {
        let text = match client
            .get(format!("{}/metrics", instance.origin))
            .send()
            .await
        {
            Ok(response) => response.text().await.unwrap_or_default(),
            Err(err) => {
                violations.push(format!("{}: no metrics: {err}", instance.origin));
                continue;
            }
        };
        match metric(&text, "reconcile_unresolved") {
            Some(0.0) => {}
            Some(n) => violations.push(format!("{}: reconcile_unresolved {n}", instance.origin)),
            None => violations.push(format!(
                "{}: the reconciliation has not run",
                instance.origin
            )),
        }
        figures.reconcile_repaired += metric(&text, "reconcile_repaired_total").unwrap_or(0.0);
    }
    (figures, violations)
}

/// A metric's value in the Prometheus text format.
fn metric(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let (key, value) = line.rsplit_once(' ')?;
            (key == name || key.starts_with(&format!("{name}{{")))
                .then(|| value.parse().ok())
                .flatten()
        })
}
