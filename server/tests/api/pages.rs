//! Server-rendered pages and server functions, as a browser without
//! JavaScript would see them.

use crate::helpers::{json, spawn_app, unique_email, Backend, TestApp, PASSWORD};
use crate::on_both_databases;

on_both_databases!(
    landing_is_swedish_by_default_and_english_by_cookie,
    unknown_page_is_404,
    account_redirects_visitors_to_login,
    login_form_works_without_javascript,
    server_functions_refuse_control_characters,
    demo_data_shows_every_state_on_landing_and_home,
);

async fn landing_is_swedish_by_default_and_english_by_cookie(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.bare_client();
    let swedish = app.get(&client, "/").await;
    assert_eq!(swedish.status(), 200);
    let html = swedish.text().await.expect("body");
    assert!(html.contains("lang=\"sv\""), "{html}");
    assert!(html.contains("Logga in"));

    let english = client
        .get(app.url("/"))
        .header("cookie", "aveli_locale=en")
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
    assert!(english.contains("lang=\"en\""));
    assert!(english.contains("Log in"));
}

async fn unknown_page_is_404(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app.get(&app.client, "/no-such-page").await;
    assert_eq!(response.status(), 404);
    assert!(response
        .text()
        .await
        .expect("body")
        .contains("Sidan finns inte"));
}

async fn account_redirects_visitors_to_login(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .client
        .get(app.url("/account"))
        .header("accept", "text/html")
        .send()
        .await
        .expect("request");
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(
        response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some("/login")
    );
}

/// The login form's server function, as the page's form names it.
async fn login_action(app: &TestApp) -> String {
    app.get_text(&app.bare_client(), "/login")
        .await
        .split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the login form has an action")
        .to_owned()
}

/// A NUL in a server function's argument is refused with 422 and the error
/// body the page shows, before it reaches SQL (PostgreSQL answered 500).
async fn server_functions_refuse_control_characters(backend: Backend) {
    let app = spawn_app(backend).await;
    let action = login_action(&app).await;
    for (email, password) in [
        ("a\u{0}@example.com", PASSWORD),
        ("a@example.com", "x\u{1}"),
    ] {
        let refused = app
            .bare_client()
            .post(app.url(&action))
            .header("accept", "application/json")
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .expect("request");
        assert_eq!(refused.status(), 422, "{email:?}");
        let body = json(refused).await;
        assert_eq!(body["code"], "validation");
        assert!(body["message"]
            .as_str()
            .is_some_and(|m| !m.contains('\u{0}')));
    }
    // A newline and a tab are text, not refused: the login itself answers.
    let answered = app
        .bare_client()
        .post(app.url(&action))
        .header("accept", "application/json")
        .form(&[("email", "a@example.com"), ("password", "x\ty")])
        .send()
        .await
        .expect("request");
    assert_eq!(answered.status(), 401);
}

