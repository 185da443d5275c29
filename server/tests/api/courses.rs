//! Courses through HTTP against the simulator, on both databases: the
//! publish gate, buying a course (checkout → card → webhook → enrolled), who
//! sees the lesson links, free courses, and resuming a pending checkout;
//! then where a bought course shows up: its receipt, "Mina kurser" and the
//! landing page.

use serde_json::{json, Value};

use app::backend::{catalog::courses, RequestContext};
use app::model::Locale;

use crate::helpers::{json, spawn_app, Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    paid_courses_need_payouts_to_publish_but_drafts_do_not,
    buying_a_course_enrols_and_shows_lessons_only_to_those_with_access,
    free_courses_enrol_at_once,
    asking_twice_while_pending_returns_the_same_order,
    stripe_failing_at_course_checkout_cancels_the_order,
    course_rules_are_enforced,
    course_pages_render_on_the_server,
    a_course_order_has_a_receipt_for_its_owner_only,
    enrolled_courses_are_the_students_own,
    the_landing_page_lists_the_newest_published_courses,
);

fn course_body(price_cents: i64, visibility: &str) -> Value {
    json!({
        "title": "Andning i fyra veckor",
        "description": "Lugn andning, en lektion i veckan",
        "price_cents": price_cents,
        "currency": "SEK",
        "cover_image_url": "https://img.example/andning.jpg",
        "visibility": visibility,
        "lessons": [
            { "title": "Vecka 1", "video_url": "https://video.example/1" },
            { "title": "Vecka 2", "video_url": "https://video.example/2" },
        ],
    })
}

async fn save(app: &TestApp, teacher: &reqwest::Client, body: &Value) -> reqwest::Response {
    teacher
        .post(app.url("/api/v1/studio/courses"))
        .json(body)
        .send()
        .await
        .expect("request")
}

/// A published course of a payout-enabled teacher; returns (teacher, id).
async fn course_for_sale(app: &TestApp, price_cents: i64) -> (reqwest::Client, String) {
    let teacher = app.new_teacher().await;
    let saved = save(app, &teacher, &course_body(price_cents, "published")).await;
    assert_eq!(saved.status(), 200);
    let id = json(saved).await["id"].as_str().expect("id").to_owned();
    (teacher, id)
}

async fn checkout(app: &TestApp, student: &reqwest::Client, course_id: &str) -> reqwest::Response {
    student
        .post(app.url("/api/v1/checkout/course"))
        .json(&json!({ "course_id": course_id }))
        .send()
        .await
        .expect("request")
}

async fn course(app: &TestApp, client: &reqwest::Client, id: &str) -> Value {
    let response = app.get(client, &format!("/api/v1/courses/{id}")).await;
    assert_eq!(response.status(), 200);
    json(response).await
}

fn lesson_urls(course: &Value) -> Vec<Option<String>> {
    course["lessons"]
        .as_array()
        .expect("lessons")
        .iter()
        .map(|l| l["video_url"].as_str().map(str::to_owned))
        .collect()
}

fn intent_of(started: &Value) -> String {
    let secret = started["client_secret"].as_str().expect("client secret");
    secret.split("_secret_").next().expect("pi id").to_owned()
}

async fn paid_courses_need_payouts_to_publish_but_drafts_do_not(backend: Backend) {
    let app = spawn_app(backend).await;
    let teacher = app.new_teacher_without_payouts().await;

    let refused = save(&app, &teacher, &course_body(49_900, "published")).await;
    assert_eq!(refused.status(), 409);
    assert_eq!(json(refused).await["error"]["code"], "payments_not_enabled");

    let draft = save(&app, &teacher, &course_body(49_900, "draft")).await;
    assert_eq!(draft.status(), 200);
    let draft = json(draft).await;
    assert_eq!(draft["visibility"], "draft");
    assert_eq!(draft["is_owner"], true);
    assert_eq!(draft["lessons"].as_array().expect("lessons").len(), 2);
    let id = draft["id"].as_str().expect("id").to_owned();

    // A draft exists only for its teacher.
    let anonymous = app
        .get(&app.bare_client(), &format!("/api/v1/courses/{id}"))
        .await;
    assert_eq!(anonymous.status(), 404);
    let listed = app.get_json(&app.bare_client(), "/api/v1/courses").await;
    assert!(listed
        .as_array()
        .expect("list")
        .iter()
        .all(|c| c["id"] != id));

    // A free course may be published without payouts.
    let free = save(&app, &teacher, &course_body(0, "published")).await;
    assert_eq!(free.status(), 200);

    // Updating: another teacher may not touch it; its own teacher may.
    let other = app.new_teacher().await;
    let mut update = course_body(49_900, "draft");
    update["id"] = json!(id);
    update["title"] = json!("Andning, uppdaterad");
    update["lessons"] =
        json!([{ "title": "Allt i ett", "video_url": "https://video.example/all" }]);
    assert_eq!(save(&app, &other, &update).await.status(), 403);
    let updated = save(&app, &teacher, &update).await;
    assert_eq!(updated.status(), 200);
    let updated = json(updated).await;
    assert_eq!(updated["title"], "Andning, uppdaterad");
    assert_eq!(
        lesson_urls(&updated),
        vec![Some("https://video.example/all".to_owned())]
    );

    // Once payouts are active, the paid course can be published.
    app.onboard(&teacher).await;
    update["visibility"] = json!("published");
    assert_eq!(save(&app, &teacher, &update).await.status(), 200);
}

