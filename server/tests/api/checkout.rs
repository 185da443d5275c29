//! Book and pay, through HTTP against the simulator, on both databases: the
//! money rules of DESIGN §5 — never money without a seat, never a seat sold
//! twice, refunds exactly once.

use std::time::Duration;

use chrono::{DurationRound, Utc};
use serde_json::{json, Value};

use crate::helpers::{
    checkout, confirm, intent_of, json, pay, slot_for_sale, spawn_app,
    spawn_app_sharing_a_simulator, Backend, TestApp, PASSWORD,
};
use crate::on_both_databases;

on_both_databases!(
    book_and_pay_with_a_card_makes_a_booking_and_one_receipt,
    a_decline_keeps_the_hold_and_a_retry_succeeds,
    asking_again_returns_the_same_order_and_seat,
    concurrent_checkouts_never_oversell,
    stripe_failing_at_checkout_releases_the_seat,
    a_late_payment_retakes_a_free_seat_or_is_refunded,
    students_cancel_inside_the_window_only,
    a_teacher_cancelling_a_slot_refunds_everyone_once,
    orders_are_private_and_free_sessions_book_at_once,
    duplicated_and_reordered_webhooks_end_in_the_same_state,
    three_d_secure_and_redirect_methods_pay_like_the_browser_does,
    the_sweep_releases_a_hold_once_the_clock_passes_its_expiry,
    a_late_payment_while_holding_another_seat_on_the_slot_is_refunded,
    reconciliation_cancels_a_lapsed_payment_and_refunds_a_lost_one,
    two_instances_share_one_simulator_and_one_database,
);

async fn order(app: &TestApp, student: &reqwest::Client, id: &str) -> Value {
    app.get_json(student, &format!("/api/v1/orders/{id}")).await
}

async fn wait_for_status(
    app: &TestApp,
    student: &reqwest::Client,
    id: &str,
    status: &str,
) -> Value {
    app.eventually(|| async { order(app, student, id).await["status"] == status })
        .await;
    order(app, student, id).await
}

async fn seats_taken(app: &TestApp, slot_id: &str) -> i64 {
    sqlx::query_scalar("SELECT seats_taken FROM session_slots WHERE id = $1")
        .bind(slot_id)
        .fetch_one(app.db.pool())
        .await
        .expect("slot")
}

async fn outbox_count(app: &TestApp, dedupe_key: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE dedupe_key = $1")
        .bind(dedupe_key)
        .fetch_one(app.db.pool())
        .await
        .expect("count")
}

async fn wait_webhooks_idle(app: &TestApp) {
    app.webhooks_idle_within(10).await;
}

async fn wait_webhooks_idle_within(app: &TestApp, secs: u64) {
    app.webhooks_idle_within(secs).await;
}

async fn book_and_pay_with_a_card_makes_a_booking_and_one_receipt(backend: Backend) {
    let app = spawn_app(backend).await;
    let slot = slot_for_sale(&app, 15_000, 10, 48).await;
    let student = app.new_user().await;
    let started = checkout(&app, &student, &slot).await;
    assert_eq!(started.status(), 200);
    let started = json(started).await;
    assert_eq!(started["status"], "pending");
    assert_eq!(started["amount_cents"], 15_000);
    assert_eq!(started["currency"], "SEK");
    assert!(started["hold_expires_at"].is_string());
    assert_eq!(seats_taken(&app, &slot).await, 1, "the seat is held");
    let id = started["order_id"].as_str().expect("order id").to_owned();

    assert_eq!(pay(&app, &started, "pm_card_visa").await, 200);
    let paid = wait_for_status(&app, &student, &id, "paid").await;
    assert_eq!(paid["payment_method"], "card");
    wait_webhooks_idle(&app).await;
    assert_eq!(seats_taken(&app, &slot).await, 1);
    assert_eq!(outbox_count(&app, &format!("receipt:{id}")).await, 1);
    let (fee, charge, transfer): (i64, Option<String>, Option<String>) = {
        use sqlx::Row;
        let row = sqlx::query("SELECT application_fee_cents, stripe_charge_id, stripe_transfer_id FROM orders WHERE id = $1")
            .bind(&id)
            .fetch_one(app.db.pool())
            .await
            .expect("order");
        (row.get(0), row.get(1), row.get(2))
    };
    assert_eq!(
        fee, 3_000,
        "80 % to the teacher, the rest is the platform's"
    );
    assert!(charge.is_some_and(|c| c.starts_with("ch_")));
    assert!(transfer.is_some_and(|t| t.starts_with("tr_")));
    let bookings = app.get_json(&student, "/api/v1/bookings").await;
    assert_eq!(bookings.as_array().map(Vec::len), Some(1));
    assert_eq!(bookings[0]["can_cancel"], true);
}

