//! The platform's console (issue 16): only admins reach it; a split change
//! touches new orders only; suspension hides and refuses but keeps bookings;
//! refunds are partial or full, refund once per key and stop at what is left;
//! every action leaves exactly one audit row.

use serde_json::{json, Value};

use crate::helpers::{checkout, json, pay, slot_for_sale_by, spawn_app, Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    only_admins_reach_the_console,
    a_split_change_applies_to_new_orders_only,
    a_suspended_teacher_is_hidden_and_refused_but_bookings_stay,
    suspending_can_also_cancel_and_refund_upcoming_classes,
    partial_refunds_keep_the_seat_until_nothing_is_left,
    refund_choices_reach_stripe_as_chosen,
    a_double_submit_refunds_once,
    bad_refunds_are_refused_and_change_nothing,
    orders_are_searched_and_opened_with_their_history,
);

async fn teacher_id_of(app: &TestApp, slot_id: &str) -> String {
    sqlx::query_scalar(
        "SELECT s.teacher_id FROM session_slots sl JOIN sessions s ON s.id = sl.session_id \
         WHERE sl.id = $1",
    )
    .bind(slot_id)
    .fetch_one(app.db.pool())
    .await
    .expect("teacher")
}

async fn session_id_of(app: &TestApp, slot_id: &str) -> String {
    sqlx::query_scalar("SELECT session_id FROM session_slots WHERE id = $1")
        .bind(slot_id)
        .fetch_one(app.db.pool())
        .await
        .expect("session")
}

async fn scalar(app: &TestApp, sql: &str, id: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("a number")
}

async fn audit_rows(app: &TestApp, target_id: &str) -> i64 {
    scalar(
        app,
        "SELECT COUNT(*) FROM admin_audit WHERE target_id = $1",
        target_id,
    )
    .await
}

async fn seats_taken(app: &TestApp, slot_id: &str) -> i64 {
    scalar(
        app,
        "SELECT seats_taken FROM session_slots WHERE id = $1",
        slot_id,
    )
    .await
}

async fn refund_emails(app: &TestApp, order_id: &str) -> i64 {
    scalar(
        app,
        "SELECT COUNT(*) FROM outbox WHERE kind = 'platform_refund' AND dedupe_key LIKE '%' || $1",
        order_id,
    )
    .await
}

/// A paid booking of a new 150 kr slot with 10 seats; (slot, order, student).
async fn paid_booking(
    app: &TestApp,
    teacher: &reqwest::Client,
) -> (String, String, reqwest::Client) {
    let slot = slot_for_sale_by(app, teacher, 15_000, 10, 48).await;
    let (order, student) = paid_order_on(app, &slot).await;
    (slot, order, student)
}

async fn paid_order_on(app: &TestApp, slot: &str) -> (String, reqwest::Client) {
    let student = app.new_user().await;
    let started = json(checkout(app, &student, slot).await).await;
    let order = started["order_id"].as_str().expect("order").to_owned();
    assert_eq!(pay(app, &started, "pm_card_visa").await, 200);
    app.eventually(|| async {
        app.get_json(&student, &format!("/api/v1/orders/{order}"))
            .await["status"]
            == "paid"
    })
    .await;
    app.webhooks_settled().await;
    (order, student)
}

async fn refund(
    app: &TestApp,
    admin: &reqwest::Client,
    order: &str,
    key: &str,
    body: Value,
) -> reqwest::Response {
    admin
        .post(app.url(&format!("/api/v1/admin/orders/{order}/refunds")))
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .await
        .expect("request")
}

fn refund_body(amount: i64) -> Value {
    json!({
        "amount_cents": amount,
        "reverse_transfer": true,
        "refund_application_fee": true,
        "reason": "Läraren kom sent",
    })
}

