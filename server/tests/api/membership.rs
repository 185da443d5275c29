//! Membership on Stripe Billing through HTTP against the simulator, on both
//! databases: paying the first invoice, declines, one subscription per user,
//! cancel and resume, and subscription events that never move it backwards.

use serde_json::{json, Value};
use stripe_webhook::Webhook;

use crate::helpers::{json, spawn_app, spawn_app_with, Backend, TestApp, WEBHOOK_SECRET};
use crate::on_both_databases;

on_both_databases!(
    paying_the_first_invoice_makes_a_member_and_a_second_attempt_returns_it,
    a_declined_first_payment_stays_incomplete_until_a_retry_pays,
    cancel_at_period_end_keeps_access_and_resume_takes_it_back,
    stale_and_duplicated_subscription_events_never_move_it_backwards,
    an_event_that_outruns_the_stored_subscription_id_is_retried,
    the_recordings_access_matrix,
    renewals_extend_fail_recover_and_end_at_the_period_end,
    a_three_d_secure_card_pays_the_first_invoice_after_authentication,
    a_trial_saves_the_card_then_the_first_charge_makes_it_active,
    a_paid_invoice_applied_after_a_newer_subscription_event_still_pays,
);

async fn start(app: &TestApp, student: &reqwest::Client) -> Value {
    let response = app.post(student, "/api/v1/checkout/subscription").await;
    assert_eq!(response.status(), 200);
    json(response).await
}

async fn membership(app: &TestApp, student: &reqwest::Client) -> Value {
    app.get_json(student, "/api/v1/membership").await
}

async fn pay(app: &TestApp, started: &Value, payment_method: &str) -> reqwest::Response {
    let secret = started["client_secret"]
        .as_str()
        .expect("a confirmation secret");
    let intent = secret.split("_secret_").next().expect("pi");
    app.sim_post(
        &format!("/v1/payment_intents/{intent}/confirm"),
        &[("payment_method", payment_method)],
    )
    .await
}

async fn wait_for(app: &TestApp, student: &reqwest::Client, status: &str) -> Value {
    app.eventually(|| async { membership(app, student).await["status"] == status })
        .await;
    membership(app, student).await
}

/// A new student who took the membership and paid with `pm_card_visa`;
/// returns the student and the subscription's id.
async fn new_member(app: &TestApp) -> (reqwest::Client, String) {
    let student = app.new_user().await;
    let started = start(app, &student).await;
    let subscription = started["subscription_id"].as_str().expect("id").to_owned();
    assert_eq!(pay(app, &started, "pm_card_visa").await.status(), 200);
    wait_for(app, &student, "active").await;
    // Every webhook of the first payment is applied: what a test does next
    // never races them.
    app.webhooks_idle_within(10).await;
    (student, subscription)
}

async fn paying_the_first_invoice_makes_a_member_and_a_second_attempt_returns_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let student = app.new_user().await;
    assert_eq!(membership(&app, &student).await["status"], "none");
    let started = start(&app, &student).await;
    assert_eq!(started["status"], "incomplete");
    assert!(started["subscription_id"]
        .as_str()
        .expect("id")
        .starts_with("sub_"));
    assert_eq!(
        membership(&app, &student).await["is_member"],
        false,
        "not before paying"
    );

    let again = start(&app, &student).await;
    assert_eq!(
        again["subscription_id"], started["subscription_id"],
        "one subscription per user"
    );
    assert_eq!(again["client_secret"], started["client_secret"]);

    assert_eq!(pay(&app, &started, "pm_card_visa").await.status(), 200);
    let member = wait_for(&app, &student, "active").await;
    assert_eq!(member["is_member"], true);
    assert!(member["current_period_end"].is_string());
    let after = start(&app, &student).await;
    assert_eq!(after["subscription_id"], started["subscription_id"]);
    assert_eq!(after["client_secret"], Value::Null, "nothing left to pay");
    let customers: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE stripe_customer_id IS NOT NULL")
            .fetch_one(app.db.pool())
            .await
            .expect("count");
    assert_eq!(customers, 1, "one Customer, stored on the user");
    assert_eq!(
        app.post(&app.bare_client(), "/api/v1/checkout/subscription")
            .await
            .status(),
        401
    );
}