async fn a_decline_keeps_the_hold_and_a_retry_succeeds(backend: Backend) {
    let app = spawn_app(backend).await;
    let slot = slot_for_sale(&app, 15_000, 10, 48).await;
    let student = app.new_user().await;
    let started = json(checkout(&app, &student, &slot).await).await;
    let id = started["order_id"].as_str().expect("id").to_owned();
    assert_eq!(pay(&app, &started, "pm_card_chargeDeclined").await, 402);
    let failed = wait_for_status(&app, &student, &id, "failed").await;
    assert_eq!(failed["failure_reason"], "Your card was declined.");
    assert_eq!(
        seats_taken(&app, &slot).await,
        1,
        "the hold stays for a retry"
    );
    assert_eq!(pay(&app, &started, "pm_card_visa").await, 200);
    let paid = wait_for_status(&app, &student, &id, "paid").await;
    assert_eq!(paid["failure_reason"], Value::Null);
}

async fn asking_again_returns_the_same_order_and_seat(backend: Backend) {
    let app = spawn_app(backend).await;
    let slot = slot_for_sale(&app, 15_000, 10, 48).await;
    let student = app.new_user().await;
    let first = json(checkout(&app, &student, &slot).await).await;
    let second = json(checkout(&app, &student, &slot).await).await;
    assert_eq!(first["order_id"], second["order_id"]);
    assert_eq!(first["client_secret"], second["client_secret"]);
    assert_eq!(seats_taken(&app, &slot).await, 1);
    // Without a session: 401; an unknown slot: 404.
    let anonymous = app.bare_client();
    assert_eq!(checkout(&app, &anonymous, &slot).await.status(), 401);
    assert_eq!(checkout(&app, &student, "no-such-slot").await.status(), 404);
}

async fn concurrent_checkouts_never_oversell(backend: Backend) {
    let app = spawn_app(backend).await;
    let slot = slot_for_sale(&app, 15_000, 10, 48).await;
    // 200 students, signed in by token (argon2 for each would only slow the test).
    let mut tokens = Vec::new();
    for i in 0..200 {
        let id = uuid::Uuid::now_v7().to_string();
        sqlx::query("INSERT INTO users (id, email, password_hash, display_name, created_at, updated_at) VALUES ($1, $2, 'x', 'Elev', 0, 0)")
            .bind(&id)
            .bind(format!("crowd-{i}-{id}@example.test"))
            .execute(app.db.pool())
            .await
            .expect("user");
        tokens.push(
            app::backend::accounts::auth_session::create(
                &app.db,
                &id,
                3_600,
                app.state.clock.now(),
            )
            .await
            .expect("token"),
        );
    }
    let client = app.bare_client();
    let attempts = tokens.iter().map(|token| {
        let request = client
            .post(app.url("/api/v1/checkout/session"))
            .bearer_auth(token)
            .json(&json!({ "slot_id": slot }));
        async move { request.send().await.expect("request").status().as_u16() }
    });
    let statuses = futures_join_all(attempts).await;
    let ok = statuses.iter().filter(|s| **s == 200).count();
    let full = statuses.iter().filter(|s| **s == 409).count();
    assert_eq!((ok, full), (10, 190), "{statuses:?}");
    assert_eq!(seats_taken(&app, &slot).await, 10);
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM orders WHERE slot_id = $1 AND status = 'pending' AND hold_active = 1",
    )
    .bind(&slot)
    .fetch_one(app.db.pool())
    .await
    .expect("count");
    assert_eq!(pending, 10);
}