async fn buying_a_course_enrols_and_shows_lessons_only_to_those_with_access(backend: Backend) {
    let app = spawn_app(backend).await;
    let (teacher, id) = course_for_sale(&app, 49_900).await;
    let buyer = app.new_user().await;
    let other = app.new_user().await;

    let before = course(&app, &buyer, &id).await;
    assert_eq!(before["enrolled"], false);
    assert_eq!(lesson_urls(&before), vec![None, None]);

    let started = checkout(&app, &buyer, &id).await;
    assert_eq!(started.status(), 200);
    let started = json(started).await;
    assert_eq!(started["status"], "pending");
    assert_eq!(started["amount_cents"], 49_900);
    let order_id = started["order_id"].as_str().expect("order id").to_owned();
    let fee: i64 = sqlx::query_scalar("SELECT application_fee_cents FROM orders WHERE id = $1")
        .bind(&order_id)
        .fetch_one(app.db.pool())
        .await
        .expect("order");
    // The default split gives the teacher 80 %.
    assert_eq!(fee, 49_900 - 49_900 * 80 / 100);

    let intent = intent_of(&started);
    let confirmed = app
        .sim_post(
            &format!("/v1/payment_intents/{intent}/confirm"),
            &[("payment_method", "pm_card_visa")],
        )
        .await;
    assert_eq!(confirmed.status(), 200);
    app.eventually(|| async { course(&app, &buyer, &id).await["enrolled"] == true })
        .await;
    let receipts: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'course_receipt'")
            .fetch_one(app.db.pool())
            .await
            .expect("count");
    assert_eq!(receipts, 1, "one course receipt through the outbox");

    let bought = course(&app, &buyer, &id).await;
    assert_eq!(
        lesson_urls(&bought),
        vec![
            Some("https://video.example/1".to_owned()),
            Some("https://video.example/2".to_owned())
        ]
    );
    let status: String = sqlx::query_scalar("SELECT status FROM orders WHERE id = $1")
        .bind(&order_id)
        .fetch_one(app.db.pool())
        .await
        .expect("order");
    assert_eq!(status, "paid");

    // Nobody else sees the links; the teacher sees them all.
    let seen_by_other = course(&app, &other, &id).await;
    assert_eq!(seen_by_other["enrolled"], false);
    assert_eq!(lesson_urls(&seen_by_other), vec![None, None]);
    let anonymous = course(&app, &app.bare_client(), &id).await;
    assert_eq!(lesson_urls(&anonymous), vec![None, None]);
    let seen_by_teacher = course(&app, &teacher, &id).await;
    assert_eq!(seen_by_teacher["is_owner"], true);
    assert!(lesson_urls(&seen_by_teacher).iter().all(Option::is_some));

    // The list view follows the same rule.
    let listed = app.get_json(&buyer, "/api/v1/courses").await;
    let mine = listed
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["id"] == id.as_str())
        .expect("listed")
        .clone();
    assert_eq!(mine["enrolled"], true);
    assert!(lesson_urls(&mine).iter().all(Option::is_some));

    // Buying it again is refused clearly.
    let again = checkout(&app, &buyer, &id).await;
    assert_eq!(again.status(), 409);
    let again = json(again).await;
    assert_eq!(again["error"]["code"], "conflict");
    assert!(!again["error"]["message"].as_str().unwrap_or("").is_empty());

    // The teacher cannot buy their own course either.
    assert_eq!(checkout(&app, &teacher, &id).await.status(), 409);

    // Unpublished later, the course stays open to the buyer who paid for it,
    // and is gone for everyone else.
    let mut draft = course_body(49_900, "draft");
    draft["id"] = json!(id);
    assert_eq!(save(&app, &teacher, &draft).await.status(), 200);
    let still_mine = course(&app, &buyer, &id).await;
    assert_eq!(still_mine["enrolled"], true);
    assert!(lesson_urls(&still_mine).iter().all(Option::is_some));
    let gone = app.get(&other, &format!("/api/v1/courses/{id}")).await;
    assert_eq!(gone.status(), 404);
}

