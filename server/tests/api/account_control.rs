//! Accounts people can recover and control, on both databases: a forgotten
//! password, password and email changes, the address's confirmation, the
//! time zone, devices, the data export and the deletion of an account.
//! Links are read from the outbox, as a person reads their mailbox; time
//! moves with the server's clock.

use serde_json::{json, Value};
use sqlx::Row;

use crate::helpers::{
    checkout, client_builder, json, pay, slot_for_sale_by, spawn_app, unique_email, Backend,
    TestApp, PASSWORD,
};
use crate::on_both_databases;

on_both_databases!(
    forgot_answers_alike_and_its_link_works_once_within_the_hour,
    a_reset_signs_out_every_session_of_the_account,
    forgot_password_is_rate_limited,
    a_password_change_needs_the_current_one_and_ends_the_other_sessions,
    an_email_change_applies_only_after_confirmation,
    two_accounts_racing_for_one_address_end_with_one_holder,
    a_new_account_confirms_its_address,
    the_new_york_viewer_sees_local_times_across_both_dst_changes,
    devices_are_listed_and_signed_out_one_or_all_others,
    the_export_holds_the_users_own_data_and_no_secrets,
    deletion_is_refused_while_something_depends_on_the_account,
    a_deleted_account_is_anonymised_and_its_orders_stay,
);

/// A signed-in client of its own, on a new account; its address.
async fn account(app: &TestApp, user_agent: &str) -> (reqwest::Client, String) {
    let client = client_builder()
        .cookie_store(true)
        .user_agent(user_agent)
        .build()
        .expect("client");
    let email = unique_email();
    let response = client
        .post(app.url("/api/v1/auth/signup"))
        .json(&json!({ "email": email, "display_name": "Test Person", "password": PASSWORD }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 201);
    (client, email)
}

/// Another signed-in client of the same account.
async fn login(app: &TestApp, email: &str, password: &str, user_agent: &str) -> reqwest::Client {
    let client = client_builder()
        .cookie_store(true)
        .user_agent(user_agent)
        .build()
        .expect("client");
    let response = client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200, "login of {email}");
    client
}

async fn me_status(app: &TestApp, client: &reqwest::Client) -> u16 {
    app.get(client, "/api/v1/me").await.status().as_u16()
}

async fn post_json(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    body: Value,
) -> reqwest::Response {
    client
        .post(app.url(path))
        .json(&body)
        .send()
        .await
        .expect("request")
}

/// The emails of `kind` to `recipient` in the outbox: (subject, text body).
async fn mails(app: &TestApp, kind: &str, recipient: &str) -> Vec<(String, String)> {
    sqlx::query("SELECT subject, body_text FROM outbox WHERE kind = $1 AND recipient = $2 ORDER BY created_at, id")
        .bind(kind)
        .bind(recipient)
        .fetch_all(app.db.pool())
        .await
        .expect("outbox")
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect()
}

/// The token of the last link of `kind` emailed to `recipient`, waiting for it.
async fn emailed_token(app: &TestApp, kind: &str, recipient: &str, count: usize) -> String {
    app.eventually(|| async { mails(app, kind, recipient).await.len() >= count })
        .await;
    let (_, body) = mails(app, kind, recipient).await.pop().expect("an email");
    let marker = if kind == "password_reset" {
        "/password/reset/"
    } else {
        "/email/confirm/"
    };
    token_in(&body, marker)
}