/// Runs the futures concurrently on this task.
async fn futures_join_all<F: std::future::Future<Output = u16>>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<u16> {
    let handles: Vec<_> = futures.into_iter().collect();
    let mut pinned: Vec<_> = handles.into_iter().map(Box::pin).collect();
    let mut results = vec![0; pinned.len()];
    let mut done = vec![false; pinned.len()];
    std::future::poll_fn(|cx| {
        let mut all = true;
        for (i, future) in pinned.iter_mut().enumerate() {
            if done[i] {
                continue;
            }
            match future.as_mut().poll(cx) {
                std::task::Poll::Ready(value) => {
                    results[i] = value;
                    done[i] = true;
                }
                std::task::Poll::Pending => all = false,
            }
        }
        if all {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    results
}

async fn stripe_failing_at_checkout_releases_the_seat(backend: Backend) {
    let app = spawn_app(backend).await;
    let slot = slot_for_sale(&app, 15_000, 10, 48).await;
    let student = app.new_user().await;
    app.stripe_fault("500", "3", "/v1/payment_intents", None)
        .await;
    let refused = checkout(&app, &student, &slot).await;
    assert_eq!(refused.status(), 503);
    let body = json(refused).await;
    assert_eq!(body["error"]["code"], "unavailable");
    assert_eq!(seats_taken(&app, &slot).await, 0, "the seat went back");
    let cancelled: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE slot_id = $1 AND status = 'cancelled' AND hold_active = 0")
        .bind(&slot)
        .fetch_one(app.db.pool())
        .await
        .expect("count");
    assert_eq!(cancelled, 1);
    // Stripe is back: the student books normally.
    assert_eq!(checkout(&app, &student, &slot).await.status(), 200);
    assert_eq!(seats_taken(&app, &slot).await, 1);
}

/// Lets the hold lapse now and runs the expiry sweep.
async fn expire_hold(app: &TestApp, order_id: &str) {
    sqlx::query("UPDATE orders SET hold_expires_at = 1 WHERE id = $1")
        .bind(order_id)
        .execute(app.db.pool())
        .await
        .expect("arrange");
    let released = app::backend::booking::holds::expire_lapsed(&app.state)
        .await
        .expect("sweep");
    assert_eq!(released, 1);
}

/// Starts a checkout and pays it while its webhooks are delayed, then lets
/// the hold lapse: the payment arrives after the seat went back. Returns the
/// order id.
async fn pay_after_the_hold_lapses(app: &TestApp, student: &reqwest::Client, slot: &str) -> String {
    let started = json(checkout(app, student, slot).await).await;
    let id = started["order_id"].as_str().expect("id").to_owned();
    wait_webhooks_idle(app).await;
    app.webhook_fault("delay", "3", Some("1500")).await;
    assert_eq!(pay(app, &started, "pm_card_visa").await, 200);
    expire_hold(app, &id).await;
    id
}

async fn a_late_payment_retakes_a_free_seat_or_is_refunded(backend: Backend) {
    let app = spawn_app(backend).await;
    let slot = slot_for_sale(&app, 15_000, 1, 48).await;
    let late = app.new_user().await;

    // A free seat: the late payment gets it back.
    let id = pay_after_the_hold_lapses(&app, &late, &slot).await;
    assert_eq!(seats_taken(&app, &slot).await, 0);
    wait_for_status(&app, &late, &id, "paid").await;
    assert_eq!(
        seats_taken(&app, &slot).await,
        1,
        "the seat was taken again"
    );
    wait_webhooks_idle(&app).await;

    // A full slot: the late payment is refunded automatically, once.
    let slot = slot_for_sale(&app, 15_000, 1, 48).await;
    let id = pay_after_the_hold_lapses(&app, &late, &slot).await;
    let other = app.new_user().await;
    let taken = json(checkout(&app, &other, &slot).await).await;
    assert_eq!(pay(&app, &taken, "pm_card_visa").await, 200);
    let refunded = wait_for_status(&app, &late, &id, "refunded").await;
    assert_eq!(refunded["refunded_cents"], 15_000);
    wait_webhooks_idle(&app).await;
    assert_eq!(
        seats_taken(&app, &slot).await,
        1,
        "the other student's seat only"
    );
    assert_eq!(outbox_count(&app, &format!("refund:{id}")).await, 1);
    assert_eq!(
        outbox_count(&app, &format!("receipt:{id}")).await,
        0,
        "no receipt for a seat never had"
    );
}

async fn students_cancel_inside_the_window_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let far = slot_for_sale(&app, 15_000, 10, 72).await;
    let soon = slot_for_sale(&app, 15_000, 10, 2).await;
    let student = app.new_user().await;
    let mut ids = Vec::new();
    for slot in [&far, &soon] {
        let started = json(checkout(&app, &student, slot).await).await;
        confirm(&app, &intent_of(&started), "pm_card_visa").await;
        let id = started["order_id"].as_str().expect("id").to_owned();
        wait_for_status(&app, &student, &id, "paid").await;
        ids.push(id);
    }
    let cancel = |id: String| {
        let student = student.clone();
        let url = app.url(&format!("/api/v1/bookings/{id}/cancel"));
        async move { student.post(url).send().await.expect("request") }
    };
    let done = cancel(ids[0].clone()).await;
    assert_eq!(done.status(), 200);
    let done = json(done).await;
    assert_eq!(done["status"], "refunded");
    assert_eq!(done["refunded_cents"], 15_000);
    assert_eq!(seats_taken(&app, &far).await, 0);
    assert_eq!(
        cancel(ids[0].clone()).await.status(),
        200,
        "a double click refunds once"
    );
    assert_eq!(outbox_count(&app, &format!("refund:{}", ids[0])).await, 1);

    let late = cancel(ids[1].clone()).await;
    assert_eq!(late.status(), 409, "inside 24 h of the start");
    assert_eq!(seats_taken(&app, &soon).await, 1);
    let stranger = app.new_user().await;
    let theirs = app
        .post(&stranger, &format!("/api/v1/bookings/{}/cancel", ids[1]))
        .await;
    assert_eq!(theirs.status(), 404);
}

async fn a_teacher_cancelling_a_slot_refunds_everyone_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let teacher = app.new_teacher().await;
    let session = json(
        teacher
            .post(app.url("/api/v1/studio/sessions"))
            .json(
                &json!({"title": "Andning", "description": "", "capacity": 5, "price_cents": 20_000,
                "currency": "SEK", "visibility": "published", "recording_url": null}),
            )
            .send()
            .await
            .expect("request"),
    )
    .await;
    let start = (Utc::now() + chrono::Duration::days(3))
        .duration_trunc(chrono::Duration::hours(1))
        .expect("trunc");
    let slot = json(
        teacher
            .post(app.url(&format!(
                "/api/v1/studio/sessions/{}/slots",
                session["id"].as_str().expect("id")
            )))
            .json(&json!({ "start_at": start, "end_at": start + chrono::Duration::minutes(45) }))
            .send()
            .await
            .expect("request"),
    )
    .await["id"]
        .as_str()
        .expect("slot")
        .to_owned();
    let mut paid = Vec::new();
    for _ in 0..2 {
        let student = app.new_user().await;
        let started = json(checkout(&app, &student, &slot).await).await;
        confirm(&app, &intent_of(&started), "pm_card_visa").await;
        let id = started["order_id"].as_str().expect("id").to_owned();
        wait_for_status(&app, &student, &id, "paid").await;
        paid.push((student, id));
    }
    let pending_student = app.new_user().await;
    let pending = json(checkout(&app, &pending_student, &slot).await).await;

    let cancel = || async {
        app.post(&teacher, &format!("/api/v1/studio/slots/{slot}/cancel"))
            .await
    };
    let first = cancel().await;
    assert_eq!(first.status(), 200);
    assert_eq!(json(first).await["refunded"], 2);
    assert_eq!(
        json(cancel().await).await["refunded"],
        0,
        "nobody is refunded twice"
    );
    for (student, id) in &paid {
        let refunded = order(&app, student, id).await;
        assert_eq!(refunded["status"], "refunded");
        assert_eq!(outbox_count(&app, &format!("refund:{id}")).await, 1);
    }
    let stopped = order(
        &app,
        &pending_student,
        pending["order_id"].as_str().expect("id"),
    )
    .await;
    assert_eq!(stopped["status"], "cancelled");
    assert_eq!(seats_taken(&app, &slot).await, 0);
    let other_teacher = app.new_teacher().await;
    let refused = app
        .post(
            &other_teacher,
            &format!("/api/v1/studio/slots/{slot}/cancel"),
        )
        .await;
    assert_eq!(refused.status(), 403);
}

async fn orders_are_private_and_free_sessions_book_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let free = slot_for_sale(&app, 0, 10, 48).await;
    let student = app.new_user().await;
    let booked = json(checkout(&app, &student, &free).await).await;
    assert_eq!(booked["status"], "paid");
    assert_eq!(booked["client_secret"], Value::Null);
    let id = booked["order_id"].as_str().expect("id");
    assert_eq!(order(&app, &student, id).await["status"], "paid");
    assert_eq!(outbox_count(&app, &format!("receipt:{id}")).await, 1);
    let ics = app
        .get(&student, &format!("/api/v1/bookings/{id}/ics"))
        .await;
    assert_eq!(ics.status(), 200);
    let ics = ics.text().await.expect("text");
    assert!(
        ics.contains("BEGIN:VEVENT") && ics.matches("ATTENDEE").count() == 1,
        "{ics}"
    );

    let stranger = app.new_user().await;
    let peek = app.get(&stranger, &format!("/api/v1/orders/{id}")).await;
    assert_eq!(peek.status(), 404);
    let peek = app
        .get(&stranger, &format!("/api/v1/bookings/{id}/ics"))
        .await;
    assert_eq!(peek.status(), 404);
    let _ = PASSWORD;
}