async fn free_courses_enrol_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, id) = course_for_sale(&app, 0).await;
    let student = app.new_user().await;

    let started = checkout(&app, &student, &id).await;
    assert_eq!(started.status(), 200);
    let started = json(started).await;
    assert_eq!(started["status"], "paid");
    assert!(started["client_secret"].is_null());

    let joined = course(&app, &student, &id).await;
    assert_eq!(joined["enrolled"], true);
    assert!(lesson_urls(&joined).iter().all(Option::is_some));
    assert_eq!(checkout(&app, &student, &id).await.status(), 409);

    // Anonymous checkout needs a sign-in; an unknown course is 404.
    let anonymous = app
        .bare_client()
        .post(app.url("/api/v1/checkout/course"))
        .json(&json!({ "course_id": id }))
        .send()
        .await
        .expect("request");
    assert_eq!(anonymous.status(), 401);
    assert_eq!(checkout(&app, &student, "nope").await.status(), 404);
}

async fn asking_twice_while_pending_returns_the_same_order(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, id) = course_for_sale(&app, 30_000).await;
    let student = app.new_user().await;

    let first = json(checkout(&app, &student, &id).await).await;
    let second = checkout(&app, &student, &id).await;
    assert_eq!(second.status(), 200);
    let second = json(second).await;
    assert_eq!(first["order_id"], second["order_id"]);
    assert_eq!(first["client_secret"], second["client_secret"]);
    let orders: i64 =
        sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM orders WHERE course_id = $1")
            .bind(&id)
            .fetch_one(app.db.pool())
            .await
            .expect("count");
    assert_eq!(orders, 1);

    // Two checkouts at once by another student still make one order.
    let other = app.new_user().await;
    let (a, b) = tokio::join!(checkout(&app, &other, &id), checkout(&app, &other, &id));
    assert_eq!(a.status(), 200);
    assert_eq!(b.status(), 200);
    let (a, b) = (json(a).await, json(b).await);
    assert_eq!(a["order_id"], b["order_id"]);
    let orders: i64 =
        sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM orders WHERE course_id = $1")
            .bind(&id)
            .fetch_one(app.db.pool())
            .await
            .expect("count");
    assert_eq!(orders, 2);
}

async fn stripe_failing_at_course_checkout_cancels_the_order(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, id) = course_for_sale(&app, 30_000).await;
    let student = app.new_user().await;
    app.stripe_fault("500", "3", "/v1/payment_intents", None)
        .await;
    let refused = checkout(&app, &student, &id).await;
    assert_eq!(refused.status(), 503);
    assert_eq!(json(refused).await["error"]["code"], "unavailable");
    let status: String = sqlx::query_scalar("SELECT status FROM orders WHERE course_id = $1")
        .bind(&id)
        .fetch_one(app.db.pool())
        .await
        .expect("order");
    assert_eq!(status, "cancelled");

    // Once Stripe answers again, a new checkout works.
    let started = checkout(&app, &student, &id).await;
    assert_eq!(started.status(), 200);
    assert_eq!(json(started).await["status"], "pending");
}

async fn course_rules_are_enforced(backend: Backend) {
    let app = spawn_app(backend).await;
    let teacher = app.new_teacher().await;
    let mut body = course_body(49_900, "draft");
    body["lessons"] = json!([]);
    let refused = save(&app, &teacher, &body).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(json(refused).await["error"]["code"], "validation");

    let mut body = course_body(100, "draft");
    assert_eq!(save(&app, &teacher, &body).await.status(), 422);
    body = course_body(49_900, "draft");
    body["lessons"][0]["video_url"] = json!("javascript:alert(1)");
    assert_eq!(save(&app, &teacher, &body).await.status(), 422);

    // Students cannot create courses.
    let student = app.new_user().await;
    assert_eq!(
        save(&app, &student, &course_body(0, "draft"))
            .await
            .status(),
        403
    );
}