async fn a_declined_first_payment_stays_incomplete_until_a_retry_pays(backend: Backend) {
    let app = spawn_app(backend).await;
    let student = app.new_user().await;
    let started = start(&app, &student).await;
    assert_eq!(
        pay(&app, &started, "pm_card_chargeDeclined").await.status(),
        402
    );
    // Let the invoice.payment_failed webhook arrive; it must not make it past_due.
    app.webhooks_idle_within(10).await;
    let after = membership(&app, &student).await;
    assert_eq!(after["status"], "incomplete");
    assert_eq!(after["is_member"], false);
    assert_eq!(pay(&app, &started, "pm_card_visa").await.status(), 200);
    assert_eq!(wait_for(&app, &student, "active").await["is_member"], true);
}

async fn cancel_at_period_end_keeps_access_and_resume_takes_it_back(backend: Backend) {
    let app = spawn_app(backend).await;
    let (student, _) = new_member(&app).await;
    let cancelled = json(app.post(&student, "/api/v1/membership/cancel").await).await;
    assert_eq!(cancelled["cancel_at_period_end"], true);
    assert_eq!(
        cancelled["is_member"], true,
        "access continues until the period ends"
    );
    let resumed = json(app.post(&student, "/api/v1/membership/resume").await).await;
    assert_eq!(resumed["cancel_at_period_end"], false);
    // Both changes' webhooks applied, in order: the stored row agrees.
    app.webhooks_idle_within(10).await;
    assert_eq!(
        membership(&app, &student).await["cancel_at_period_end"],
        false
    );
    let stranger = app.new_user().await;
    let nothing = app.post(&stranger, "/api/v1/membership/cancel").await;
    assert_eq!(nothing.status(), 404);
}

/// A `customer.subscription.updated` carrying the simulator's own
/// subscription object with another status, as of `created`.
async fn subscription_event(
    app: &TestApp,
    event_id: &str,
    subscription: &str,
    status: &str,
    created: i64,
) -> String {
    let mut object = app
        .sim_get(&format!("/v1/subscriptions/{subscription}"))
        .await;
    object["status"] = json!(status);
    json!({
        "id": event_id,
        "object": "event",
        "api_version": "2026-09-30.endive",
        "created": created,
        "data": { "object": object },
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": "customer.subscription.updated",
    })
    .to_string()
}

/// Delivers `payload`, signed, and waits until the inbox applied what it can.
async fn deliver(app: &TestApp, payload: &str) -> u16 {
    let now = app.state.clock.now();
    let status = app
        .bare_client()
        .post(app.url("/webhooks/stripe"))
        .header(
            "stripe-signature",
            Webhook::generate_test_header(payload, WEBHOOK_SECRET, Some(now)),
        )
        .body(payload.to_owned())
        .send()
        .await
        .expect("request")
        .status()
        .as_u16();
    app.webhooks_settled().await;
    status
}