async fn duplicated_and_reordered_webhooks_end_in_the_same_state(backend: Backend) {
    let app = spawn_app(backend).await;
    let slot = slot_for_sale(&app, 15_000, 10, 48).await;
    let mut finals = Vec::new();
    for mode in ["none", "duplicate", "reorder"] {
        let student = app.new_user().await;
        let started = json(checkout(&app, &student, &slot).await).await;
        let id = started["order_id"].as_str().expect("id").to_owned();
        wait_webhooks_idle(&app).await;
        if mode != "none" {
            // A decline and then a success: 2 + 3 events, duplicated or delivered in reverse.
            app.webhook_fault(mode, "5", None).await;
        }
        assert_eq!(pay(&app, &started, "pm_card_chargeDeclined").await, 402);
        assert_eq!(pay(&app, &started, "pm_card_visa").await, 200);
        wait_for_status(&app, &student, &id, "paid").await;
        wait_webhooks_idle(&app).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let final_state = order(&app, &student, &id).await;
        finals.push((
            final_state["status"].clone(),
            final_state["failure_reason"].clone(),
            outbox_count(&app, &format!("receipt:{id}")).await,
        ));
    }
    assert_eq!(seats_taken(&app, &slot).await, 3);
    for (mode, state) in ["duplicate", "reorder"].iter().zip(&finals[1..]) {
        assert_eq!(state, &finals[0], "{mode} ends like a clean run");
    }
}

