//! Sign up, log in, who am I, log out, become a teacher, and the guards
//! around them (duplicate emails, wrong passwords, foreign origins, rate
//! limits).

use crate::helpers::{json, spawn_app, unique_email, Backend, PASSWORD};
use crate::on_both_databases;

on_both_databases!(
    signup_logs_in_and_me_answers_with_the_cookie,
    duplicate_signup_is_refused_in_the_users_words,
    signup_input_is_validated,
    login_works_and_wrong_password_is_refused,
    login_server_function_refuses_with_a_4xx,
    me_accepts_a_bearer_token,
    logout_ends_the_session,
    foreign_origin_is_refused,
    failed_logins_are_rate_limited,
    become_a_teacher,
);

async fn signup_logs_in_and_me_answers_with_the_cookie(backend: Backend) {
    let app = spawn_app(backend).await;
    let email = unique_email();

    let response = app.signup(&email.to_uppercase()).await;
    assert_eq!(response.status(), 201);
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a session cookie")
        .to_owned();
    assert!(cookie.starts_with("aveli_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain http must not set Secure: {cookie}"
    );
    let body = json(response).await;
    assert_eq!(
        body["user"]["email"], email,
        "emails are stored lower-cased"
    );
    assert_eq!(body["user"]["display_name"], "Test Elev");
    assert_eq!(body["user"]["is_teacher"], false);
    assert_eq!(
        body["token"].as_str().map(str::len),
        Some(43),
        "256-bit base64url token"
    );

    let me = app.get(&app.client, "/api/v1/me").await;
    assert_eq!(me.status(), 200);
    assert_eq!(json(me).await["email"], email);
}

async fn duplicate_signup_is_refused_in_the_users_words(backend: Backend) {
    let app = spawn_app(backend).await;
    let email = unique_email();
    assert_eq!(app.signup(&email).await.status(), 201);

    let again = app.signup(&email).await;
    assert_eq!(again.status(), 409);
    let body = json(again).await;
    assert_eq!(body["error"]["code"], "email_taken");
    assert_eq!(
        body["error"]["message"],
        "E-postadressen är redan registrerad"
    );

    let english = app
        .bare_client()
        .post(app.url("/api/v1/auth/signup"))
        .header("accept-language", "en-GB,en;q=0.9")
        .json(&serde_json::json!({
            "email": format!("  {}  ", email.to_uppercase()),
            "display_name": "Someone Else",
            "password": "another long password",
        }))
        .send()
        .await
        .expect("request");
    assert_eq!(english.status(), 409);
    assert_eq!(
        json(english).await["error"]["message"],
        "That email is already registered"
    );
}

async fn signup_input_is_validated(backend: Backend) {
    let app = spawn_app(backend).await;
    let cases = [
        (
            unique_email(),
            "Namn",
            "kort",
            "Lösenordet måste vara minst 10 tecken",
        ),
        (
            "inte-en-adress".to_owned(),
            "Namn",
            PASSWORD,
            "Ange en giltig e-postadress",
        ),
        (unique_email(), "   ", PASSWORD, "Ange ditt namn"),
    ];
    for (email, name, password, message) in cases {
        let response = app
            .client
            .post(app.url("/api/v1/auth/signup"))
            .json(
                &serde_json::json!({ "email": email, "display_name": name, "password": password }),
            )
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 422);
        let body = json(response).await;
        assert_eq!(body["error"]["code"], "validation");
        assert_eq!(body["error"]["message"], message);
    }

    let broken = app
        .client
        .post(app.url("/api/v1/auth/signup"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .expect("request");
    assert_eq!(broken.status(), 422);
    assert_eq!(json(broken).await["error"]["code"], "validation");
}

async fn login_works_and_wrong_password_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let email = unique_email();
    app.signup(&email).await;

    let ok = app.login(&email, PASSWORD).await;
    assert_eq!(ok.status(), 200);
    let body = json(ok).await;
    assert_eq!(body["user"]["email"], email);
    assert!(body["token"].is_string());

    let wrong = app.login(&email, "not the password").await;
    assert_eq!(wrong.status(), 401);
    let wrong_body = json(wrong).await;
    assert_eq!(wrong_body["error"]["code"], "invalid_credentials");

    // An unknown email gets exactly the same answer: no account probing.
    let unknown = app.login(&unique_email(), PASSWORD).await;
    assert_eq!(unknown.status(), 401);
    assert_eq!(json(unknown).await, wrong_body);
}

/// The page's login goes through its server function, not the REST API: a
/// wrong password is a refusal (401 with the error in the body), not a 500.
/// A plain form post without JavaScript is still sent back to its page.
async fn login_server_function_refuses_with_a_4xx(backend: Backend) {
    use leptos::server_fn::ServerFn;

    let app = spawn_app(backend).await;
    let email = unique_email();
    app.signup(&email).await;
    let path = <app::api::accounts::Login as ServerFn>::PATH;
    let form = [("email", email.as_str()), ("password", "not the password")];

    let wrong = app
        .bare_client()
        .post(app.url(path))
        .form(&form)
        .send()
        .await
        .expect("request");
    assert_eq!(wrong.status(), 401);
    let body = json(wrong).await;
    assert_eq!(body["code"], "invalid_credentials");
    assert_eq!(
        body["message"],
        app::i18n::strings(app::model::Locale::Sv).err_wrong_credentials
    );

    let without_javascript = app
        .bare_client()
        .post(app.url(path))
        .header("accept", "text/html")
        .header("referer", app.url("/login"))
        .form(&form)
        .send()
        .await
        .expect("request");
    assert!(
        without_javascript.status().is_redirection(),
        "{}",
        without_javascript.status()
    );
    let location = without_javascript
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        location.contains("/login") && location.contains("__err="),
        "{location}"
    );
}