async fn course_pages_render_on_the_server(backend: Backend) {
    let app = spawn_app(backend).await;
    let (teacher, id) = course_for_sale(&app, 49_900).await;
    let page = |client: reqwest::Client, path: String| {
        let url = app.url(&path);
        async move {
            let response = client
                .get(url)
                .header("accept", "text/html")
                .send()
                .await
                .expect("request");
            let status = response.status().as_u16();
            (status, response.text().await.expect("body"))
        }
    };

    let (status, html) = page(app.bare_client(), "/courses".into()).await;
    assert_eq!(status, 200);
    assert!(html.contains("Andning i fyra veckor"), "{html}");

    let (status, html) = page(app.bare_client(), format!("/courses/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Vecka 2"), "lesson titles are public");
    assert!(!html.contains("https://video.example/1"), "links are not");
    assert!(html.contains("Logga in för att köpa kursen"));

    let student = app.new_user().await;
    let (status, html) = page(student.clone(), format!("/courses/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Köp kursen"), "{html}");
    let (status, html) = page(student, "/home".into()).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Andning i fyra veckor"),
        "recommended on home"
    );

    let (_, html) = page(teacher.clone(), format!("/courses/{id}")).await;
    assert!(
        html.contains("https://video.example/1"),
        "the teacher sees the links"
    );

    let (status, _) = page(app.bare_client(), "/courses/no-such-course".into()).await;
    assert_eq!(status, 404);

    let (_, doc) = page(app.bare_client(), "/api/v1/openapi.json".into()).await;
    let doc: Value = serde_json::from_str(&doc).expect("openapi json");
    for path in [
        "/api/v1/studio/courses",
        "/api/v1/courses",
        "/api/v1/courses/{id}",
        "/api/v1/checkout/course",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    for schema in ["CourseInput", "LessonInput", "Course", "Lesson"] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "{schema} documented"
        );
    }

    let (status, html) = page(teacher, "/studio/courses".into()).await;
    assert_eq!(status, 200);
    assert!(html.contains("Mina kurser"), "{html}");
}

/// GET `path` as an HTML page: (status, body).
async fn html_page(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let response = client
        .get(app.url(path))
        .header("accept", "text/html")
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

/// Buys the course with a card through the simulator and waits until the
/// webhook has enrolled the student; returns the order id.
async fn buy(app: &TestApp, student: &reqwest::Client, course_id: &str) -> String {
    let started = checkout(app, student, course_id).await;
    assert_eq!(started.status(), 200);
    let started = json(started).await;
    let order_id = started["order_id"].as_str().expect("order id").to_owned();
    let confirmed = app
        .sim_post(
            &format!("/v1/payment_intents/{}/confirm", intent_of(&started)),
            &[("payment_method", "pm_card_visa")],
        )
        .await;
    assert_eq!(confirmed.status(), 200);
    app.eventually(|| async { course(app, student, course_id).await["enrolled"] == true })
        .await;
    order_id
}

fn ctx_of(token: &str) -> RequestContext {
    RequestContext {
        locale: Locale::Sv,
        token: Some(token.to_owned()),
        ..Default::default()
    }
}

async fn a_course_order_has_a_receipt_for_its_owner_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, id) = course_for_sale(&app, 49_900).await;
    let buyer = app.new_user().await;
    let other = app.new_user().await;
    let order_id = buy(&app, &buyer, &id).await;
    let url = app.url(&format!("/api/v1/orders/{order_id}"));

    app.eventually(|| async {
        let response = buyer.get(&url).send().await.expect("request");
        response.status() == 200 && json(response).await["payment_method"] == "card"
    })
    .await;
    let response = buyer.get(&url).send().await.expect("request");
    assert_eq!(response.status(), 200);
    let order = json(response).await;
    assert_eq!(order["id"], order_id.as_str());
    assert_eq!(order["status"], "paid");
    assert_eq!(order["course_id"], id.as_str());
    assert!(order["session_id"].is_null());
    assert!(order["slot_id"].is_null());
    assert!(order["start_at"].is_null());
    assert_eq!(order["session_title"], "Andning i fyra veckor");
    assert_eq!(order["teacher_name"], "Test Person");
    assert_eq!(order["amount_cents"], 49_900);
    assert_eq!(order["currency"], "SEK");

    // Someone else's course order does not exist for them.
    let response = other.get(&url).send().await.expect("request");
    assert_eq!(response.status(), 404);
    assert_eq!(json(response).await["error"]["code"], "not_found");
    assert_eq!(
        app.bare_client()
            .get(&url)
            .send()
            .await
            .expect("request")
            .status(),
        401
    );

    // "Min bokning" stays seats only.
    let bookings = app.get_json(&buyer, "/api/v1/bookings").await;
    assert_eq!(bookings.as_array().map(Vec::len), Some(0));

    // The receipt page opens the course instead of a booking.
    let (status, html) = html_page(&app, &buyer, &format!("/orders/{order_id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Öppna kursen"), "{html}");
    assert!(html.contains(&format!("href=\"/courses/{id}\"")), "{html}");
    assert!(html.contains("Andning i fyra veckor"));
    assert!(!html.contains("Gå till min bokning"));
    let (status, _) = html_page(&app, &other, &format!("/orders/{order_id}")).await;
    assert_eq!(status, 404);
}