/// The login form posts to its server function; without JavaScript the
/// server answers with a redirect and the session cookie.
async fn login_form_works_without_javascript(backend: Backend) {
    let app = spawn_app(backend).await;
    let email = unique_email();
    app.signup(&email).await;
    let action = login_action(&app).await;

    let fresh = crate::helpers::client_builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let response = fresh
        .post(app.url(&action))
        .header("accept", "text/html")
        .form(&[("email", email.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .expect("request");
    assert!(response.status().is_redirection(), "{}", response.status());
    let account = app.get(&fresh, "/account").await;
    assert_eq!(account.status(), 200);
    assert!(account.text().await.expect("body").contains(&email));
}

/// The demo seed is idempotent and fills the landing page (upcoming only, and
/// the demo course) and home's "Tidigare sändningar" (past with a recording,
/// link withheld).
async fn demo_data_shows_every_state_on_landing_and_home(backend: Backend) {
    let app = spawn_app(backend).await;
    assert!(app::backend::demo::seed(&app.db, app.state.clock.now())
        .await
        .expect("seed"));
    assert!(!app::backend::demo::seed(&app.db, app.state.clock.now())
        .await
        .expect("seed again"));
    // Every taken demo seat is a booking: the reconciliation finds nothing.
    let report = app::backend::booking::reconcile::run(&app.state)
        .await
        .expect("reconcile");
    assert_eq!(report.unresolved, 0, "{report:?}");

    let landing = app.get_text(&app.bare_client(), "/").await;
    for title in [
        "Månsken-yoga",
        "Andning vid fullmåne",
        "Meditation i gryningen",
    ] {
        assert!(landing.contains(title), "{title} missing on /");
    }
    assert!(
        !landing.contains("Yin under nymånen"),
        "a past session leaves the top"
    );
    assert!(
        landing.contains("Andning i fyra veckor"),
        "the demo course is for sale on /"
    );
    let courses: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM courses WHERE title = 'Andning i fyra veckor' AND visibility = 'published'",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("count");
    assert_eq!(courses, 1, "seeded once");

    let sessions: serde_json::Value = app
        .get(
            &app.bare_client(),
            "/api/v1/studio/sessions?status=published",
        )
        .await
        .json()
        .await
        .expect("json");
    let mut states = std::collections::BTreeSet::new();
    for session in sessions.as_array().expect("list") {
        let id = session["id"].as_str().expect("id");
        let slots: serde_json::Value = app
            .get(&app.bare_client(), &format!("/api/v1/sessions/{id}/slots"))
            .await
            .json()
            .await
            .expect("json");
        for slot in slots.as_array().expect("slots") {
            states.insert(
                slot["availability"]
                    .as_str()
                    .expect("availability")
                    .to_owned(),
            );
        }
    }
    let states: Vec<&str> = states.iter().map(String::as_str).collect();
    assert_eq!(states, ["almost_full", "full", "upcoming"]);

    app.signup(&unique_email()).await;
    let home = app
        .client
        .get(app.url("/home"))
        .header("accept", "text/html")
        .send()
        .await
        .expect("request");
    assert_eq!(home.status(), 200);
    let home = home.text().await.expect("body");
    assert!(home.contains("Tidigare sändningar"));
    assert!(home.contains("Yin under nymånen"));
    assert!(
        home.contains("Det finns en inspelning"),
        "the link is withheld from a non-booker"
    );
    assert!(
        !home.contains("video.aveli.test"),
        "the recording URL never reaches them"
    );

    // The demo student's class about to start: its join link works offline,
    // and its 1-hour reminder is due at once. (Serving runs the backfill at
    // start-up; this app started before the seed.)
    app::backend::attendance::join::backfill_hashes(&app.state)
        .await
        .expect("backfill");
    let student = crate::helpers::client_builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let login = student
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({
            "email": app::backend::demo::STUDENT.email,
            "password": app::backend::demo::STUDENT.password,
        }))
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), 200);
    let bookings = app.get_json(&student, "/api/v1/bookings").await;
    let live = bookings
        .as_array()
        .and_then(|list| {
            list.iter()
                .find(|b| b["session_title"] == app::backend::demo::LIVE_SOON_TITLE)
        })
        .expect("the demo student's class about to start");
    let link = live["join_url"].as_str().expect("a join link");
    let path = link.strip_prefix(&app.address).expect("on the public URL");
    assert_eq!(app.get(&app.bare_client(), path).await.status(), 200);
    app.advance_clock(35 * 60);
    let opened = app.get(&app.bare_client(), path).await;
    assert_eq!(opened.status(), 303);
    assert_eq!(
        opened.headers()["location"],
        "https://meet.jit.si/aveli-demo-live"
    );
    app.advance_clock(-35 * 60);
    app::backend::attendance::reminders::send_due(&app.state)
        .await
        .expect("reminders");
    let reminders: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE kind = 'reminder' AND dedupe_key LIKE $1",
    )
    .bind(format!(
        "reminder:{}:%:1",
        live["order_id"].as_str().expect("order id")
    ))
    .fetch_one(app.db.pool())
    .await
    .expect("count");
    assert_eq!(reminders, 1, "the demo reminder goes out as an .eml");
}
