//! The console's disputes and system views (issue 16): a chargeback shows in
//! the queue by deadline with evidence prefilled; the evidence reaches
//! Stripe; the outcome reaches admin and teacher; webhook events and emails
//! are listed, and a given-up email is sent again exactly once.

use serde_json::{json, Value};

use crate::helpers::{checkout, json, pay, slot_for_sale_by, spawn_app, Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    a_dispute_shows_in_the_queue_with_its_deadline_and_a_draft,
    evidence_reaches_stripe_and_the_outcome_reaches_admin_and_teacher,
    events_and_emails_are_listed_and_a_failed_email_is_sent_again_once,
);

/// A paid booking of a 150 kr slot; (order, charge, student).
async fn paid_booking(
    app: &TestApp,
    teacher: &reqwest::Client,
    hours_ahead: i64,
) -> (String, String, reqwest::Client) {
    let slot = slot_for_sale_by(app, teacher, 15_000, 10, hours_ahead).await;
    let student = app.new_user().await;
    let started = json(checkout(app, &student, &slot).await).await;
    let order = started["order_id"].as_str().expect("order").to_owned();
    assert_eq!(pay(app, &started, "pm_card_visa").await, 200);
    app.eventually(|| async {
        app.get_json(&student, &format!("/api/v1/orders/{order}"))
            .await["status"]
            == "paid"
    })
    .await;
    app.webhooks_settled().await;
    let charge: String = sqlx::query_scalar("SELECT stripe_charge_id FROM orders WHERE id = $1")
        .bind(&order)
        .fetch_one(app.db.pool())
        .await
        .expect("charge");
    (order, charge, student)
}

async fn dispute(app: &TestApp, charge: &str) -> Value {
    let response = app
        .sim_post(&format!("/v1/test_helpers/charges/{charge}/dispute"), &[])
        .await;
    assert_eq!(response.status(), 200);
    let dispute = json(response).await;
    let id = dispute["id"].as_str().expect("id").to_owned();
    // created, then funds_withdrawn: both applied.
    wait_for_dispute(app, &id, "funds_withdrawn = 1").await;
    dispute
}

/// Waits until the webhooks have brought the dispute to `condition`.
async fn wait_for_dispute(app: &TestApp, id: &str, condition: &str) {
    let sql = format!("SELECT COUNT(*) FROM disputes WHERE id = $1 AND {condition}");
    app.eventually(|| async {
        sqlx::query_scalar::<_, i64>(&sql)
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .expect("disputes")
            == 1
    })
    .await;
}

async fn queue(app: &TestApp, admin: &reqwest::Client) -> Vec<Value> {
    app.get_json(admin, "/api/v1/admin/disputes")
        .await
        .as_array()
        .expect("disputes")
        .clone()
}

async fn a_dispute_shows_in_the_queue_with_its_deadline_and_a_draft(backend: Backend) {
    let app = spawn_app(backend).await;
    let teacher = app.new_teacher().await;
    let (order, charge, student) = paid_booking(&app, &teacher, 48).await;
    let admin = app.new_admin().await;
    assert!(queue(&app, &admin).await.is_empty());

    let at_stripe = dispute(&app, &charge).await;
    let listed = queue(&app, &admin).await;
    assert_eq!(listed.len(), 1);
    let d = &listed[0];
    assert_eq!(d["id"], at_stripe["id"]);
    assert_eq!(d["order_id"], order.as_str());
    assert_eq!(d["status"], "needs_response");
    assert_eq!(d["amount_cents"], 15_000);
    assert_eq!(d["funds_withdrawn"], true);
    let due: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(d["due_by"].clone()).expect("a deadline");
    let expected = at_stripe["evidence_details"]["due_by"]
        .as_i64()
        .expect("due_by");
    assert_eq!(due.timestamp(), expected, "Stripe's deadline");
    let email = app.get_json(&student, "/api/v1/me").await["email"].clone();
    assert_eq!(d["evidence"]["customer_email_address"], email);
    assert!(d["evidence"]["service_date"]
        .as_str()
        .is_some_and(|s| s.len() == 10));
    assert!(d["evidence"]["uncategorized_text"]
        .as_str()
        .is_some_and(|s| s.contains(&order)));
    assert!(d["evidence"]["cancellation_policy_disclosure"]
        .as_str()
        .is_some_and(|s| s.contains("24 hours")));
    let flagged: i64 = sqlx::query_scalar("SELECT disputed FROM orders WHERE id = $1")
        .bind(&order)
        .fetch_one(app.db.pool())
        .await
        .expect("order");
    assert_eq!(flagged, 1, "the teacher's sale is marked disputed");
    assert_eq!(
        app.get(&student, "/api/v1/admin/disputes").await.status(),
        404
    );
}