async fn enrolled_courses_are_the_students_own(backend: Backend) {
    let app = spawn_app(backend).await;
    let (teacher, id) = course_for_sale(&app, 49_900).await;
    let mut other_body = course_body(0, "published");
    other_body["title"] = json!("Meditation för nybörjare");
    let saved = save(&app, &teacher, &other_body).await;
    assert_eq!(saved.status(), 200);
    let (buyer, buyer_token) = app.new_user_with_token().await;
    let (other, other_token) = app.new_user_with_token().await;

    let before = courses::enrolled_courses(&app.state, &ctx_of(&buyer_token))
        .await
        .expect("enrolled courses");
    assert!(before.is_empty());
    buy(&app, &buyer, &id).await;

    let mine = courses::enrolled_courses(&app.state, &ctx_of(&buyer_token))
        .await
        .expect("enrolled courses");
    assert_eq!(mine.len(), 1, "only the course bought: {mine:?}");
    assert_eq!(mine[0].id, id);
    assert_eq!(mine[0].title, "Andning i fyra veckor");
    assert_eq!(mine[0].teacher_name, "Test Person");
    let theirs = courses::enrolled_courses(&app.state, &ctx_of(&other_token))
        .await
        .expect("enrolled courses");
    assert!(theirs.is_empty(), "{theirs:?}");
    let anonymous = RequestContext {
        locale: Locale::Sv,
        token: None,
        ..Default::default()
    };
    assert!(matches!(
        courses::enrolled_courses(&app.state, &anonymous).await,
        Err(courses::CourseError::Unauthorized)
    ));

    // "Mina kurser" on /bookings.
    let (status, html) = html_page(&app, &buyer, "/bookings").await;
    assert_eq!(status, 200);
    assert!(html.contains("Mina kurser"), "{html}");
    assert!(html.contains(&format!("href=\"/courses/{id}\"")), "{html}");
    assert!(html.contains("Andning i fyra veckor"));
    let (status, html) = html_page(&app, &other, "/bookings").await;
    assert_eq!(status, 200);
    assert!(html.contains("Du har inga kurser ännu."), "{html}");
    assert!(!html.contains("Andning i fyra veckor"), "{html}");
}

async fn the_landing_page_lists_the_newest_published_courses(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, html) = html_page(&app, &app.bare_client(), "/").await;
    assert_eq!(status, 200);
    assert!(html.contains("Inga kurser ännu."), "{html}");

    let teacher = app.new_teacher().await;
    let mut ids = Vec::new();
    for n in 1..=7 {
        let mut body = course_body(49_900, "published");
        body["title"] = json!(format!("Publicerad kurs nummer {n}"));
        let saved = save(&app, &teacher, &body).await;
        assert_eq!(saved.status(), 200);
        ids.push(json(saved).await["id"].as_str().expect("id").to_owned());
    }
    let mut draft = course_body(49_900, "draft");
    draft["title"] = json!("Hemligt utkast");
    assert_eq!(save(&app, &teacher, &draft).await.status(), 200);

    let (status, html) = html_page(&app, &app.bare_client(), "/").await;
    assert_eq!(status, 200);
    assert!(!html.contains("Inga kurser ännu."), "{html}");
    assert!(html.contains("Publicerad kurs nummer 7"), "{html}");
    assert!(
        html.contains(&format!("href=\"/courses/{}\"", ids[6])),
        "{html}"
    );
    assert!(
        html.contains("https://img.example/andning.jpg"),
        "the cover"
    );
    assert!(html.contains("499 SEK"), "the price: {html}");
    assert!(
        !html.contains("Hemligt utkast"),
        "drafts stay with their teacher"
    );
    // The newest six: the first one is left out.
    assert_eq!(html.matches("data-testid=\"course-card\"").count(), 6);
    assert!(!html.contains("Publicerad kurs nummer 1"));
    assert!(!html.contains(&format!("href=\"/courses/{}\"", ids[0])));
}