async fn stale_and_duplicated_subscription_events_never_move_it_backwards(backend: Backend) {
    let app = spawn_app(backend).await;
    // `new_member` waits until the first payment's webhooks are applied.
    let (student, subscription) = new_member(&app).await;

    // An "incomplete" from before the payment arrives late: ignored.
    let stale = subscription_event(
        &app,
        "evt_stale",
        &subscription,
        "incomplete",
        chrono::Utc::now().timestamp() - 3_600,
    )
    .await;
    assert_eq!(deliver(&app, &stale).await, 200);
    assert_eq!(membership(&app, &student).await["status"], "active");

    // Stripe's `created` has one-second resolution: even an "incomplete" from the
    // very second of the last applied event never brings it back.
    let applied_at: i64 = sqlx::query_scalar(
        "SELECT status_event_at FROM memberships WHERE stripe_subscription_id = $1",
    )
    .bind(&subscription)
    .fetch_one(app.db.pool())
    .await
    .expect("row");
    let same_second = subscription_event(
        &app,
        "evt_same_second",
        &subscription,
        "incomplete",
        applied_at,
    )
    .await;
    assert_eq!(deliver(&app, &same_second).await, 200);
    assert_eq!(membership(&app, &student).await["status"], "active");

    // A newer past_due applies; its duplicate and an older active do not undo it.
    let later = chrono::Utc::now().timestamp() + 60;
    let past_due = subscription_event(&app, "evt_past_due", &subscription, "past_due", later).await;
    assert_eq!(deliver(&app, &past_due).await, 200);
    assert_eq!(membership(&app, &student).await["status"], "past_due");
    assert_eq!(deliver(&app, &past_due).await, 200);
    let older_active = subscription_event(
        &app,
        "evt_older_active",
        &subscription,
        "active",
        later - 30,
    )
    .await;
    assert_eq!(deliver(&app, &older_active).await, 200);
    let after = membership(&app, &student).await;
    assert_eq!(after["status"], "past_due");
    assert_eq!(
        after["is_member"], true,
        "past_due keeps access within the paid period"
    );
}

/// Stripe can deliver a subscription's event before `subscribe` has stored the
/// subscription's id. The event names its membership in the metadata; it is
/// stored and waits in the inbox, retried with back-off, until the id is there.
async fn an_event_that_outruns_the_stored_subscription_id_is_retried(backend: Backend) {
    let app = spawn_app(backend).await;
    let (student, subscription) = new_member(&app).await;

    // As it was between Stripe's create and our storing of the answer.
    let set_id = |id: Option<String>| {
        sqlx::query("UPDATE memberships SET stripe_subscription_id = $1")
            .bind(id)
            .execute(app.db.pool())
    };
    set_id(None).await.expect("forget the id");
    let later = chrono::Utc::now().timestamp() + 60;
    let early = subscription_event(&app, "evt_early", &subscription, "past_due", later).await;
    assert_eq!(deliver(&app, &early).await, 200, "stored for later");
    let (processed, attempts): (Option<i64>, i64) = {
        use sqlx::Row;
        let row = sqlx::query("SELECT processed_at, attempts FROM stripe_events WHERE id = $1")
            .bind("evt_early")
            .fetch_one(app.db.pool())
            .await
            .expect("the event is in the inbox");
        (row.get(0), row.get(1))
    };
    assert_eq!(processed, None, "not applied yet");
    assert!(attempts >= 1, "tried once: {attempts}");
    assert_eq!(membership(&app, &student).await["status"], "active");
    // A newer event of the same subscription waits behind it, untried.
    let newer = subscription_event(&app, "evt_newer", &subscription, "canceled", later + 30).await;
    assert_eq!(deliver(&app, &newer).await, 200);
    let tried: i64 = sqlx::query_scalar("SELECT attempts FROM stripe_events WHERE id = $1")
        .bind("evt_newer")
        .fetch_one(app.db.pool())
        .await
        .expect("stored");
    assert_eq!(tried, 0, "events of one object apply in created order");

    // Once the id is stored, the next attempt applies both, in order.
    set_id(Some(subscription.clone()))
        .await
        .expect("store the id");
    app.advance_clock(60);
    app.webhooks_settled().await;
    assert_eq!(membership(&app, &student).await["status"], "canceled");
    assert_eq!(deliver(&app, &early).await, 200, "and only once");
    let applied: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM stripe_events WHERE id = $1 AND processed_at IS NOT NULL",
    )
    .bind("evt_early")
    .fetch_one(app.db.pool())
    .await
    .expect("count");
    assert_eq!(applied, 1);
}

/// Whether `client` sees the recording of `session_id` in the published list.
async fn sees_recording(app: &TestApp, client: &reqwest::Client, session_id: &str) -> bool {
    let list: Value = app
        .get_json(client, "/api/v1/studio/sessions?status=published")
        .await;
    let session = list
        .as_array()
        .expect("list")
        .iter()
        .find(|s| s["id"] == session_id)
        .cloned()
        .expect("the session is listed");
    assert_eq!(session["has_recording"], true);
    session["recording_url"].is_string()
}

