//! Connect Express onboarding through the simulator's hosted page, the
//! status mirror, and the publish gate for paid sessions.

use reqwest::header::LOCATION;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    onboarding_through_the_hosted_page_activates_payouts,
    abandoning_onboarding_leaves_it_incomplete_and_refresh_gives_a_new_link,
    paid_sessions_need_active_payouts_but_free_ones_do_not,
    onboarding_twice_keeps_one_account,
);

async fn status(app: &TestApp, client: &reqwest::Client) -> Value {
    let response = app.get(client, "/api/v1/connect/status").await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("a Location header")
        .to_owned()
}

/// The `link` parameter of a hosted onboarding URL.
fn link_token(url: &str) -> String {
    url.split("link=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .expect("link parameter")
        .to_owned()
}

async fn onboarding_through_the_hosted_page_activates_payouts(backend: Backend) {
    let app = spawn_app(backend).await;
    let teacher = app.new_teacher_without_payouts().await;
    assert_eq!(status(&app, &teacher).await["state"], "not_started");

    let (account, url) = app.start_onboarding(&teacher).await;
    let before = status(&app, &teacher).await;
    assert_eq!(before["state"], "incomplete");
    assert!(
        !before["currently_due"].as_array().expect("list").is_empty(),
        "Stripe's outstanding requirements are shown: {before}"
    );

    // The hosted page renders, then the teacher submits it.
    let page = app.bare_client().get(&url).send().await.expect("request");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("html").contains("<form"));
    let submitted = app
        .bare_client()
        .post(app.sim_url(&format!("/connect/onboarding/{account}")))
        .form(&[
            ("link", link_token(&url).as_str()),
            ("name", "Luna Yoga AB"),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(submitted.status(), 303);
    assert_eq!(location(&submitted), app.url("/studio/connect/return"));

    // Back on our site: the return URL refreshes from Stripe and lands on the payouts page.
    let back = app.get(&teacher, "/studio/connect/return").await;
    assert_eq!(back.status(), 303);
    assert_eq!(location(&back), "/studio/payouts?returned=1");
    let after = status(&app, &teacher).await;
    assert_eq!(after["state"], "active");
    assert_eq!(after["charges_enabled"], true);
    assert_eq!(after["payouts_enabled"], true);
    assert_eq!(after["details_submitted"], true);
    let onboarded_at: Option<i64> = sqlx::query_scalar(
        "SELECT onboarded_at FROM teachers WHERE stripe_connect_account_id = $1",
    )
    .bind(&account)
    .fetch_one(app.db.pool())
    .await
    .expect("teacher row");
    assert!(onboarded_at.is_some());
}

async fn abandoning_onboarding_leaves_it_incomplete_and_refresh_gives_a_new_link(backend: Backend) {
    let app = spawn_app(backend).await;
    let teacher = app.new_teacher_without_payouts().await;
    let (account, url) = app.start_onboarding(&teacher).await;
    let abandoned = app
        .bare_client()
        .post(app.sim_url(&format!("/connect/onboarding/{account}")))
        .form(&[("link", link_token(&url).as_str()), ("action", "abandon")])
        .send()
        .await
        .expect("request");
    assert_eq!(abandoned.status(), 303);
    assert_eq!(location(&abandoned), app.url("/studio/connect/refresh"));

    let refreshed = app.get(&teacher, "/studio/connect/refresh").await;
    assert_eq!(refreshed.status(), 303);
    let new_link = location(&refreshed);
    assert!(
        new_link.contains(&format!("/connect/onboarding/{account}")),
        "{new_link}"
    );
    assert_ne!(link_token(&new_link), link_token(&url), "a fresh link");
    assert_eq!(status(&app, &teacher).await["state"], "incomplete");
}

async fn paid_sessions_need_active_payouts_but_free_ones_do_not(backend: Backend) {
    let app = spawn_app(backend).await;
    let teacher = app.new_teacher_without_payouts().await;
    let session = |price: i64, visibility: &str| {
        json!({
            "title": "Kvällsyoga",
            "description": "",
            "capacity": 10,
            "price_cents": price,
            "currency": "SEK",
            "visibility": visibility,
            "recording_url": null,
        })
    };
    let save = |body: Value| {
        let teacher = teacher.clone();
        let url = app.url("/api/v1/studio/sessions");
        async move { teacher.post(url).json(&body).send().await.expect("request") }
    };

    let refused = save(session(15_000, "published")).await;
    assert_eq!(refused.status(), 409);
    let body: Value = refused.json().await.expect("json");
    assert_eq!(body["error"]["code"], "payments_not_enabled");
    assert!(body["error"]["message"]
        .as_str()
        .expect("message")
        .contains("utbetalningskonto"));
    // The fuzzer found this 409 missing from the document once.
    let doc = app.get_json(&app.client, "/api/v1/openapi.json").await;
    assert!(
        doc["paths"]["/api/v1/studio/sessions"]["post"]["responses"]["409"].is_object(),
        "saving a session documents its 409"
    );

    assert_eq!(
        save(session(15_000, "draft")).await.status(),
        200,
        "a paid draft is fine"
    );
    assert_eq!(
        save(session(0, "published")).await.status(),
        200,
        "a free session is fine"
    );

    app.onboard(&teacher).await;
    assert_eq!(save(session(15_000, "published")).await.status(), 200);
}

async fn onboarding_twice_keeps_one_account(backend: Backend) {
    let app = spawn_app(backend).await;
    let teacher = app.new_teacher_without_payouts().await;
    let (first, _) = app.start_onboarding(&teacher).await;
    let (second, _) = app.start_onboarding(&teacher).await;
    assert_eq!(first, second);
    let student = app.new_user().await;
    let refused = app.post(&student, "/api/v1/connect/onboarding").await;
    assert_eq!(refused.status(), 403, "students have no payouts");
}