/// Confirms the way Stripe.js does: with the publishable key and the client secret.
async fn browser_confirm(app: &TestApp, started: &Value, fields: &[(&str, &str)]) -> Value {
    let secret = started["client_secret"].as_str().expect("secret");
    let mut form = vec![
        ("key", "pk_test_aveli_simulated"),
        ("client_secret", secret),
    ];
    form.extend_from_slice(fields);
    let response = app
        .bare_client()
        .post(app.sim_url(&format!(
            "/v1/payment_intents/{}/confirm",
            intent_of(started)
        )))
        .form(&form)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    json(response).await
}

async fn three_d_secure_and_redirect_methods_pay_like_the_browser_does(backend: Backend) {
    let app = spawn_app(backend).await;
    let slot = slot_for_sale(&app, 15_000, 10, 48).await;

    // 3-D Secure: the card asks for authentication, the student completes it.
    let student = app.new_user().await;
    let started = json(checkout(&app, &student, &slot).await).await;
    let id = started["order_id"].as_str().expect("id").to_owned();
    let intent = browser_confirm(
        &app,
        &started,
        &[
            ("payment_method_data[type]", "card"),
            ("payment_method_data[card][number]", "4000002760003184"),
            ("payment_method_data[card][exp_month]", "12"),
            ("payment_method_data[card][exp_year]", "2034"),
            ("payment_method_data[card][cvc]", "123"),
        ],
    )
    .await;
    assert_eq!(intent["status"], "requires_action");
    assert_eq!(
        order(&app, &student, &id).await["status"],
        "pending",
        "not paid before authentication"
    );
    let secret = started["client_secret"].as_str().expect("secret");
    let authenticated = app
        .bare_client()
        .post(app.sim_url(&format!(
            "/v1/payment_intents/{}/authenticate",
            intent_of(&started)
        )))
        .form(&[
            ("key", "pk_test_aveli_simulated"),
            ("client_secret", secret),
            ("outcome", "complete"),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(authenticated.status(), 200);
    wait_for_status(&app, &student, &id, "paid").await;

    // PayPal and Klarna: a redirect to the provider and back to our receipt page.
    for method in ["paypal", "klarna"] {
        let student = app.new_user().await;
        let started = json(checkout(&app, &student, &slot).await).await;
        let id = started["order_id"].as_str().expect("id").to_owned();
        let return_url = app.url(&format!("/orders/{id}"));
        let intent = browser_confirm(
            &app,
            &started,
            &[
                ("payment_method_data[type]", method),
                ("return_url", return_url.as_str()),
            ],
        )
        .await;
        assert_eq!(intent["status"], "requires_action");
        let redirect = intent["next_action"]["redirect_to_url"]["url"]
            .as_str()
            .expect("redirect url");
        let page = app
            .bare_client()
            .get(redirect)
            .send()
            .await
            .expect("request");
        assert_eq!(page.status(), 200, "{method}: the provider's page");
        let secret = started["client_secret"].as_str().expect("secret");
        let back = app
            .bare_client()
            .post(app.sim_url(&format!("/redirect/{}", intent_of(&started))))
            .form(&[("client_secret", secret), ("outcome", "approve")])
            .send()
            .await
            .expect("request");
        assert_eq!(back.status(), 303);
        let location = back.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned();
        assert!(location.starts_with(&return_url), "{location}");
        assert!(location.contains("redirect_status=succeeded"), "{location}");
        let paid = wait_for_status(&app, &student, &id, "paid").await;
        assert_eq!(paid["payment_method"], method);
    }
}

/// The hold's expiry is read from the one clock: moving it (no sleep) past
/// `SEAT_HOLD_MINUTES` lets the sweep free the seat, and not a second earlier.
async fn the_sweep_releases_a_hold_once_the_clock_passes_its_expiry(backend: Backend) {
    let app = spawn_app(backend).await;
    let slot = slot_for_sale(&app, 15_000, 1, 48).await;
    let student = app.new_user().await;
    let started = json(checkout(&app, &student, &slot).await).await;
    let id = started["order_id"].as_str().expect("id").to_owned();
    assert_eq!(seats_taken(&app, &slot).await, 1);
    // The checkout's webhooks first: this test is about the clock alone.
    wait_webhooks_idle(&app).await;
    let sweep = || async {
        app::backend::booking::holds::expire_lapsed(&app.state)
            .await
            .expect("sweep")
    };

    app.advance_clock(app.state.settings.hold_secs - 30);
    assert_eq!(sweep().await, 0, "the hold has not lapsed yet");
    assert_eq!(seats_taken(&app, &slot).await, 1);

    app.advance_clock(60);
    assert_eq!(sweep().await, 1, "the lapsed hold is released");
    assert_eq!(seats_taken(&app, &slot).await, 0);
    let status: String = sqlx::query_scalar("SELECT status FROM orders WHERE id = $1")
        .bind(&id)
        .fetch_one(app.db.pool())
        .await
        .expect("order");
    assert_eq!(status, "expired");
    assert_eq!(sweep().await, 0, "released once");
}

/// Makes the next cancels of `intent` fail at Stripe, as a transient outage
/// would when the expiry worker tries them.
async fn fail_cancels_of(app: &TestApp, intent: &str) {
    let path = format!("/v1/payment_intents/{intent}/cancel");
    app.stripe_fault("500", "20", &path, None).await;
}

async fn clear_faults(app: &TestApp) {
    let cleared = app.sim_delete("/v1/test_helpers/faults").await;
    assert_eq!(cleared.status(), 200);
}

/// Every webhook answer the simulator recorded, as (type, status).
async fn webhook_answers(app: &TestApp) -> Vec<(String, Option<u64>)> {
    let deliveries = app.sim_get("/v1/test_helpers/webhooks/deliveries").await;
    deliveries["data"]
        .as_array()
        .expect("a list of deliveries")
        .iter()
        .map(|d| {
            (
                d["type"].as_str().unwrap_or_default().to_owned(),
                d["status"].as_u64(),
            )
        })
        .collect()
}

async fn order_row(app: &TestApp, id: &str) -> (String, i64) {
    let row: (String, i64) = sqlx::query_as("SELECT status, hold_active FROM orders WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("order");
    row
}

/// Issue 12's first defect, as it happened: the first hold lapses while
/// Stripe refuses its cancel, the student checks out the same slot again,
/// and both payments succeed — the first one late. The late one must be
/// refunded (the student keeps exactly one seat), and no webhook may fail.
async fn a_late_payment_while_holding_another_seat_on_the_slot_is_refunded(backend: Backend) {
    let app = spawn_app(backend).await;
    let slot = slot_for_sale(&app, 15_000, 5, 48).await;
    let student = app.new_user().await;

    let first = json(checkout(&app, &student, &slot).await).await;
    let first_id = first["order_id"].as_str().expect("id").to_owned();
    wait_webhooks_idle(&app).await;
    fail_cancels_of(&app, &intent_of(&first)).await;
    expire_hold(&app, &first_id).await;
    clear_faults(&app).await;
    assert_eq!(seats_taken(&app, &slot).await, 0);

    let second = json(checkout(&app, &student, &slot).await).await;
    let second_id = second["order_id"].as_str().expect("id").to_owned();
    assert_ne!(second_id, first_id, "a new order after the lapsed one");
    assert_eq!(pay(&app, &second, "pm_card_visa").await, 200);
    wait_for_status(&app, &student, &second_id, "paid").await;
    // The first PaymentIntent was never cancelled: it can still be paid.
    assert_eq!(pay(&app, &first, "pm_card_visa").await, 200);

    let refunded = wait_for_status(&app, &student, &first_id, "refunded").await;
    assert_eq!(refunded["refunded_cents"], 15_000);
    wait_webhooks_idle(&app).await;
    assert_eq!(order_row(&app, &second_id).await, ("paid".to_owned(), 1));
    assert_eq!(order_row(&app, &first_id).await, ("refunded".to_owned(), 0));
    assert_eq!(
        seats_taken(&app, &slot).await,
        1,
        "one seat, the second order's"
    );
    let failed: Vec<_> = webhook_answers(&app)
        .await
        .into_iter()
        .filter(|(_, status)| status.is_none_or(|s| s >= 300))
        .collect();
    assert!(
        failed.is_empty(),
        "every webhook was answered 2xx: {failed:?}"
    );
    assert_eq!(outbox_count(&app, &format!("refund:{first_id}")).await, 1);
    assert_eq!(outbox_count(&app, &format!("receipt:{first_id}")).await, 0);
    assert_eq!(outbox_count(&app, &format!("receipt:{second_id}")).await, 1);
}

/// The reconciliation finds what the webhooks never told: a lapsed hold
/// whose PaymentIntent could still be paid is cancelled, and a payment whose
/// webhooks were all lost is applied and refunded. A second run finds
/// nothing.
async fn reconciliation_cancels_a_lapsed_payment_and_refunds_a_lost_one(backend: Backend) {
    use app::backend::booking::reconcile;
    let app = spawn_app(backend).await;
    let slot = slot_for_sale(&app, 15_000, 5, 48).await;
    let student = app.new_user().await;
    let idle = app.new_user().await;

    // Two lapsed holds whose cancels fail: one student then books again and
    // pays the old one too (its webhooks lost), the other walks away.
    let lost = json(checkout(&app, &student, &slot).await).await;
    let lost_id = lost["order_id"].as_str().expect("id").to_owned();
    let open = json(checkout(&app, &idle, &slot).await).await;
    let open_id = open["order_id"].as_str().expect("id").to_owned();
    wait_webhooks_idle(&app).await;
    fail_cancels_of(&app, &intent_of(&lost)).await;
    fail_cancels_of(&app, &intent_of(&open)).await;
    sqlx::query("UPDATE orders SET hold_expires_at = 1 WHERE id IN ($1, $2)")
        .bind(&lost_id)
        .bind(&open_id)
        .execute(app.db.pool())
        .await
        .expect("arrange");
    let released = app::backend::booking::holds::expire_lapsed(&app.state)
        .await
        .expect("sweep");
    assert_eq!(released, 2);
    clear_faults(&app).await;

    let again = json(checkout(&app, &student, &slot).await).await;
    let again_id = again["order_id"].as_str().expect("id").to_owned();
    confirm(&app, &intent_of(&again), "pm_card_visa").await;
    wait_for_status(&app, &student, &again_id, "paid").await;
    wait_webhooks_idle(&app).await;
    // Every attempt of the late payment's two webhooks fails (5 each).
    app.webhook_fault("fail", "10", None).await;
    assert_eq!(pay(&app, &lost, "pm_card_visa").await, 200);
    wait_webhooks_idle_within(&app, 30).await;
    assert_eq!(
        order_row(&app, &lost_id).await.0,
        "expired",
        "the webhooks were lost: the app does not know about the money"
    );

    // Too early: the reconciliation leaves young orders to their webhooks.
    let early = reconcile::run(&app.state).await.expect("reconcile");
    assert_eq!(early, reconcile::Report::default());

    app.advance_clock(reconcile::GRACE_SECS + 60);
    let report = reconcile::run(&app.state).await.expect("reconcile");
    assert_eq!(report.repaired, 2, "one refund, one cancel: {report:?}");
    assert_eq!(report.unresolved, 0);
    assert_eq!(order_row(&app, &lost_id).await, ("refunded".to_owned(), 0));
    let refunded = order(&app, &student, &lost_id).await;
    assert_eq!(refunded["refunded_cents"], 15_000);
    assert_eq!(outbox_count(&app, &format!("refund:{lost_id}")).await, 1);
    // The walked-away hold can no longer be paid.
    let paid_late = confirm(&app, &intent_of(&open), "pm_card_visa").await;
    assert_eq!(paid_late.status(), 400, "its PaymentIntent was cancelled");
    assert_eq!(order_row(&app, &open_id).await.0, "expired");
    assert_eq!(seats_taken(&app, &slot).await, 1);

    let again = reconcile::run(&app.state).await.expect("reconcile");
    assert_eq!(
        again,
        reconcile::Report::default(),
        "nothing left to repair"
    );
}

/// Two app instances on one database and one simulator process (as
/// `server stripe-sim` serves it): the teacher onboards on one, the student
/// books on the other, the webhooks reach the first, and both see the seat
/// paid and the one receipt. The two inbox workers share the events.
async fn two_instances_share_one_simulator_and_one_database(backend: Backend) {
    let first = spawn_app_sharing_a_simulator(backend).await;
    let second = first.second_instance().await;
    assert_eq!(first.sim_base, second.sim_base);
    assert_ne!(first.address, second.address);
    let slot = slot_for_sale(&first, 15_000, 2, 48).await;

    let student = second.new_user().await;
    let started = json(checkout(&second, &student, &slot).await).await;
    let id = started["order_id"].as_str().expect("id").to_owned();
    assert_eq!(pay(&second, &started, "pm_card_visa").await, 200);
    wait_for_status(&second, &student, &id, "paid").await;
    wait_webhooks_idle(&second).await;
    assert_eq!(seats_taken(&first, &slot).await, 1);
    assert_eq!(outbox_count(&first, &format!("receipt:{id}")).await, 1);
    let applied_twice: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM stripe_events WHERE processed_at IS NULL OR attempts > 1",
    )
    .fetch_one(first.db.pool())
    .await
    .expect("count");
    assert_eq!(
        applied_twice, 0,
        "every event applied once, by either instance"
    );
}