async fn the_recordings_access_matrix(backend: Backend) {
    let app = spawn_app(backend).await;
    let teacher = app.new_teacher().await;
    let session = json(
        teacher
            .post(app.url("/api/v1/studio/sessions"))
            .json(&json!({"title": "Inspelad yoga", "description": "", "capacity": 10, "price_cents": 0,
                "currency": "SEK", "visibility": "published", "recording_url": "https://video.example/rec-1"}))
            .send()
            .await
            .expect("request"),
    )
    .await;
    let session_id = session["id"].as_str().expect("id").to_owned();
    let start = chrono::DurationRound::duration_trunc(
        chrono::Utc::now() + chrono::Duration::days(2),
        chrono::Duration::hours(1),
    )
    .expect("trunc");
    let slot = json(
        teacher
            .post(app.url(&format!("/api/v1/studio/sessions/{session_id}/slots")))
            .json(&json!({ "start_at": start, "end_at": start + chrono::Duration::minutes(60) }))
            .send()
            .await
            .expect("request"),
    )
    .await;
    let booked = app.new_user().await;
    let booking = booked
        .post(app.url("/api/v1/checkout/session"))
        .json(&json!({ "slot_id": slot["id"] }))
        .send()
        .await
        .expect("request");
    assert_eq!(
        json(booking).await["status"],
        "paid",
        "a free seat is booked at once"
    );
    let (member, _) = new_member(&app).await;
    let other = app.new_user().await;

    assert!(
        sees_recording(&app, &teacher, &session_id).await,
        "its teacher"
    );
    assert!(
        sees_recording(&app, &booked, &session_id).await,
        "a student who booked it"
    );
    assert!(sees_recording(&app, &member, &session_id).await, "a member");
    assert!(
        !sees_recording(&app, &other, &session_id).await,
        "another student"
    );
    assert!(
        !sees_recording(&app, &app.bare_client(), &session_id).await,
        "a visitor"
    );
}

async fn advance(app: &TestApp, subscription: &str, outcome: &str) -> Value {
    let response = app
        .sim_post(
            &format!("/v1/test_helpers/subscriptions/{subscription}/advance"),
            &[("outcome", outcome)],
        )
        .await;
    assert_eq!(response.status(), 200);
    json(response).await
}

async fn renewals_extend_fail_recover_and_end_at_the_period_end(backend: Backend) {
    let app = spawn_app(backend).await;
    let student = app.new_user().await;
    let started = start(&app, &student).await;
    let subscription = started["subscription_id"].as_str().expect("id").to_owned();
    pay(&app, &started, "pm_card_visa").await;
    let first = wait_for(&app, &student, "active").await;
    let first_end = first["current_period_end"]
        .as_str()
        .expect("end")
        .to_owned();

    // A renewal that succeeds extends the paid period.
    advance(&app, &subscription, "succeed").await;
    app.eventually(|| async {
        membership(&app, &student).await["current_period_end"].as_str() > Some(first_end.as_str())
    })
    .await;
    assert_eq!(membership(&app, &student).await["status"], "active");

    // A renewal that fails makes it past_due: access continues until the end
    // of the period that was paid for, not through the unpaid one.
    advance(&app, &subscription, "fail").await;
    let after_fail = wait_for(&app, &student, "past_due").await;
    assert_eq!(
        after_fail["is_member"], true,
        "access continues within the paid period"
    );
    assert_eq!(after_fail["needs_payment_method"], true, "the banner asks");
    let (paid_until, period_end): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT paid_until, current_period_end FROM memberships WHERE stripe_subscription_id = $1",
    )
    .bind(&subscription)
    .fetch_one(app.db.pool())
    .await
    .expect("row");
    assert!(
        paid_until < period_end,
        "the failed period is not paid: {paid_until:?} < {period_end:?}"
    );

    // The member gives a new card: the app hands out the open invoice, the
    // Payment Element pays it, and the card becomes the default.
    let due = start(&app, &student).await;
    assert_eq!(due["subscription_id"], subscription.as_str());
    assert_eq!(due["status"], "past_due");
    assert_eq!(due["confirm_with"], "payment");
    assert_eq!(pay(&app, &due, "pm_card_mastercard").await.status(), 200);
    let recovered = wait_for(&app, &student, "active").await;
    assert_eq!(recovered["needs_payment_method"], false);
    assert_eq!(
        start(&app, &student).await["client_secret"],
        Value::Null,
        "nothing left to pay"
    );
    app.eventually(|| async {
        let paid: Option<i64> = sqlx::query_scalar(
            "SELECT paid_until FROM memberships WHERE stripe_subscription_id = $1",
        )
        .bind(&subscription)
        .fetch_one(app.db.pool())
        .await
        .expect("row");
        paid == period_end
    })
    .await;

    // Cancelled at the period end: it ends when the period does.
    app.post(&student, "/api/v1/membership/cancel").await;
    advance(&app, &subscription, "succeed").await;
    let ended = wait_for(&app, &student, "canceled").await;
    assert_eq!(ended["is_member"], false);

    // One email of each kind, through the outbox.
    for kind in [
        "membership_welcome",
        "membership_payment_failed",
        "membership_ended",
    ] {
        let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = $1")
            .bind(kind)
            .fetch_one(app.db.pool())
            .await
            .expect("count");
        assert_eq!(queued, 1, "{kind}");
    }
}