async fn only_admins_reach_the_console(backend: Backend) {
    let app = spawn_app(backend).await;
    let teacher = app.new_teacher().await;
    let (slot, order, student) = paid_booking(&app, &teacher).await;
    let teacher_id = teacher_id_of(&app, &slot).await;
    let admin = app.new_admin().await;
    let other_admin = app.new_admin().await;
    let anonymous = app.bare_client();

    let reads = [
        "/api/v1/admin/teachers".to_owned(),
        "/api/v1/admin/orders".to_owned(),
        format!("/api/v1/admin/orders/{order}"),
        "/api/v1/admin/audit".to_owned(),
        "/api/v1/admin/disputes".to_owned(),
        "/api/v1/admin/events".to_owned(),
        "/api/v1/admin/outbox".to_owned(),
        "/admin".to_owned(),
        "/admin/disputes".to_owned(),
        "/admin/system".to_owned(),
        "/admin/teachers".to_owned(),
        "/admin/orders".to_owned(),
        format!("/admin/orders/{order}"),
        "/admin/audit".to_owned(),
    ];
    for (who, client) in [
        ("anonymous", &anonymous),
        ("student", &student),
        ("teacher", &teacher),
    ] {
        for path in &reads {
            let status = app.get(client, path).await.status();
            assert_eq!(status, 404, "{who} GET {path}");
        }
        let patch = client
            .patch(app.url(&format!("/api/v1/admin/teachers/{teacher_id}")))
            .json(&json!({ "suspended": true }))
            .send()
            .await
            .expect("request");
        assert_eq!(patch.status(), 404, "{who} PATCH a teacher");
        let post = refund(
            &app,
            client,
            &order,
            &format!("key-{who}"),
            refund_body(100),
        )
        .await;
        assert_eq!(post.status(), 404, "{who} refunds");
        let evidence = client
            .post(app.url("/api/v1/admin/disputes/du_unknown/evidence"))
            .json(&json!({ "evidence": { "customer_name": "x" } }))
            .send()
            .await
            .expect("request");
        assert_eq!(evidence.status(), 404, "{who} sends evidence");
        let email: String = sqlx::query_scalar("SELECT id FROM outbox LIMIT 1")
            .fetch_one(app.db.pool())
            .await
            .expect("an email");
        let resend = client
            .post(app.url(&format!("/api/v1/admin/outbox/{email}/resend")))
            .send()
            .await
            .expect("request");
        assert_eq!(resend.status(), 404, "{who} resends an email");
    }
    assert_eq!(audit_rows(&app, &order).await, 0, "nothing was done");
    assert_eq!(audit_rows(&app, &teacher_id).await, 0);
    let refunded = scalar(
        &app,
        "SELECT refunded_cents FROM orders WHERE id = $1",
        &order,
    )
    .await;
    assert_eq!(refunded, 0);

    for (who, client) in [("admin", &admin), ("another admin", &other_admin)] {
        for path in &reads {
            let status = app.get(client, path).await.status();
            assert_eq!(status, 200, "{who} GET {path}");
        }
    }
    let patch = other_admin
        .patch(app.url(&format!("/api/v1/admin/teachers/{teacher_id}")))
        .json(&json!({ "payout_split_pct": 85 }))
        .send()
        .await
        .expect("request");
    assert_eq!(patch.status(), 200);
    assert_eq!(json(patch).await["payout_split_pct"], 85);
    let post = refund(&app, &admin, &order, "admin-key", refund_body(100)).await;
    assert_eq!(post.status(), 200);
    assert_eq!(audit_rows(&app, &teacher_id).await, 1);
    assert_eq!(audit_rows(&app, &order).await, 1);
    let trail = app.get_json(&admin, "/api/v1/admin/audit").await;
    let actions: Vec<&str> = trail["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(actions, ["order.refund", "teacher.update"], "newest first");
}

async fn a_split_change_applies_to_new_orders_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let teacher = app.new_teacher().await;
    let slot = slot_for_sale_by(&app, &teacher, 15_000, 10, 48).await;
    let teacher_id = teacher_id_of(&app, &slot).await;
    let admin = app.new_admin().await;
    let first = json(checkout(&app, &app.new_user().await, &slot).await).await;

    let bad = admin
        .patch(app.url(&format!("/api/v1/admin/teachers/{teacher_id}")))
        .json(&json!({ "payout_split_pct": 101 }))
        .send()
        .await
        .expect("request");
    assert_eq!(bad.status(), 422);
    let empty = admin
        .patch(app.url(&format!("/api/v1/admin/teachers/{teacher_id}")))
        .json(&json!({}))
        .send()
        .await
        .expect("request");
    assert_eq!(empty.status(), 422);
    assert_eq!(
        audit_rows(&app, &teacher_id).await,
        0,
        "refusals leave no row"
    );

    let changed = admin
        .patch(app.url(&format!("/api/v1/admin/teachers/{teacher_id}")))
        .json(&json!({ "payout_split_pct": 90 }))
        .send()
        .await
        .expect("request");
    assert_eq!(changed.status(), 200);
    let second = json(checkout(&app, &app.new_user().await, &slot).await).await;
    let fee = |order: &Value| {
        let id = order["order_id"].as_str().expect("order").to_owned();
        let app = &app;
        async move {
            scalar(
                app,
                "SELECT application_fee_cents FROM orders WHERE id = $1",
                &id,
            )
            .await
        }
    };
    assert_eq!(fee(&first).await, 3_000, "made at 80 %: keeps its fee");
    assert_eq!(fee(&second).await, 1_500, "made at 90 %");
    assert_eq!(audit_rows(&app, &teacher_id).await, 1);
    let listed = app
        .get_json(&admin, "/api/v1/admin/teachers")
        .await
        .as_array()
        .expect("teachers")
        .iter()
        .find(|t| t["id"] == teacher_id.as_str())
        .cloned()
        .expect("the teacher is listed");
    assert_eq!(listed["payout_split_pct"], 90);
    assert_eq!(listed["charges_enabled"], true);
}