async fn me_accepts_a_bearer_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let email = unique_email();
    let token = json(app.signup(&email).await).await["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let client = app.bare_client();

    let anonymous = app.get(&client, "/api/v1/me").await;
    assert_eq!(anonymous.status(), 401);
    assert_eq!(json(anonymous).await["error"]["code"], "unauthorized");

    let me = client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request");
    assert_eq!(me.status(), 200);
    assert_eq!(json(me).await["email"], email);

    let forged = client
        .get(app.url("/api/v1/me"))
        .bearer_auth("not-a-real-token")
        .send()
        .await
        .expect("request");
    assert_eq!(forged.status(), 401);
}

async fn logout_ends_the_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let email = unique_email();
    let token = json(app.signup(&email).await).await["token"]
        .as_str()
        .expect("token")
        .to_owned();

    // Cookie session: logout clears the cookie and /me refuses afterwards.
    let logout = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .send()
        .await
        .expect("request");
    assert_eq!(logout.status(), 204);
    let cleared = logout
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let me = app.get(&app.client, "/api/v1/me").await;
    assert_eq!(me.status(), 401);

    // The token itself is dead on the server, not only forgotten by the client.
    let replay = app
        .bare_client()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request");
    assert_eq!(replay.status(), 401);
}

async fn foreign_origin_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = serde_json::json!({
        "email": unique_email(),
        "display_name": "Test Elev",
        "password": PASSWORD,
    });

    let foreign = app
        .client
        .post(app.url("/api/v1/auth/signup"))
        .header("origin", "https://evil.example")
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(foreign.status(), 403);
    assert_eq!(json(foreign).await["error"]["code"], "forbidden");

    let same = app
        .client
        .post(app.url("/api/v1/auth/signup"))
        .header("origin", &app.address)
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(same.status(), 201, "the foreign attempt created nothing");
}

async fn failed_logins_are_rate_limited(backend: Backend) {
    let app = spawn_app(backend).await;
    let email = unique_email();
    app.signup(&email).await;

    for attempt in 1..=5 {
        assert_eq!(
            app.login(&email, "wrong password!").await.status(),
            401,
            "attempt {attempt}"
        );
    }
    let limited = app.login(&email, "wrong password!").await;
    assert_eq!(limited.status(), 429);
    let retry_after: i64 = limited
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After seconds");
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    assert_eq!(json(limited).await["error"]["code"], "rate_limited");

    // Even the right password waits: the lock is on the account.
    assert_eq!(app.login(&email, PASSWORD).await.status(), 429);
    // Another account from the same client is not locked by these five.
    let other = unique_email();
    app.signup(&other).await;
    assert_eq!(app.login(&other, PASSWORD).await.status(), 200);
}

async fn become_a_teacher(backend: Backend) {
    let app = spawn_app(backend).await;
    let anonymous = app.post(&app.bare_client(), "/api/v1/teachers").await;
    assert_eq!(anonymous.status(), 401);

    app.signup(&unique_email()).await;
    for _ in 0..2 {
        let response = app
            .client
            .post(app.url("/api/v1/teachers"))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200, "idempotent");
        assert_eq!(json(response).await["is_teacher"], true);
    }
    let me = app.get_json(&app.client, "/api/v1/me").await;
    assert_eq!(me["is_teacher"], true);
}
