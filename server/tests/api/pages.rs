//! Server-rendered pages and server functions, as a browser without
//! JavaScript would see them.

use crate::helpers::{spawn_app, unique_email, Backend, PASSWORD};
use crate::on_both_databases;

on_both_databases!(
    landing_is_swedish_by_default_and_english_by_cookie,
    unknown_page_is_404,
    account_redirects_visitors_to_login,
    login_form_works_without_javascript,
    demo_data_shows_every_state_on_landing_and_home,
);

async fn landing_is_swedish_by_default_and_english_by_cookie(backend: Backend) {
    let app = spawn_app(backend).await;
    let client = app.bare_client();
    let swedish = client.get(app.url("/")).send().await.expect("request");
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
    let response = app
        .client
        .get(app.url("/no-such-page"))
        .send()
        .await
        .expect("request");
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

/// The login form posts to its server function; without JavaScript the
/// server answers with a redirect and the session cookie.
async fn login_form_works_without_javascript(backend: Backend) {
    let app = spawn_app(backend).await;
    let email = unique_email();
    app.signup(&email).await;
    let login_page = app
        .bare_client()
        .get(app.url("/login"))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
    let action = login_page
        .split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the login form has an action")
        .to_owned();

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
    let account = fresh
        .get(app.url("/account"))
        .send()
        .await
        .expect("request");
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

    let landing = app
        .bare_client()
        .get(app.url("/"))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
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
        .bare_client()
        .get(app.url("/api/v1/studio/sessions?status=published"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    let mut states = std::collections::BTreeSet::new();
    for session in sessions.as_array().expect("list") {
        let id = session["id"].as_str().expect("id");
        let slots: serde_json::Value = app
            .bare_client()
            .get(app.url(&format!("/api/v1/sessions/{id}/slots")))
            .send()
            .await
            .expect("request")
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
}