async fn a_suspended_teacher_is_hidden_and_refused_but_bookings_stay(backend: Backend) {
    let app = spawn_app(backend).await;
    let teacher = app.new_teacher().await;
    let (slot, order, student) = paid_booking(&app, &teacher).await;
    let teacher_id = teacher_id_of(&app, &slot).await;
    let session = session_id_of(&app, &slot).await;
    let admin = app.new_admin().await;
    let visitor = app.new_user().await;
    let slots_path = format!("/api/v1/sessions/{session}/slots");
    assert_eq!(app.get(&visitor, &slots_path).await.status(), 200);

    let suspend = |suspended: bool| {
        let admin = &admin;
        let app = &app;
        let teacher_id = &teacher_id;
        async move {
            let response = admin
                .patch(app.url(&format!("/api/v1/admin/teachers/{teacher_id}")))
                .json(&json!({ "suspended": suspended }))
                .send()
                .await
                .expect("request");
            assert_eq!(response.status(), 200);
            json(response).await
        }
    };
    assert_eq!(suspend(true).await["suspended"], true);
    assert_eq!(
        app.get(&visitor, &slots_path).await.status(),
        404,
        "the session is hidden"
    );
    assert!(
        !listed_on_landing(&app, &session).await,
        "and not listed anywhere"
    );
    let refused = checkout(&app, &visitor, &slot).await;
    assert_eq!(refused.status(), 409);
    let body = json(refused).await;
    assert_eq!(
        body["error"]["message"],
        "Läraren tar inte emot bokningar just nu."
    );
    let bookings = app.get_json(&student, "/api/v1/bookings").await;
    assert_eq!(bookings[0]["order_id"], order.as_str(), "the booking stays");
    assert_eq!(
        app.get_json(&student, &format!("/api/v1/orders/{order}"))
            .await["status"],
        "paid"
    );
    assert_eq!(seats_taken(&app, &slot).await, 1);

    assert_eq!(suspend(false).await["suspended"], false);
    assert_eq!(app.get(&visitor, &slots_path).await.status(), 200);
    assert!(listed_on_landing(&app, &session).await);
    assert_eq!(checkout(&app, &visitor, &slot).await.status(), 200);
    assert_eq!(audit_rows(&app, &teacher_id).await, 2);
}

async fn listed_on_landing(app: &TestApp, session_id: &str) -> bool {
    let ctx = app::backend::RequestContext {
        locale: app::model::Locale::Sv,
        token: None,
        client_ip: None,
        user_agent: None,
    };
    app::backend::catalog::sessions::list_published(&app.state, &ctx, chrono::Utc::now(), 100)
        .await
        .expect("listing")
        .iter()
        .any(|s| s.id == session_id)
}