/// The token of the link to `marker` in an email's body.
fn token_in(body: &str, marker: &str) -> String {
    let at = body.find(marker).expect("a link in the email") + marker.len();
    body[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// Books a seat on a free slot (paid at once); the order id.
async fn book_free(app: &TestApp, client: &reqwest::Client, slot_id: &str) -> String {
    let started = json(checkout(app, client, slot_id).await).await;
    assert_eq!(started["status"], "paid", "a free seat is booked at once");
    started["order_id"].as_str().expect("order").to_owned()
}

async fn forgot(app: &TestApp, email: &str) -> reqwest::Response {
    post_json(
        app,
        &app.bare_client(),
        "/api/v1/auth/password/forgot",
        json!({ "email": email }),
    )
    .await
}

async fn reset(app: &TestApp, client: &reqwest::Client, token: &str, password: &str) -> u16 {
    post_json(
        app,
        client,
        "/api/v1/auth/password/reset",
        json!({ "token": token, "password": password }),
    )
    .await
    .status()
    .as_u16()
}

async fn forgot_answers_alike_and_its_link_works_once_within_the_hour(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, email) = account(&app, "test").await;
    let nobody = unique_email();

    let known = forgot(&app, &email.to_uppercase()).await;
    let unknown = forgot(&app, &nobody).await;
    assert_eq!(known.status(), 202);
    assert_eq!(unknown.status(), 202);
    assert_eq!(
        known.text().await.expect("body"),
        unknown.text().await.expect("body"),
        "the same answer either way"
    );
    let first = emailed_token(&app, "password_reset", &email, 1).await;
    assert!(mails(&app, "password_reset", &nobody).await.is_empty());
    assert!(first.len() >= 43, "at least 256 bits: {first}");

    // A newer request supersedes the older link.
    assert_eq!(forgot(&app, &email).await.status(), 202);
    let second = emailed_token(&app, "password_reset", &email, 2).await;
    assert_ne!(first, second);
    assert_eq!(
        reset(&app, &app.bare_client(), &first, "a brand new password").await,
        404
    );

    // A password the rules refuse leaves the link unused.
    assert_eq!(reset(&app, &app.bare_client(), &second, "kort").await, 422);
    app.advance_clock(59 * 60);
    let fresh = client_builder().cookie_store(true).build().expect("client");
    assert_eq!(
        reset(&app, &fresh, &second, "a brand new password").await,
        200
    );
    assert_eq!(
        me_status(&app, &fresh).await,
        200,
        "the reset signs this browser in"
    );
    assert_eq!(
        reset(&app, &app.bare_client(), &second, "yet another password").await,
        404,
        "once"
    );
    login(&app, &email, "a brand new password", "test").await;

    // A link is good for 60 minutes.
    assert_eq!(forgot(&app, &email).await.status(), 202);
    let third = emailed_token(&app, "password_reset", &email, 3).await;
    app.advance_clock(60 * 60 + 1);
    assert_eq!(
        reset(&app, &app.bare_client(), &third, "too late a password").await,
        404
    );
}

async fn a_reset_signs_out_every_session_of_the_account(backend: Backend) {
    let app = spawn_app(backend).await;
    let (first, email) = account(&app, "phone").await;
    let second = login(&app, &email, PASSWORD, "laptop").await;
    let (other, _) = account(&app, "other person").await;

    assert_eq!(forgot(&app, &email).await.status(), 202);
    let token = emailed_token(&app, "password_reset", &email, 1).await;
    let fresh = client_builder().cookie_store(true).build().expect("client");
    assert_eq!(
        reset(&app, &fresh, &token, "a brand new password").await,
        200
    );

    assert_eq!(me_status(&app, &first).await, 401);
    assert_eq!(me_status(&app, &second).await, 401);
    assert_eq!(me_status(&app, &fresh).await, 200);
    assert_eq!(
        me_status(&app, &other).await,
        200,
        "another account is untouched"
    );
    assert_eq!(
        app.login(&email, PASSWORD).await.status(),
        401,
        "the old password is gone"
    );
}

async fn forgot_password_is_rate_limited(backend: Backend) {
    let app = spawn_app(backend).await;
    let email = unique_email();
    for _ in 0..5 {
        assert_eq!(forgot(&app, &email).await.status(), 202);
    }
    let limited = forgot(&app, &email).await;
    assert_eq!(limited.status(), 429);
    let wait: i64 = limited.headers()["retry-after"]
        .to_str()
        .expect("header")
        .parse()
        .expect("seconds");
    assert!(wait > 0 && wait <= 15 * 60, "{wait}");
    assert_eq!(json(limited).await["error"]["code"], "rate_limited");
    assert_eq!(
        forgot(&app, &unique_email()).await.status(),
        202,
        "per address"
    );
    app.advance_clock(15 * 60 + 1);
    assert_eq!(
        forgot(&app, &email).await.status(),
        202,
        "the window passes"
    );
}

async fn a_password_change_needs_the_current_one_and_ends_the_other_sessions(backend: Backend) {
    let app = spawn_app(backend).await;
    let (this, email) = account(&app, "this").await;
    let other = login(&app, &email, PASSWORD, "other").await;
    let change = |current: &'static str, new: &'static str| {
        post_json(
            &app,
            &this,
            "/api/v1/me/password",
            json!({ "current_password": current, "new_password": new }),
        )
    };

    let wrong = change("not the password", "a brand new password").await;
    assert_eq!(wrong.status(), 403);
    assert_eq!(json(wrong).await["error"]["message"], "Fel lösenord");
    assert_eq!(change(PASSWORD, "kort").await.status(), 422);
    assert_eq!(
        me_status(&app, &other).await,
        200,
        "refusals change nothing"
    );

    assert_eq!(change(PASSWORD, "a brand new password").await.status(), 204);
    assert_eq!(me_status(&app, &this).await, 200, "this session stays");
    assert_eq!(me_status(&app, &other).await, 401, "the others end");
    assert_eq!(app.login(&email, PASSWORD).await.status(), 401);
    assert_eq!(
        app.login(&email, "a brand new password").await.status(),
        200
    );
}

async fn request_email_change(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
) -> reqwest::Response {
    post_json(
        app,
        client,
        "/api/v1/me/email",
        json!({ "email": email, "password": PASSWORD }),
    )
    .await
}

async fn confirm(app: &TestApp, token: &str) -> reqwest::Response {
    post_json(
        app,
        &app.bare_client(),
        "/api/v1/auth/email/confirm",
        json!({ "token": token }),
    )
    .await
}

async fn an_email_change_applies_only_after_confirmation(backend: Backend) {
    let app = spawn_app(backend).await;
    let (client, old) = account(&app, "test").await;
    let me = app.get_json(&client, "/api/v1/me").await;
    let user_id = me["id"].as_str().expect("id").to_owned();
    // A Stripe Customer, as a member has: its copy of the address follows.
    let customer = app
        .state
        .stripe
        .create_customer(&user_id, &old, "Test Person")
        .await
        .expect("customer");
    sqlx::query("UPDATE users SET stripe_customer_id = $1 WHERE id = $2")
        .bind(&customer)
        .bind(&user_id)
        .execute(app.db.pool())
        .await
        .expect("customer id");
    let (_, taken) = account(&app, "someone").await;

    let refused = request_email_change(&app, &client, &taken).await;
    assert_eq!(refused.status(), 409);
    assert_eq!(json(refused).await["error"]["code"], "email_taken");
    let wrong = post_json(
        &app,
        &client,
        "/api/v1/me/email",
        json!({ "email": unique_email(), "password": "not the password" }),
    )
    .await;
    assert_eq!(wrong.status(), 403);

    let new = unique_email();
    assert_eq!(
        request_email_change(&app, &client, &new).await.status(),
        202
    );
    assert_eq!(
        app.get_json(&client, "/api/v1/me").await["email"],
        old,
        "not yet"
    );
    let token = emailed_token(&app, "email_change_confirm", &new, 1).await;
    let notices = mails(&app, "email_change_notice", &old).await;
    assert_eq!(notices.len(), 1, "the old address is told");
    assert!(!notices[0].1.contains("/email/confirm/"), "without a link");

    let confirmed = confirm(&app, &token).await;
    assert_eq!(confirmed.status(), 200);
    assert_eq!(
        json(confirmed).await,
        json!({ "outcome": "changed", "email": new })
    );
    assert_eq!(app.get_json(&client, "/api/v1/me").await["email"], new);
    assert_eq!(confirm(&app, &token).await.status(), 404, "once");
    assert_eq!(app.login(&old, PASSWORD).await.status(), 401);
    assert_eq!(app.login(&new, PASSWORD).await.status(), 200);
    let at_stripe = app.sim_get(&format!("/v1/customers/{customer}")).await;
    assert_eq!(at_stripe["email"], new);

    // A link older than 60 minutes changes nothing.
    let later = unique_email();
    assert_eq!(
        request_email_change(&app, &client, &later).await.status(),
        202
    );
    let late = emailed_token(&app, "email_change_confirm", &later, 1).await;
    app.advance_clock(60 * 60 + 1);
    assert_eq!(confirm(&app, &late).await.status(), 404);
    assert_eq!(app.get_json(&client, "/api/v1/me").await["email"], new);
}

async fn two_accounts_racing_for_one_address_end_with_one_holder(backend: Backend) {
    let app = spawn_app(backend).await;
    let (a, _) = account(&app, "a").await;
    let (b, _) = account(&app, "b").await;
    let wanted = unique_email();
    assert_eq!(request_email_change(&app, &a, &wanted).await.status(), 202);
    assert_eq!(request_email_change(&app, &b, &wanted).await.status(), 202);
    app.eventually(|| async { mails(&app, "email_change_confirm", &wanted).await.len() == 2 })
        .await;
    let bodies = mails(&app, "email_change_confirm", &wanted).await;
    let (ta, tb) = (
        token_in(&bodies[0].1, "/email/confirm/"),
        token_in(&bodies[1].1, "/email/confirm/"),
    );
    let (ra, rb) = tokio::join!(confirm(&app, &ta), confirm(&app, &tb));
    let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    let holders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = $1")
        .bind(&wanted)
        .fetch_one(app.db.pool())
        .await
        .expect("count");
    assert_eq!(holders, 1);
}

async fn verified_at(app: &TestApp, email: &str) -> Option<i64> {
    sqlx::query_scalar("SELECT email_verified_at FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(app.db.pool())
        .await
        .expect("user")
}

async fn a_new_account_confirms_its_address(backend: Backend) {
    let app = spawn_app(backend).await;
    let (client, email) = account(&app, "test").await;
    assert_eq!(verified_at(&app, &email).await, None);
    let first = emailed_token(&app, "email_verify", &email, 1).await;

    // "Send again": a new link; the older one stops working.
    let again = app.post(&client, "/api/v1/me/email/verification").await;
    assert_eq!(again.status(), 202);
    let second = emailed_token(&app, "email_verify", &email, 2).await;
    assert_eq!(confirm(&app, &first).await.status(), 404);

    let confirmed = confirm(&app, &second).await;
    assert_eq!(confirmed.status(), 200);
    assert_eq!(json(confirmed).await, json!({ "outcome": "verified" }));
    assert!(verified_at(&app, &email).await.is_some());
    assert_eq!(
        app.post(&client, "/api/v1/me/email/verification")
            .await
            .status(),
        202
    );
    assert_eq!(
        mails(&app, "email_verify", &email).await.len(),
        2,
        "nothing is sent once confirmed"
    );
}

/// A free published session with four 60-minute slots on both sides of
/// the 2027 DST changes in New York (14 March, 7 November) and Stockholm
/// (28 March, 31 October); returns (session id, slot ids).
async fn session_across_dst(app: &TestApp) -> (String, Vec<String>) {
    let teacher = app.new_teacher().await;
    let session = json(
        post_json(
            app,
            &teacher,
            "/api/v1/studio/sessions",
            json!({
                "title": "Andning över tidszoner",
                "description": "",
                "capacity": 10,
                "price_cents": 0,
                "currency": "SEK",
                "visibility": "published",
                "recording_url": null,
            }),
        )
        .await,
    )
    .await;
    let id = session["id"].as_str().expect("id").to_owned();
    let mut slots = Vec::new();
    for start in [
        "2027-03-13T16:30:00Z",
        "2027-03-15T16:30:00Z",
        "2027-11-06T15:45:00Z",
        "2027-11-08T15:45:00Z",
    ] {
        let start: chrono::DateTime<chrono::Utc> = start.parse().expect("time");
        let slot = post_json(
            app,
            &teacher,
            &format!("/api/v1/studio/sessions/{id}/slots"),
            json!({ "start_at": start, "end_at": start + chrono::Duration::minutes(60) }),
        )
        .await;
        assert_eq!(slot.status(), 201);
        slots.push(json(slot).await["id"].as_str().expect("slot").to_owned());
    }
    (id, slots)
}

/// The times the page shows on its slots (the rendered text, not the UTC
/// instants of its hydration data).
fn shown_times(page: &str) -> String {
    page.split("class=\"slot-chip-time\">")
        .skip(1)
        .filter_map(|rest| rest.split('<').next())
        .collect::<Vec<_>>()
        .join(" ")
}

async fn the_new_york_viewer_sees_local_times_across_both_dst_changes(backend: Backend) {
    let app = spawn_app(backend).await;
    let (session, slots) = session_across_dst(&app).await;
    // New York: 11:30 EST, then 12:30 EDT; 11:45 EDT, then 10:45 EST.
    let new_york = ["11:30", "12:30", "11:45", "10:45"];
    // Stockholm: 17:30 twice (its change is later in March), 16:45 twice.
    let stockholm = ["17:30", "16:45"];

    // Signed up from a browser in New York.
    let student = client_builder().cookie_store(true).build().expect("client");
    let email = unique_email();
    let signup = post_json(
        &app,
        &student,
        "/api/v1/auth/signup",
        json!({ "email": email, "display_name": "Ny Yorkare", "password": PASSWORD,
                "time_zone": "America/New_York" }),
    )
    .await;
    assert_eq!(json(signup).await["user"]["time_zone"], "America/New_York");
    let page = shown_times(
        &app.get_text(&student, &format!("/sessions/{session}"))
            .await,
    );
    assert!(!page.is_empty(), "the page shows its slots");
    for time in new_york {
        assert!(
            page.contains(time),
            "{time} on the New York viewer's page: {page}"
        );
    }
    for time in stockholm {
        assert!(!page.contains(time), "no Stockholm {time}");
    }

    // A visitor's page follows the zone their browser reported (cookie).
    let visitor_page = app
        .bare_client()
        .get(app.url(&format!("/sessions/{session}")))
        .header("cookie", "aveli_tz=America/New_York")
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
    assert!(visitor_page.contains("data-tz=\"America/New_York\""));
    let visitor = shown_times(&visitor_page);
    for time in new_york {
        assert!(visitor.contains(time), "{time} for the New York visitor");
    }
    let default = shown_times(
        &app.get_text(&app.bare_client(), &format!("/sessions/{session}"))
            .await,
    );
    for time in stockholm {
        assert!(
            default.contains(time),
            "{time} for a visitor without the cookie"
        );
    }

    // The receipt page, the receipt email and the invitation of a booking
    // after the spring change.
    let order = book_free(&app, &student, &slots[1]).await;
    let receipt = app.get_text(&student, &format!("/orders/{order}")).await;
    assert!(
        receipt.contains("12:30"),
        "the receipt page in New York time"
    );
    let (text,): (String,) = sqlx::query_as("SELECT body_text FROM outbox WHERE dedupe_key = $1")
        .bind(format!("receipt:{order}"))
        .fetch_one(app.db.pool())
        .await
        .expect("receipt email");
    assert!(
        text.contains("12:30") && text.contains("(America/New_York)"),
        "{text}"
    );
    let ics = app
        .get_text(&student, &format!("/api/v1/bookings/{order}/ics"))
        .await;
    assert!(
        ics.contains("DTSTART:20270315T163000Z"),
        "the instant itself: {ics}"
    );

    // Changing the zone moves the page's times.
    let changed = student
        .patch(app.url("/api/v1/me"))
        .json(&json!({ "time_zone": "Europe/Stockholm" }))
        .send()
        .await
        .expect("request");
    assert_eq!(changed.status(), 200);
    let page = shown_times(
        &app.get_text(&student, &format!("/sessions/{session}"))
            .await,
    );
    assert!(page.contains("17:30") && !page.contains("11:30"), "{page}");
    let unknown = student
        .patch(app.url("/api/v1/me"))
        .json(&json!({ "time_zone": "Mars/Olympus" }))
        .send()
        .await
        .expect("request");
    assert_eq!(unknown.status(), 422);
    assert_eq!(
        json(unknown).await["error"]["message"],
        "Välj en tidszon ur listan"
    );
}

async fn devices_are_listed_and_signed_out_one_or_all_others(backend: Backend) {
    let app = spawn_app(backend).await;
    let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    let (this, email) = account(&app, firefox).await;
    let second = login(&app, &email, PASSWORD, "second").await;
    let third = login(&app, &email, PASSWORD, "third").await;
    let (stranger, _) = account(&app, "stranger").await;

    let devices = app.get_json(&this, "/api/v1/me/devices").await;
    let devices = devices.as_array().expect("a list");
    assert_eq!(devices.len(), 3, "{devices:?}");
    let current: Vec<_> = devices.iter().filter(|d| d["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["summary"], "Firefox 128 · Linux");
    let second_id = app
        .get_json(&second, "/api/v1/me/devices")
        .await
        .as_array()
        .expect("list")
        .iter()
        .find(|d| d["current"] == true)
        .expect("current")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let body = serde_json::to_string(devices).expect("json");
    let hashes: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM auth_sessions")
        .fetch_all(app.db.pool())
        .await
        .expect("hashes");
    assert!(
        hashes.iter().all(|h| !body.contains(h.as_str())),
        "no token hash is shown"
    );

    let path = format!("/api/v1/me/devices/{second_id}");
    let foreign = stranger
        .delete(app.url(&path))
        .send()
        .await
        .expect("request");
    assert_eq!(foreign.status(), 404, "another user's device is unknown");
    assert_eq!(
        this.delete(app.url(&path))
            .send()
            .await
            .expect("request")
            .status(),
        204
    );
    assert_eq!(me_status(&app, &second).await, 401);
    assert_eq!(me_status(&app, &third).await, 200, "only that one");

    let others = app.post(&this, "/api/v1/me/devices/sign-out-others").await;
    assert_eq!(json(others).await["signed_out"], 1);
    assert_eq!(me_status(&app, &third).await, 401);
    assert_eq!(me_status(&app, &this).await, 200, "the current one stays");
    assert_eq!(me_status(&app, &stranger).await, 200);

    // "Last used" is written at most once a minute.
    let last_used = || async {
        app.get_json(&this, "/api/v1/me/devices").await[0]["last_used_at"]
            .as_i64()
            .expect("last used")
    };
    let before = last_used().await;
    app.advance_clock(30);
    assert_eq!(last_used().await, before);
    app.advance_clock(31);
    assert!(last_used().await >= before + 60);
}

async fn the_export_holds_the_users_own_data_and_no_secrets(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, slots) = session_across_dst(&app).await;
    let (mine, my_email) = account(&app, "mine").await;
    let (theirs, their_email) = account(&app, "theirs").await;
    let my_order = book_free(&app, &mine, &slots[0]).await;
    let their_order = book_free(&app, &theirs, &slots[0]).await;

    let response = app.get(&mine, "/api/v1/me/export").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-disposition"]
        .to_str()
        .expect("header")
        .contains("attachment"));
    let text = response.text().await.expect("body");
    let data: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(data["profile"]["email"], my_email);
    assert_eq!(data["orders"].as_array().map(Vec::len), Some(1));
    assert_eq!(data["orders"][0]["id"], my_order);
    assert_eq!(data["bookings"][0]["order_id"], my_order);
    assert!(data["emails"]
        .as_array()
        .expect("emails")
        .iter()
        .any(|e| e["kind"] == "booking_receipt"));
    assert!(data["teaching"].is_null());

    assert!(
        !text.contains(&their_email) && !text.contains(&their_order),
        "nobody else's data"
    );
    assert!(!text.contains("$argon2") && !text.contains("password_hash"));
    let hashes: Vec<String> = sqlx::query_scalar(
        "SELECT token_hash FROM auth_sessions UNION ALL SELECT token_hash FROM account_tokens",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("hashes");
    assert!(!hashes.is_empty());
    assert!(
        hashes.iter().all(|h| !text.contains(h.as_str())),
        "no token hash"
    );
    assert_eq!(
        app.get(&app.bare_client(), "/api/v1/me/export")
            .await
            .status(),
        401
    );
}

async fn delete_me(
    app: &TestApp,
    client: &reqwest::Client,
    password: &str,
    confirm: &str,
) -> reqwest::Response {
    client
        .delete(app.url("/api/v1/me"))
        .json(&json!({ "password": password, "confirm": confirm }))
        .send()
        .await
        .expect("request")
}

/// A student with a paid seat on a slot `hours_ahead` from now, from `teacher`.
async fn paid_student(
    app: &TestApp,
    teacher: &reqwest::Client,
    hours_ahead: i64,
) -> (reqwest::Client, String, String) {
    let slot = slot_for_sale_by(app, teacher, 15_000, 10, hours_ahead).await;
    let (student, email) = account(app, "student").await;
    let started = json(checkout(app, &student, &slot).await).await;
    assert_eq!(pay(app, &started, "pm_card_visa").await, 200);
    let order = started["order_id"].as_str().expect("order").to_owned();
    app.eventually(|| async {
        app.get_json(&student, &format!("/api/v1/orders/{order}"))
            .await["status"]
            == "paid"
    })
    .await;
    (student, email, order)
}

async fn deletion_is_refused_while_something_depends_on_the_account(backend: Backend) {
    let app = spawn_app(backend).await;
    let teacher = app.new_teacher().await;
    let (student, email, _) = paid_student(&app, &teacher, 48).await;

    assert_eq!(
        delete_me(&app, &student, PASSWORD, "ja").await.status(),
        422
    );
    assert_eq!(
        delete_me(&app, &student, "not the password", "RADERA")
            .await
            .status(),
        403
    );
    let booked = delete_me(&app, &student, PASSWORD, "RADERA").await;
    assert_eq!(booked.status(), 409);
    assert_eq!(
        json(booked).await["error"]["message"],
        app::i18n::strings(app::model::Locale::Sv).err_delete_booking
    );

    // A renewing membership stands in the way too.
    let (member, _) = account(&app, "member").await;
    let member_id = app.get_json(&member, "/api/v1/me").await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    sqlx::query(
        "INSERT INTO memberships (id, user_id, status, cancel_at_period_end, created_at, updated_at) \
         VALUES ($1, $2, 'active', 0, 0, 0)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(&member_id)
    .execute(app.db.pool())
    .await
    .expect("membership");
    let renewing = delete_me(&app, &member, PASSWORD, "DELETE").await;
    assert_eq!(renewing.status(), 409);
    assert_eq!(
        json(renewing).await["error"]["message"],
        app::i18n::strings(app::model::Locale::Sv).err_delete_membership
    );

    // And a teacher's sold upcoming slot.
    let sold = delete_me(&app, &teacher, PASSWORD, "RADERA").await;
    assert_eq!(sold.status(), 409);
    assert_eq!(me_status(&app, &student).await, 200, "nothing was deleted");
    assert_eq!(app.login(&email, PASSWORD).await.status(), 200);
}

async fn a_deleted_account_is_anonymised_and_its_orders_stay(backend: Backend) {
    use leptos::server_fn::ServerFn;

    let app = spawn_app(backend).await;
    let teacher = app.new_teacher().await;
    let (student, email, order) = paid_student(&app, &teacher, 2).await;
    let other_device = login(&app, &email, PASSWORD, "other").await;
    // The class is over: nothing is ahead any more.
    app.advance_clock(5 * 3600);

    assert_eq!(
        delete_me(&app, &student, PASSWORD, "RADERA").await.status(),
        204
    );
    assert_eq!(me_status(&app, &student).await, 401);
    assert_eq!(
        me_status(&app, &other_device).await,
        401,
        "signed out everywhere"
    );
    assert_eq!(app.login(&email, PASSWORD).await.status(), 401);

    let row = sqlx::query(
        "SELECT u.email, u.display_name, o.status, o.amount_cents FROM orders o \
         JOIN users u ON u.id = o.user_id WHERE o.id = $1",
    )
    .bind(&order)
    .fetch_one(app.db.pool())
    .await
    .expect("the order stays");
    let tombstone: String = row.get(0);
    assert!(tombstone.starts_with("deleted-") && tombstone != email);
    assert_eq!(row.get::<String, _>(1), "Borttagen användare");
    assert_eq!(row.get::<String, _>(2), "paid");
    let sales = teacher
        .post(app.url(<app::api::payouts::MySales as ServerFn>::PATH))
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .expect("request");
    let sales = json(sales).await;
    let sale = sales
        .as_array()
        .expect("sales")
        .iter()
        .find(|s| s["order_id"] == order.as_str())
        .cloned()
        .expect("the sale is still the teacher's");
    assert_eq!(sale["amount_cents"], 15_000);
    assert_eq!(sale["status"], "paid");
    assert_eq!(
        mails(&app, "account_deleted", &email).await.len(),
        1,
        "a goodbye"
    );

    // The address is free again.
    assert_eq!(app.signup(&email).await.status(), 201);
}
