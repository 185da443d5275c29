//! What a chaos run starts from: an onboarded teacher with a published
//! session and one slot, and students with session tokens (inserted
//! directly, since signing up 300 people would only test the rate limit).

use std::time::{Duration, Instant};

use chrono::DurationRound;
use serde_json::Value;

use app::backend::catalog::slots::SlotPatch;
use app::model::session::{SessionInput, Visibility};

use crate::cluster::{Cluster, SIM_SECRET_KEY};

const PRICE_CENTS: i64 = 15_000;

/// A user inserted with `name`, and a token that signs them in for a day.
async fn user_with_token(db: &app::backend::Db, role: &str, name: &str) -> (String, String) {
    let now = chrono::Utc::now().timestamp();
    let id = uuid::Uuid::now_v7().simple().to_string();
    sqlx::query(
        "INSERT INTO users (id, email, password_hash, display_name, created_at, updated_at) \
         VALUES ($1, $2, 'x', $3, $4, $4)",
    )
    .bind(&id)
    .bind(format!("{role}-{id}@aveli.test"))
    .bind(name)
    .bind(now)
    .execute(db.pool())
    .await
    .expect("user");
    let token = app::backend::accounts::auth_session::create(db, &id, 86_400, now)
        .await
        .expect("token");
    (id, token)
}

/// `count` students with tokens.
pub async fn students(db: &app::backend::Db, count: usize) -> Vec<String> {
    let mut tokens = Vec::with_capacity(count);
    for _ in 0..count {
        tokens.push(user_with_token(db, "student", "Elev").await.1);
    }
    tokens
}

/// The teacher (onboarded through the simulator), the session and its slot.
pub async fn arrange(
    run_db: &app::backend::Db,
    cluster: &Cluster,
    client: &reqwest::Client,
    seats: i64,
) -> String {
    let origin = &cluster.instances[0].origin;
    let (_, token) = user_with_token(run_db, "teacher", "Kaos Lärare").await;
    let post = |path: &str| client.post(format!("{origin}{path}")).bearer_auth(&token);
    let became = post("/api/v1/teachers")
        .send()
        .await
        .expect("become a teacher");
    assert!(
        became.status().is_success(),
        "become a teacher: {}",
        became.status()
    );
    let onboarding: Value = post("/api/v1/connect/onboarding")
        .send()
        .await
        .expect("onboarding")
        .json()
        .await
        .expect("onboarding json");
    let account = onboarding["url"]
        .as_str()
        .and_then(|u| u.split("/connect/onboarding/").nth(1))
        .and_then(|rest| rest.split('?').next())
        .expect("the Connect account in the onboarding URL")
        .to_owned();
    let onboarded = client
        .post(format!(
            "{}/v1/test_helpers/accounts/{account}/onboard",
            cluster.sim
        ))
        .bearer_auth(SIM_SECRET_KEY)
        .send()
        .await
        .expect("onboard");
    assert_eq!(onboarded.status(), 200, "onboarding at the simulator");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status: Value = client
            .get(format!("{origin}/api/v1/connect/status"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("payout status")
            .json()
            .await
            .expect("payout status json");
        if status["state"] == "active" {
            break;
        }
        assert!(Instant::now() < deadline, "payouts not active: {status}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let session: Value = post("/api/v1/studio/sessions")
        .json(&SessionInput {
            id: None,
            title: "Kaosyoga".into(),
            description: "Under påfrestning".into(),
            capacity: seats,
            price_cents: PRICE_CENTS,
            currency: "SEK".into(),
            visibility: Visibility::Published,
            recording_url: None,
            room_url: None,
        })
        .send()
        .await
        .expect("session")
        .json()
        .await
        .expect("session json");
    // Slots start on 15-minute boundaries.
    let start = (chrono::Utc::now() + chrono::Duration::hours(48))
        .duration_trunc(chrono::Duration::hours(1))
        .expect("an hour");
    let session_id = session["id"].as_str().expect("session id");
    let slot: Value = post(&format!("/api/v1/studio/sessions/{session_id}/slots"))
        .json(&SlotPatch {
            start_at: Some(start),
            end_at: Some(start + chrono::Duration::minutes(60)),
            seats_total: Some(seats),
            room_url: None,
        })
        .send()
        .await
        .expect("slot")
        .json()
        .await
        .expect("slot json");
    slot["id"]
        .as_str()
        .unwrap_or_else(|| panic!("slot: {slot}"))
        .to_owned()
}