async fn partial_refunds_keep_the_seat_until_nothing_is_left(backend: Backend) {
    let app = spawn_app(backend).await;
    let teacher = app.new_teacher().await;
    let (slot, order, student) = paid_booking(&app, &teacher).await;
    let admin = app.new_admin().await;

    let first = refund(&app, &admin, &order, "k1", refund_body(5_000)).await;
    assert_eq!(first.status(), 200);
    let first = json(first).await;
    assert_eq!(first["status"], "succeeded");
    assert_eq!(first["amount_cents"], 5_000);
    let mine = app
        .get_json(&student, &format!("/api/v1/orders/{order}"))
        .await;
    assert_eq!(mine["status"], "paid", "a partial refund keeps the booking");
    assert_eq!(mine["refunded_cents"], 5_000);
    assert_eq!(seats_taken(&app, &slot).await, 1);

    let second = refund(&app, &admin, &order, "k2", refund_body(6_000)).await;
    assert_eq!(second.status(), 200);
    let too_much = refund(&app, &admin, &order, "k3", refund_body(4_001)).await;
    assert_eq!(too_much.status(), 422, "4 000 is left");
    let detail = app
        .get_json(&admin, &format!("/api/v1/admin/orders/{order}"))
        .await;
    assert_eq!(detail["refundable_cents"], 4_000);
    assert_eq!(seats_taken(&app, &slot).await, 1);

    let rest = refund(&app, &admin, &order, "k4", refund_body(4_000)).await;
    assert_eq!(rest.status(), 200);
    app.webhooks_settled().await;
    let mine = app
        .get_json(&student, &format!("/api/v1/orders/{order}"))
        .await;
    assert_eq!(mine["status"], "refunded");
    assert_eq!(mine["refunded_cents"], 15_000);
    assert_eq!(
        seats_taken(&app, &slot).await,
        0,
        "a full refund frees the seat"
    );
    let after = refund(&app, &admin, &order, "k5", refund_body(1)).await;
    assert_eq!(after.status(), 422, "nothing is left");

    let charge: String = sqlx::query_scalar("SELECT stripe_charge_id FROM orders WHERE id = $1")
        .bind(&order)
        .fetch_one(app.db.pool())
        .await
        .expect("charge");
    let at_stripe = app.sim_get(&format!("/v1/charges/{charge}")).await;
    assert_eq!(at_stripe["amount_refunded"], 15_000);
    assert_eq!(refund_emails(&app, &order).await, 3, "one email per refund");
    assert_eq!(audit_rows(&app, &order).await, 3, "one row per refund made");
}

async fn refund_choices_reach_stripe_as_chosen(backend: Backend) {
    let app = spawn_app(backend).await;
    let teacher = app.new_teacher().await;
    let (_, order, _) = paid_booking(&app, &teacher).await;
    let admin = app.new_admin().await;
    let transfer: String =
        sqlx::query_scalar("SELECT stripe_transfer_id FROM orders WHERE id = $1")
            .bind(&order)
            .fetch_one(app.db.pool())
            .await
            .expect("transfer");

    let kept = refund(
        &app,
        &admin,
        &order,
        "keep",
        json!({
            "amount_cents": 3_000,
            "reverse_transfer": false,
            "refund_application_fee": false,
            "reason": "Goodwill from the platform",
        }),
    )
    .await;
    assert_eq!(kept.status(), 200);
    let stripe_id = json(kept).await["stripe_refund_id"]
        .as_str()
        .expect("refund id")
        .to_owned();
    let at_stripe = app.sim_get(&format!("/v1/refunds/{stripe_id}")).await;
    assert_eq!(at_stripe["amount"], 3_000);
    assert_eq!(at_stripe["transfer_reversal"], Value::Null);
    let tr = app.sim_get(&format!("/v1/transfers/{transfer}")).await;
    assert_eq!(tr["amount_reversed"], 0, "the teacher keeps their share");
    let charge: String = sqlx::query_scalar("SELECT stripe_charge_id FROM orders WHERE id = $1")
        .bind(&order)
        .fetch_one(app.db.pool())
        .await
        .expect("charge");
    let fee_id = app.sim_get(&format!("/v1/charges/{charge}")).await["application_fee"]
        .as_str()
        .expect("the platform took a fee")
        .to_owned();
    let fee = app.sim_get(&format!("/v1/application_fees/{fee_id}")).await;
    assert_eq!(fee["amount"], 3_000);
    assert_eq!(fee["amount_refunded"], 0, "the platform keeps its fee");

    let reversed = refund(&app, &admin, &order, "reverse", refund_body(6_000)).await;
    assert_eq!(reversed.status(), 200);
    let stripe_id = json(reversed).await["stripe_refund_id"]
        .as_str()
        .expect("refund id")
        .to_owned();
    let at_stripe = app.sim_get(&format!("/v1/refunds/{stripe_id}")).await;
    assert!(at_stripe["transfer_reversal"].is_string());
    let tr = app.sim_get(&format!("/v1/transfers/{transfer}")).await;
    assert_eq!(
        tr["amount_reversed"], 4_800,
        "the teacher's 80 % of 60 kr goes back"
    );
    let fee = app.sim_get(&format!("/v1/application_fees/{fee_id}")).await;
    assert_eq!(
        fee["amount_refunded"], 1_200,
        "the platform's 20 % of 60 kr goes back"
    );
}