async fn evidence_reaches_stripe_and_the_outcome_reaches_admin_and_teacher(backend: Backend) {
    let app = spawn_app(backend).await;
    let teacher = app.new_teacher().await;
    let (won_order, won_charge, _) = paid_booking(&app, &teacher, 48).await;
    let (lost_order, lost_charge, _) = paid_booking(&app, &teacher, 72).await;
    let admin = app.new_admin().await;
    let won = dispute(&app, &won_charge).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let lost = dispute(&app, &lost_charge).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let draft = queue(&app, &admin)
        .await
        .into_iter()
        .find(|d| d["id"] == won.as_str())
        .expect("listed")["evidence"]
        .clone();
    let mut evidence = draft.clone();
    evidence["uncategorized_text"] = json!("Edited by the admin: the class took place.");
    let empty = admin
        .post(app.url(&format!("/api/v1/admin/disputes/{won}/evidence")))
        .json(&json!({ "evidence": {} }))
        .send()
        .await
        .expect("request");
    assert_eq!(empty.status(), 422);
    let sent = admin
        .post(app.url(&format!("/api/v1/admin/disputes/{won}/evidence")))
        .json(&json!({ "evidence": evidence }))
        .send()
        .await
        .expect("request");
    assert_eq!(sent.status(), 200);
    let sent = json(sent).await;
    assert_eq!(sent["status"], "under_review");
    assert!(sent["submitted_at"].is_string());
    let at_stripe = app.sim_get(&format!("/v1/disputes/{won}")).await;
    assert_eq!(
        at_stripe["evidence"]["customer_email_address"],
        draft["customer_email_address"]
    );
    assert_eq!(
        at_stripe["evidence"]["product_description"],
        draft["product_description"]
    );
    assert_eq!(
        at_stripe["evidence"]["uncategorized_text"],
        "Edited by the admin: the class took place."
    );
    assert_eq!(at_stripe["evidence_details"]["submission_count"], 1);
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM admin_audit WHERE target_id = $1")
        .bind(&won)
        .fetch_one(app.db.pool())
        .await
        .expect("audit");
    assert_eq!(audited, 1);

    for (id, outcome) in [(&won, "won"), (&lost, "lost")] {
        let closed = app
            .sim_post(
                &format!("/v1/test_helpers/disputes/{id}/close"),
                &[("outcome", outcome)],
            )
            .await;
        assert_eq!(closed.status(), 200);
        wait_for_dispute(&app, id, &format!("status = '{outcome}'")).await;
    }
    let listed = queue(&app, &admin).await;
    let status_of = |id: &str| {
        listed
            .iter()
            .find(|d| d["id"] == id)
            .map(|d| d["status"].clone())
    };
    assert_eq!(status_of(&won), Some(json!("won")));
    assert_eq!(status_of(&lost), Some(json!("lost")));
    let sales = teacher_sales(&app, &teacher).await;
    let outcome = |order: &str| {
        sales
            .iter()
            .find(|s| s.order_id == order)
            .and_then(|s| s.dispute_status.clone())
    };
    assert_eq!(
        outcome(&won_order).as_deref(),
        Some("won"),
        "the teacher sees it"
    );
    assert_eq!(outcome(&lost_order).as_deref(), Some("lost"));
    let late = admin
        .post(app.url(&format!("/api/v1/admin/disputes/{lost}/evidence")))
        .json(&json!({ "evidence": draft }))
        .send()
        .await
        .expect("request");
    assert_eq!(late.status(), 409, "a closed dispute takes no evidence");
}

/// The teacher's sales as their payouts page reads them (a server function).
async fn teacher_sales(app: &TestApp, teacher: &reqwest::Client) -> Vec<app::model::order::Sale> {
    let token = teacher_token(app, teacher).await;
    let ctx = app::backend::RequestContext {
        locale: app::model::Locale::Sv,
        token: Some(token),
        client_ip: None,
        user_agent: None,
    };
    app::backend::booking::orders::sales(&app.state, &ctx)
        .await
        .expect("sales")
}