async fn a_three_d_secure_card_pays_the_first_invoice_after_authentication(backend: Backend) {
    let app = spawn_app(backend).await;
    let student = app.new_user().await;
    let started = start(&app, &student).await;
    let secret = started["client_secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    let intent = secret.split("_secret_").next().expect("pi").to_owned();
    // As Stripe.js does it: the publishable key and the client secret.
    let browser = |path: String, form: Vec<(&'static str, String)>| {
        let client = app.bare_client();
        let url = app.sim_url(&path);
        async move { client.post(url).form(&form).send().await.expect("request") }
    };
    let confirmed = browser(
        format!("/v1/payment_intents/{intent}/confirm"),
        vec![
            ("key", "pk_test_aveli_simulated".into()),
            ("client_secret", secret.clone()),
            ("payment_method_data[type]", "card".into()),
            (
                "payment_method_data[card][number]",
                "4000002760003184".into(),
            ),
            ("payment_method_data[card][exp_month]", "12".into()),
            ("payment_method_data[card][exp_year]", "2034".into()),
            ("payment_method_data[card][cvc]", "123".into()),
        ],
    )
    .await;
    assert_eq!(json(confirmed).await["status"], "requires_action");
    assert_eq!(
        membership(&app, &student).await["is_member"],
        false,
        "not before authentication"
    );
    let authenticated = browser(
        format!("/v1/payment_intents/{intent}/authenticate"),
        vec![
            ("key", "pk_test_aveli_simulated".into()),
            ("client_secret", secret),
            ("outcome", "complete".into()),
        ],
    )
    .await;
    assert_eq!(authenticated.status(), 200);
    assert_eq!(wait_for(&app, &student, "active").await["is_member"], true);
}

async fn a_trial_saves_the_card_then_the_first_charge_makes_it_active(backend: Backend) {
    let app = spawn_app_with(backend, &[("MEMBERSHIP_TRIAL_DAYS", "14")]).await;
    let student = app.new_user().await;
    assert_eq!(membership(&app, &student).await["trial_days"], 14);
    let started = start(&app, &student).await;
    assert_eq!(started["status"], "trialing");
    assert_eq!(started["trial_days"], 14);
    assert_eq!(
        started["confirm_with"], "setup",
        "the card is saved, not charged"
    );
    let secret = started["client_secret"]
        .as_str()
        .expect("the SetupIntent's secret")
        .to_owned();
    assert!(secret.starts_with("seti_"), "{secret}");
    let subscription = started["subscription_id"].as_str().expect("id").to_owned();

    let trialing = wait_for(&app, &student, "trialing").await;
    assert_eq!(trialing["is_member"], true, "a trial opens the recordings");
    assert_eq!(trialing["needs_payment_method"], true, "no card yet");
    assert_eq!(trialing["trial_days"], 0, "a trial is offered once");

    // As Stripe.js' confirmSetup does it: the publishable key and the secret.
    let setup_intent = secret.split("_secret_").next().expect("seti").to_owned();
    let confirmed = app
        .bare_client()
        .post(app.sim_url(&format!("/v1/setup_intents/{setup_intent}/confirm")))
        .form(&[
            ("key", "pk_test_aveli_simulated"),
            ("client_secret", secret.as_str()),
            ("payment_method_data[type]", "card"),
            ("payment_method_data[card][number]", "4242424242424242"),
            ("payment_method_data[card][exp_month]", "12"),
            ("payment_method_data[card][exp_year]", "2034"),
            ("payment_method_data[card][cvc]", "123"),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(json(confirmed).await["status"], "succeeded");
    app.eventually(|| async { membership(&app, &student).await["needs_payment_method"] == false })
        .await;
    let again = start(&app, &student).await;
    assert_eq!(again["subscription_id"], subscription.as_str());
    assert_eq!(again["client_secret"], Value::Null, "nothing to confirm");
    let trial_end = membership(&app, &student).await["current_period_end"]
        .as_str()
        .expect("the trial's end")
        .to_owned();

    // The trial ends: the first real invoice is charged to the saved card.
    advance(&app, &subscription, "succeed").await;
    let active = wait_for(&app, &student, "active").await;
    assert_eq!(active["is_member"], true);
    assert!(
        active["current_period_end"].as_str() > Some(trial_end.as_str()),
        "paid beyond the trial"
    );
    let welcomes: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'membership_welcome'")
            .fetch_one(app.db.pool())
            .await
            .expect("count");
    assert_eq!(welcomes, 1, "one welcome, at the trial's start");
}

/// The inbox applies events of different objects in arrival order, so a
/// paid invoice can come after a newer subscription event. It does not move
/// the status back, and what it paid for still counts: `paid_until` moves.
async fn a_paid_invoice_applied_after_a_newer_subscription_event_still_pays(backend: Backend) {
    let app = spawn_app(backend).await;
    let (student, subscription) = new_member(&app).await;
    let paid_until = || async {
        sqlx::query_scalar::<_, Option<i64>>(
            "SELECT paid_until FROM memberships WHERE stripe_subscription_id = $1",
        )
        .bind(&subscription)
        .fetch_one(app.db.pool())
        .await
        .expect("row")
        .expect("paid until")
    };
    let before = paid_until().await;
    let later = chrono::Utc::now().timestamp() + 120;
    let past_due =
        subscription_event(&app, "evt_newer_past_due", &subscription, "past_due", later).await;
    assert_eq!(deliver(&app, &past_due).await, 200);

    // The next period's invoice, paid, from before that event.
    let sub = app
        .sim_get(&format!("/v1/subscriptions/{subscription}"))
        .await;
    let invoice_id = sub["latest_invoice"].as_str().expect("latest invoice");
    let mut invoice = app.sim_get(&format!("/v1/invoices/{invoice_id}")).await;
    invoice["id"] = json!("in_next_period");
    let next_end = before + 30 * 86_400;
    for line in invoice["lines"]["data"].as_array_mut().expect("lines") {
        line["period"]["end"] = json!(next_end);
    }
    let event = json!({
        "id": "evt_paid_earlier",
        "object": "event",
        "api_version": "2026-09-30.endive",
        "created": later - 60,
        "data": { "object": invoice },
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": "invoice.paid",
    })
    .to_string();
    assert_eq!(deliver(&app, &event).await, 200);
    let after = membership(&app, &student).await;
    assert_eq!(after["status"], "past_due", "the newer status stays");
    assert_eq!(paid_until().await, next_end, "the payment counts");
    assert_eq!(after["is_member"], true, "paid for: access continues");
}