async fn a_double_submit_refunds_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let teacher = app.new_teacher().await;
    let (_, order, _) = paid_booking(&app, &teacher).await;
    let admin = app.new_admin().await;
    let (a, b) = tokio::join!(
        refund(&app, &admin, &order, "same", refund_body(2_500)),
        refund(&app, &admin, &order, "same", refund_body(2_500)),
    );
    let (a, b) = (json(a).await, json(b).await);
    assert_eq!(a["id"], b["id"], "one refund");
    let again = json(refund(&app, &admin, &order, "same", refund_body(2_500)).await).await;
    assert_eq!(again["id"], a["id"]);
    assert_eq!(again["status"], "succeeded");
    app.webhooks_settled().await;
    let refunded = scalar(
        &app,
        "SELECT refunded_cents FROM orders WHERE id = $1",
        &order,
    )
    .await;
    assert_eq!(refunded, 2_500);
    let charge: String = sqlx::query_scalar("SELECT stripe_charge_id FROM orders WHERE id = $1")
        .bind(&order)
        .fetch_one(app.db.pool())
        .await
        .expect("charge");
    let at_stripe = app.sim_get(&format!("/v1/charges/{charge}")).await;
    assert_eq!(at_stripe["amount_refunded"], 2_500, "Stripe refunded once");
    assert_eq!(refund_emails(&app, &order).await, 1);
    assert_eq!(audit_rows(&app, &order).await, 1);
}

async fn bad_refunds_are_refused_and_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let teacher = app.new_teacher().await;
    let slot = slot_for_sale_by(&app, &teacher, 15_000, 10, 48).await;
    let admin = app.new_admin().await;
    let unpaid = json(checkout(&app, &app.new_user().await, &slot).await).await;
    let unpaid = unpaid["order_id"].as_str().expect("order").to_owned();
    let never_paid = refund(&app, &admin, &unpaid, "k", refund_body(100)).await;
    assert_eq!(never_paid.status(), 409);
    assert_eq!(
        json(never_paid).await["error"]["message"],
        "Ordern är inte betald, så det finns inget att återbetala."
    );
    let (paid, _) = paid_order_on(&app, &slot).await;
    for (key, body, why) in [
        ("k", refund_body(0), "a zero amount"),
        ("k", refund_body(-5), "a negative amount"),
        ("k", refund_body(15_001), "more than was paid"),
        ("", refund_body(100), "no key"),
        (
            "k",
            json!({ "amount_cents": 100, "reverse_transfer": true, "refund_application_fee": true, "reason": "  " }),
            "no reason",
        ),
        ("k", json!({ "amount_cents": "lots" }), "a malformed body"),
    ] {
        let response = refund(&app, &admin, &paid, key, body).await;
        assert_eq!(response.status(), 422, "{why}");
        let message = json(response).await["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(!message.is_empty(), "{why} is explained");
    }
    let unknown = refund(
        &app,
        &admin,
        "018f0000-0000-7000-8000-000000000000",
        "k",
        refund_body(100),
    )
    .await;
    assert_eq!(unknown.status(), 404);
    let refunded = scalar(
        &app,
        "SELECT refunded_cents FROM orders WHERE id = $1",
        &paid,
    )
    .await;
    assert_eq!(refunded, 0);
    assert_eq!(audit_rows(&app, &paid).await, 0);
    assert_eq!(audit_rows(&app, &unpaid).await, 0);
    let reservations = scalar(
        &app,
        "SELECT COUNT(*) FROM admin_refunds WHERE order_id = $1",
        &paid,
    )
    .await;
    assert_eq!(reservations, 0);
}