/// A fresh login of the teacher, for calling a backend service as them.
async fn teacher_token(app: &TestApp, teacher: &reqwest::Client) -> String {
    let me = app.get_json(teacher, "/api/v1/me").await;
    let email = me["email"].as_str().expect("email");
    let login = app
        .bare_client()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": email, "password": crate::helpers::PASSWORD }))
        .send()
        .await
        .expect("request");
    json(login).await["token"]
        .as_str()
        .expect("token")
        .to_owned()
}

async fn events_and_emails_are_listed_and_a_failed_email_is_sent_again_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let teacher = app.new_teacher().await;
    let (order, _, _) = paid_booking(&app, &teacher, 48).await;
    let admin = app.new_admin().await;

    let events = app.get_json(&admin, "/api/v1/admin/events").await;
    let succeeded = events["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["event_type"] == "payment_intent.succeeded")
        .cloned()
        .expect("the payment's event is listed");
    assert_eq!(succeeded["outcome"], "processed");
    assert_eq!(succeeded["order_id"], order.as_str());
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stripe_events")
        .fetch_one(app.db.pool())
        .await
        .expect("count");
    let counted: i64 = events["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .filter_map(|c| c["count"].as_i64())
        .sum();
    assert_eq!(counted, stored, "every stored event is counted once");
    // The recorder is one per test process: another test's scrape may set
    // the gauges from its own database in between, so look until they agree.
    let lines: Vec<String> = events["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .map(|count| {
            format!(
                "webhook_events{{outcome=\"{}\"}} {}",
                count["outcome"].as_str().expect("outcome"),
                count["count"]
            )
        })
        .collect();
    assert!(!lines.is_empty());
    app.eventually(|| async {
        let metrics = app.get_text(&app.bare_client(), "/metrics").await;
        lines.iter().all(|line| metrics.lines().any(|l| l == line))
    })
    .await;
    let receipt: String = sqlx::query_scalar("SELECT id FROM outbox WHERE dedupe_key = $1")
        .bind(format!("receipt:{order}"))
        .fetch_one(app.db.pool())
        .await
        .expect("receipt");
    // As the worker leaves an email it gave up on.
    sqlx::query(
        "UPDATE outbox SET sent_at = NULL, attempts = 8, last_error = 'SMTP 550', \
         next_attempt_at = 9223372036854775807 WHERE id = $1",
    )
    .bind(&receipt)
    .execute(app.db.pool())
    .await
    .expect("give up");
    let failed = app
        .get_json(&admin, "/api/v1/admin/outbox?problems=true")
        .await;
    let emails = failed["emails"].as_array().expect("emails");
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0]["id"], receipt.as_str());
    assert_eq!(emails[0]["state"], "failed");
    assert_eq!(emails[0]["last_error"], "SMTP 550");
    assert_eq!(failed["failed"], 1);
    let metrics = app.get_text(&app.bare_client(), "/metrics").await;
    assert!(
        metrics
            .lines()
            .any(|l| l == "outbox_emails{state=\"failed\"} 1"),
        "/metrics counts the failed email as the console does"
    );

    let resend = |id: String| {
        let admin = &admin;
        let app = &app;
        async move {
            let response = admin
                .post(app.url(&format!("/api/v1/admin/outbox/{id}/resend")))
                .send()
                .await
                .expect("request");
            assert_eq!(response.status(), 200);
            json(response).await["queued_again"].clone()
        }
    };
    assert_eq!(resend(receipt.clone()).await, true);
    assert_eq!(
        resend(receipt.clone()).await,
        false,
        "a second click changes nothing"
    );
    let (attempts, next): (i64, i64) =
        sqlx::query_as("SELECT attempts, next_attempt_at FROM outbox WHERE id = $1")
            .bind(&receipt)
            .fetch_one(app.db.pool())
            .await
            .expect("row");
    assert_eq!(attempts, 0);
    assert!(next < i64::MAX, "queued again");
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM admin_audit WHERE target_id = $1")
        .bind(&receipt)
        .fetch_one(app.db.pool())
        .await
        .expect("audit");
    assert_eq!(audited, 1);
    let student = app.new_user().await;
    assert_eq!(
        app.get(&student, "/api/v1/admin/events").await.status(),
        404
    );
    let refused = student
        .post(app.url(&format!("/api/v1/admin/outbox/{receipt}/resend")))
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), 404);
}