async fn orders_are_searched_and_opened_with_their_history(backend: Backend) {
    let app = spawn_app(backend).await;
    let teacher = app.new_teacher().await;
    let (_, order, student) = paid_booking(&app, &teacher).await;
    let admin = app.new_admin().await;
    let email = app.get_json(&student, "/api/v1/me").await["email"]
        .as_str()
        .expect("email")
        .to_owned();

    let found = app
        .get_json(
            &admin,
            &format!("/api/v1/admin/orders?q={}", email.to_uppercase()),
        )
        .await;
    let orders = found["orders"].as_array().expect("orders");
    assert_eq!(orders.len(), 1, "found by the student's email, any case");
    assert_eq!(orders[0]["id"], order.as_str());
    assert_eq!(orders[0]["kind"], "seat");
    let none = app
        .get_json(&admin, "/api/v1/admin/orders?status=refunded&q=elev-")
        .await;
    assert!(none["orders"]
        .as_array()
        .expect("orders")
        .iter()
        .all(|o| o["id"] != order.as_str()));
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let dated = app
        .get_json(
            &admin,
            &format!("/api/v1/admin/orders?from={today}&to={today}&status=paid"),
        )
        .await;
    assert!(dated["orders"]
        .as_array()
        .expect("orders")
        .iter()
        .any(|o| o["id"] == order.as_str()));
    let bad_date = app.get(&admin, "/api/v1/admin/orders?from=yesterday").await;
    assert_eq!(bad_date.status(), 422);

    assert_eq!(
        refund(&app, &admin, &order, "h", refund_body(1_000))
            .await
            .status(),
        200
    );
    app.webhooks_settled().await;
    let detail = app
        .get_json(&admin, &format!("/api/v1/admin/orders/{order}"))
        .await;
    assert!(detail["stripe_payment_intent"]
        .as_str()
        .is_some_and(|s| s.starts_with("pi_")));
    assert!(detail["stripe_charge_id"]
        .as_str()
        .is_some_and(|s| s.starts_with("ch_")));
    let events: Vec<&str> = detail["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["event_type"].as_str())
        .collect();
    assert!(events.contains(&"payment_intent.succeeded"), "{events:?}");
    assert!(events.contains(&"charge.refunded"), "{events:?}");
    let kinds: Vec<&str> = detail["emails"]
        .as_array()
        .expect("emails")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"platform_refund"), "{kinds:?}");
    assert_eq!(detail["refunds"].as_array().map(Vec::len), Some(1));
    assert_eq!(detail["audit"].as_array().map(Vec::len), Some(1));
    assert_eq!(detail["refundable_cents"], 14_000);
    assert_eq!(detail["teacher_share_cents"], 12_000);
}

async fn suspending_can_also_cancel_and_refund_upcoming_classes(backend: Backend) {
    let app = spawn_app(backend).await;
    let teacher = app.new_teacher().await;
    let (slot, order, student) = paid_booking(&app, &teacher).await;
    let teacher_id = teacher_id_of(&app, &slot).await;
    let admin = app.new_admin().await;
    let path = format!("/api/v1/admin/teachers/{teacher_id}");
    let alone = admin
        .patch(app.url(&path))
        .json(&json!({ "cancel_upcoming_bookings": true }))
        .send()
        .await
        .expect("request");
    assert_eq!(alone.status(), 422, "cancelling needs a suspension");
    assert_eq!(
        scalar(
            &app,
            "SELECT seats_taken FROM session_slots WHERE id = $1",
            &slot
        )
        .await,
        1
    );
    let both = admin
        .patch(app.url(&path))
        .json(&json!({ "suspended": true, "cancel_upcoming_bookings": true }))
        .send()
        .await
        .expect("request");
    assert_eq!(both.status(), 200);
    assert_eq!(json(both).await["slots_cancelled"], 1);
    app.eventually(|| async {
        app.get_json(&student, &format!("/api/v1/orders/{order}"))
            .await["status"]
            == "refunded"
    })
    .await;
    assert_eq!(seats_taken(&app, &slot).await, 0);
    assert_eq!(audit_rows(&app, &teacher_id).await, 1);
}
