//! Attending a booked session, on both databases: the personal join link
//! and its window, attendance, the teacher's start link and attendee list,
//! the slot's own room, change notices and the invitations' join link.
//! Time moves with the server's clock, never by sleeping.

use chrono::{DateTime, DurationRound, Utc};
use icalendar::Component;
use serde_json::{json, Value};
use sqlx::Row;

use crate::helpers::{json, spawn_app, Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    the_join_link_opens_the_room_only_inside_its_window,
    a_cancelled_booking_link_says_why_and_opens_nothing,
    the_teacher_starts_any_time_and_alone_sees_the_attendees,
    moving_a_booked_slot_emails_every_attendee_once_with_a_higher_sequence,
    invitations_and_receipts_carry_the_join_link_never_the_room,
    reminders_are_due_at_their_moments_and_go_out_once,
    the_feed_holds_only_its_owners_events_and_404s_after_a_rotation,
    a_new_recording_is_announced_to_past_attendees_once,
);

const ROOM: &str = "https://meet.jit.si/aveli-test-room-4711";

struct Class {
    teacher: reqwest::Client,
    session_id: String,
    slot_id: String,
    start: DateTime<Utc>,
}

/// A free published session with a room and one 60-minute slot starting on
/// the hour, `hours_ahead` (or a little more) from now.
async fn class(app: &TestApp, hours_ahead: i64) -> Class {
    let teacher = app.new_teacher().await;
    let session = json(
        teacher
            .post(app.url("/api/v1/studio/sessions"))
            .json(&json!({
                "title": "Morgonyoga",
                "description": "",
                "capacity": 10,
                "price_cents": 0,
                "currency": "SEK",
                "visibility": "published",
                "recording_url": null,
                "room_url": ROOM,
            }))
            .send()
            .await
            .expect("request"),
    )
    .await;
    let start = (Utc::now() + chrono::Duration::hours(hours_ahead))
        .duration_trunc(chrono::Duration::hours(1))
        .expect("trunc")
        + chrono::Duration::hours(1);
    let slot = teacher
        .post(app.url(&format!(
            "/api/v1/studio/sessions/{}/slots",
            session["id"].as_str().expect("session id")
        )))
        .json(&json!({ "start_at": start, "end_at": start + chrono::Duration::minutes(60) }))
        .send()
        .await
        .expect("request");
    assert_eq!(slot.status(), 201);
    Class {
        teacher,
        session_id: session["id"].as_str().expect("session id").to_owned(),
        slot_id: json(slot).await["id"].as_str().expect("slot id").to_owned(),
        start,
    }
}

/// A new student booked on the (free) slot: the client, the order id and
/// the join link's path.
async fn booked(app: &TestApp, slot_id: &str) -> (reqwest::Client, String, String) {
    let student = app.new_user().await;
    let started = student
        .post(app.url("/api/v1/checkout/session"))
        .json(&json!({ "slot_id": slot_id }))
        .send()
        .await
        .expect("request");
    assert_eq!(started.status(), 200);
    let started = json(started).await;
    assert_eq!(started["status"], "paid", "a free seat is booked at once");
    let order_id = started["order_id"].as_str().expect("order id").to_owned();
    let bookings = app.get_json(&student, "/api/v1/bookings").await;
    let join_url = bookings[0]["join_url"]
        .as_str()
        .expect("join_url")
        .to_owned();
    let path = join_url
        .strip_prefix(&app.address)
        .expect("the link is on the public URL")
        .to_owned();
    (student, order_id, path)
}

/// Moves the server's clock to `at`.
fn clock_to(app: &TestApp, at: DateTime<Utc>) {
    app.state.clock.set(at);
}

async fn click(app: &TestApp, path: &str) -> reqwest::Response {
    app.bare_client()
        .get(app.url(path))
        .send()
        .await
        .expect("request")
}

async fn attendance_of(app: &TestApp, order_id: &str) -> (Option<i64>, i64) {
    let row = sqlx::query("SELECT first_joined_at, join_count FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_one(app.db.pool())
        .await
        .expect("order");
    (row.get(0), row.get(1))
}

async fn the_join_link_opens_the_room_only_inside_its_window(backend: Backend) {
    let app = spawn_app(backend).await;
    let class = class(&app, 48).await;
    let (student, order_id, link) = booked(&app, &class.slot_id).await;
    let bookings = app.get_json(&student, "/api/v1/bookings").await;
    let opens = class.start - chrono::Duration::minutes(15);
    assert_eq!(
        bookings[0]["join_opens_at"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok()),
        Some(opens.into()),
        "JOIN_OPENS_MINUTES defaults to 15"
    );
    let receipt = app
        .get_json(&student, &format!("/api/v1/orders/{order_id}"))
        .await;
    assert_eq!(receipt["join_url"], bookings[0]["join_url"]);

    // Before the window: the page, without the room.
    clock_to(&app, opens - chrono::Duration::seconds(1));
    let early = click(&app, &link).await;
    assert_eq!(early.status(), 200);
    let page = early.text().await.expect("body");
    assert!(page.contains("Morgonyoga"), "the page shows the session");
    assert!(page.contains("data-testid=\"join-countdown\""), "{page}");
    assert!(
        !page.contains("aveli-test-room"),
        "no room before the window"
    );
    assert_eq!(attendance_of(&app, &order_id).await, (None, 0));

    // Inside: 303 to the room, counted; the first join time stays the first.
    clock_to(&app, opens);
    let first = click(&app, &link).await;
    assert_eq!(first.status(), 303);
    assert_eq!(first.headers()["location"], ROOM);
    let (joined, count) = attendance_of(&app, &order_id).await;
    assert_eq!(count, 1);
    let first_join = joined.expect("first join recorded");
    app.advance_clock(600);
    assert_eq!(click(&app, &link).await.status(), 303);
    assert_eq!(attendance_of(&app, &order_id).await, (Some(first_join), 2));

    // A slot's own room replaces the session's; the link stays the same.
    let moved = class
        .teacher
        .patch(app.url(&format!("/api/v1/studio/slots/{}", class.slot_id)))
        .json(&json!({ "room_url": "https://whereby.com/aveli-extra" }))
        .send()
        .await
        .expect("request");
    assert_eq!(moved.status(), 200);
    assert_eq!(
        json(moved).await["room_url"],
        "https://whereby.com/aveli-extra"
    );
    let public = app
        .get_text(
            &app.bare_client(),
            &format!(
                "/api/v1/sessions/{}/slots",
                receipt["session_id"].as_str().expect("session")
            ),
        )
        .await;
    assert!(
        !public.contains("aveli-extra"),
        "the slot's room is private"
    );
    let refused = class
        .teacher
        .patch(app.url(&format!("/api/v1/studio/slots/{}", class.slot_id)))
        .json(&json!({ "room_url": "http://insecure.example/room" }))
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), 422, "https only");
    assert_eq!(
        click(&app, &link).await.headers()["location"],
        "https://whereby.com/aveli-extra"
    );

    // Made-up and altered tokens are unknown.
    assert_eq!(click(&app, "/join/not-a-token").await.status(), 404);
    let mut altered = link.clone();
    let last = altered.pop().expect("a token");
    altered.push(if last == 'A' { 'B' } else { 'A' });
    assert_eq!(click(&app, &altered).await.status(), 404);
    assert_eq!(
        attendance_of(&app, &order_id).await.1,
        3,
        "unknown tokens count nothing"
    );

    // Over 30 minutes after the end: "ended", and no room.
    clock_to(&app, class.start + chrono::Duration::minutes(90));
    let late = click(&app, &link).await;
    assert_eq!(late.status(), 200);
    let page = late.text().await.expect("body");
    assert!(page.contains("data-testid=\"join-ended\""), "{page}");
    assert!(!page.contains("aveli-extra") && !page.contains("aveli-test-room"));
}

async fn a_cancelled_booking_link_says_why_and_opens_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let class = class(&app, 48).await;
    let (student, order_id, link) = booked(&app, &class.slot_id).await;
    let (_, other_order, other_link) = booked(&app, &class.slot_id).await;
    assert_ne!(link, other_link, "every booking has its own link");
    let cancelled = student
        .post(app.url(&format!("/api/v1/bookings/{order_id}/cancel")))
        .send()
        .await
        .expect("request");
    assert_eq!(cancelled.status(), 200);
    let bookings = app.get_json(&student, "/api/v1/bookings").await;
    assert_eq!(
        bookings[0]["join_url"],
        Value::Null,
        "no link once cancelled"
    );

    clock_to(&app, class.start);
    let page = click(&app, &link).await;
    assert_eq!(page.status(), 200, "the cancelled link no longer redirects");
    let body = page.text().await.expect("body");
    assert!(body.contains("data-testid=\"join-refused\""), "{body}");
    assert!(body.contains("avbokat"), "it says why: {body}");
    assert!(!body.contains("aveli-test-room"));
    assert_eq!(attendance_of(&app, &order_id).await, (None, 0));
    // The other booking is untouched by it.
    assert_eq!(click(&app, &other_link).await.status(), 303);
    assert_eq!(attendance_of(&app, &other_order).await.1, 1);

    // A cancelled slot: its bookings' links say so.
    let cancel_slot = class
        .teacher
        .post(app.url(&format!("/api/v1/studio/slots/{}/cancel", class.slot_id)))
        .send()
        .await
        .expect("request");
    assert_eq!(cancel_slot.status(), 200);
    let body = click(&app, &other_link).await.text().await.expect("body");
    assert!(body.contains("ställt in"), "{body}");
}

async fn the_teacher_starts_any_time_and_alone_sees_the_attendees(backend: Backend) {
    let app = spawn_app(backend).await;
    let class = class(&app, 48).await;
    let (_, joined_order, link) = booked(&app, &class.slot_id).await;
    let (_, _, _) = booked(&app, &class.slot_id).await;
    let start = format!("/studio/slots/{}/start", class.slot_id);

    // Two days early, the teacher's start link opens the room and counts nothing.
    let opened = class
        .teacher
        .get(app.url(&start))
        .send()
        .await
        .expect("request");
    assert_eq!(opened.status(), 303);
    assert_eq!(opened.headers()["location"], ROOM);
    let to_login = click(&app, &start).await;
    assert_eq!(to_login.status(), 303);
    assert!(to_login.headers()["location"]
        .to_str()
        .is_ok_and(|l| l.starts_with("/login")));
    let other_teacher = app.new_teacher().await;
    assert_eq!(
        other_teacher
            .get(app.url(&start))
            .send()
            .await
            .expect("request")
            .status(),
        404
    );

    clock_to(&app, class.start - chrono::Duration::minutes(5));
    assert_eq!(click(&app, &link).await.status(), 303);
    let path = format!("/api/v1/studio/slots/{}/attendees", class.slot_id);
    let list = app.get_json(&class.teacher, &path).await;
    assert_eq!(list["booked"], 2);
    assert_eq!(list["joined"], 1);
    let attendees = list["attendees"].as_array().expect("attendees");
    assert_eq!(attendees.len(), 2);
    let joined: Vec<&Value> = attendees
        .iter()
        .filter(|a| a["joined_at"].is_string())
        .collect();
    assert_eq!(joined.len(), 1);
    assert_eq!(joined[0]["order_id"], joined_order.as_str());
    assert_eq!(joined[0]["join_count"], 1);
    assert!(
        attendees.iter().all(|a| a.get("email").is_none()),
        "no contact details"
    );
    assert_eq!(
        other_teacher
            .get(app.url(&path))
            .send()
            .await
            .expect("request")
            .status(),
        403
    );
    assert_eq!(click(&app, &path).await.status(), 401);
    assert_eq!(
        class
            .teacher
            .get(app.url("/api/v1/studio/slots/0193f1e2-aaaa-7bbb-8ccc-123456789abc/attendees"))
            .send()
            .await
            .expect("request")
            .status(),
        404
    );
}

async fn outbox_of(app: &TestApp, kind: &str) -> Vec<(String, String, Option<String>)> {
    sqlx::query("SELECT recipient, dedupe_key, ics FROM outbox WHERE kind = $1 ORDER BY dedupe_key")
        .bind(kind)
        .fetch_all(app.db.pool())
        .await
        .expect("outbox")
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .collect()
}

/// The value of a property in an unfolded iCalendar text.
fn property(ics: &str, name: &str) -> Option<String> {
    let unfolded = ics.replace("\r\n ", "");
    unfolded
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{name}:")).map(str::to_owned))
}

async fn moving_a_booked_slot_emails_every_attendee_once_with_a_higher_sequence(backend: Backend) {
    let app = spawn_app(backend).await;
    let class = class(&app, 48).await;
    let (_, first, _) = booked(&app, &class.slot_id).await;
    let (_, second, _) = booked(&app, &class.slot_id).await;
    let patch = |body: Value| {
        let teacher = class.teacher.clone();
        let url = app.url(&format!("/api/v1/studio/slots/{}", class.slot_id));
        async move {
            teacher
                .patch(url)
                .json(&body)
                .send()
                .await
                .expect("request")
        }
    };
    let later = class.start + chrono::Duration::hours(2);
    let moved =
        patch(json!({ "start_at": later, "end_at": later + chrono::Duration::minutes(60) })).await;
    assert_eq!(moved.status(), 200);
    let notices = outbox_of(&app, "slot_moved").await;
    assert_eq!(notices.len(), 2, "one per attendee: {notices:?}");
    let mut uids = Vec::new();
    for (_, _, ics) in &notices {
        let ics = ics.as_deref().expect("an updated invitation");
        uids.push(property(ics, "UID").expect("uid"));
        assert_eq!(property(ics, "SEQUENCE").as_deref(), Some("1"));
        assert_eq!(
            property(ics, "DTSTART").as_deref(),
            Some(later.format("%Y%m%dT%H%M%SZ").to_string().as_str())
        );
    }
    uids.sort();
    let mut expected = vec![format!("{first}@aveli"), format!("{second}@aveli")];
    expected.sort();
    assert_eq!(uids, expected, "the same UIDs as the receipts' invitations");
    // Seats or a room change no time: no email.
    assert_eq!(patch(json!({ "seats_total": 8 })).await.status(), 200);
    assert_eq!(
        patch(json!({ "room_url": "https://meet.jit.si/new" }))
            .await
            .status(),
        200
    );
    assert_eq!(outbox_of(&app, "slot_moved").await.len(), 2);
    // A second move: one more each, higher again.
    let again = later + chrono::Duration::hours(1);
    assert_eq!(
        patch(json!({ "start_at": again, "end_at": again + chrono::Duration::minutes(60) }))
            .await
            .status(),
        200
    );
    let notices = outbox_of(&app, "slot_moved").await;
    assert_eq!(notices.len(), 4);
    let sequences: Vec<String> = notices
        .iter()
        .filter_map(|(_, _, ics)| ics.as_deref().and_then(|i| property(i, "SEQUENCE")))
        .collect();
    assert_eq!(sequences.iter().filter(|s| *s == "2").count(), 2);
}

async fn invitations_and_receipts_carry_the_join_link_never_the_room(backend: Backend) {
    let app = spawn_app(backend).await;
    let class = class(&app, 48).await;
    let (student, order_id, link) = booked(&app, &class.slot_id).await;
    let join_url = format!("{}{link}", app.address);

    let receipt: (String, Option<String>) =
        sqlx::query("SELECT body_text, ics FROM outbox WHERE dedupe_key = $1")
            .bind(format!("receipt:{order_id}"))
            .fetch_one(app.db.pool())
            .await
            .map(|row| (row.get(0), row.get(1)))
            .expect("receipt");
    assert!(receipt.0.contains(&join_url), "{}", receipt.0);
    for ics in [
        receipt.1.expect("the receipt's invitation"),
        app.get_text(&student, &format!("/api/v1/bookings/{order_id}/ics"))
            .await,
        app.get_text(&app.bare_client(), &format!("{link}/invitation.ics"))
            .await,
    ] {
        assert_eq!(property(&ics, "URL"), Some(join_url.clone()), "{ics}");
        assert_eq!(property(&ics, "LOCATION"), Some(join_url.clone()), "{ics}");
        assert!(!ics.contains("aveli-test-room"), "{ics}");
        assert!(ics.parse::<icalendar::Calendar>().is_ok(), "{ics}");
    }

    // The teacher cancels: the refund email carries the cancellation.
    let cancelled = class
        .teacher
        .post(app.url(&format!("/api/v1/studio/slots/{}/cancel", class.slot_id)))
        .send()
        .await
        .expect("request");
    assert_eq!(cancelled.status(), 200);
    app.eventually(|| async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM outbox WHERE dedupe_key = $1")
            .bind(format!("refund:{order_id}"))
            .fetch_one(app.db.pool())
            .await
            .unwrap_or(0)
            == 1
    })
    .await;
    let ics: Option<String> = sqlx::query_scalar("SELECT ics FROM outbox WHERE dedupe_key = $1")
        .bind(format!("refund:{order_id}"))
        .fetch_one(app.db.pool())
        .await
        .expect("refund notice");
    let ics = ics.expect("a cancellation");
    assert_eq!(property(&ics, "METHOD").as_deref(), Some("CANCEL"));
    assert_eq!(property(&ics, "UID"), Some(format!("{order_id}@aveli")));
    assert!(
        !app.get_text(&app.bare_client(), &format!("{link}/invitation.ics"))
            .await
            .contains("BEGIN:VCALENDAR"),
        "a cancelled booking's invitation is gone"
    );
}

async fn reminder_keys(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT dedupe_key FROM outbox WHERE kind IN ('reminder', 'teacher_reminder') \
         ORDER BY dedupe_key",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("outbox")
}

async fn reminders_are_due_at_their_moments_and_go_out_once(backend: Backend) {
    use app::backend::attendance::reminders::send_due;
    let app = spawn_app(backend).await;
    let second = app.second_instance().await;
    let class = class(&app, 48).await;
    let (_, early, early_link) = booked(&app, &class.slot_id).await;
    let (cancelling, cancelled, _) = booked(&app, &class.slot_id).await;
    let refused = cancelling
        .post(app.url(&format!("/api/v1/bookings/{cancelled}/cancel")))
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), 200);
    let both = |at: DateTime<Utc>| {
        app.state.clock.set(at);
        second.state.clock.set(at);
    };
    // Two instances' workers at once.
    let race = || async {
        let (a, b) = tokio::join!(send_due(&app.state), send_due(&second.state));
        a.expect("first worker");
        b.expect("second worker");
    };

    // The background workers run too; what counts is what the outbox holds.
    race().await;
    assert!(
        reminder_keys(&app).await.is_empty(),
        "nothing is due two days ahead"
    );
    let day_before = class.start - chrono::Duration::hours(24);
    both(day_before - chrono::Duration::seconds(1));
    race().await;
    assert!(reminder_keys(&app).await.is_empty(), "not a second early");
    both(day_before);
    race().await;
    race().await;
    let slot = &class.slot_id;
    assert_eq!(
        reminder_keys(&app).await,
        vec![
            format!("reminder:{early}:0:24"),
            format!("teacher-reminder:{slot}:0:24")
        ],
        "the student's and the teacher's, once"
    );

    // Booked after the 24-hour moment: only the 1-hour reminder.
    both(class.start - chrono::Duration::hours(23));
    let (_, late, _) = booked(&app, &class.slot_id).await;
    race().await;
    assert_eq!(reminder_keys(&app).await.len(), 2);
    both(class.start - chrono::Duration::hours(1));
    race().await;
    let mut expected = vec![
        format!("reminder:{early}:0:1"),
        format!("reminder:{early}:0:24"),
        format!("reminder:{late}:0:1"),
        format!("teacher-reminder:{slot}:0:1"),
        format!("teacher-reminder:{slot}:0:24"),
    ];
    expected.sort();
    assert_eq!(reminder_keys(&app).await, expected, "none for {cancelled}");

    let (text, ics): (String, Option<String>) =
        sqlx::query("SELECT body_text, ics FROM outbox WHERE dedupe_key = $1")
            .bind(format!("reminder:{early}:0:1"))
            .fetch_one(app.db.pool())
            .await
            .map(|row| (row.get(0), row.get(1)))
            .expect("reminder");
    // Either instance may have queued it; each has its own port (in
    // production they share PUBLIC_URL), so the token path is compared.
    assert!(text.contains(&early_link), "{text}");
    assert!(
        text.contains("(Europe/Stockholm)"),
        "the local time: {text}"
    );
    assert!(ics.is_some_and(|ics| ics.contains("BEGIN:VEVENT")));
    let teacher_text: String =
        sqlx::query_scalar("SELECT body_text FROM outbox WHERE dedupe_key = $1")
            .bind(format!("teacher-reminder:{slot}:0:1"))
            .fetch_one(app.db.pool())
            .await
            .expect("teacher reminder");
    assert!(teacher_text.contains("Bokade: 2"), "{teacher_text}");
    assert!(
        teacher_text.contains(&format!("/studio/slots/{slot}/start")),
        "{teacher_text}"
    );
    // After the start nothing more is due.
    both(class.start + chrono::Duration::minutes(1));
    race().await;
    assert_eq!(reminder_keys(&app).await.len(), 5);
}

/// The feed address of a signed-in client, as its https path.
async fn feed_path(app: &TestApp, client: &reqwest::Client, rotate: bool) -> String {
    let answer = client
        .post(app.url("/api/v1/account/calendar-feed"))
        .json(&json!({ "rotate": rotate }))
        .send()
        .await
        .expect("request");
    assert_eq!(answer.status(), 200);
    let url = json(answer).await["url"].as_str().expect("url").to_owned();
    let host = app.address.trim_start_matches("http://");
    url.strip_prefix(&format!("webcal://{host}"))
        .expect("a webcal address of this site")
        .to_owned()
}

async fn the_feed_holds_only_its_owners_events_and_404s_after_a_rotation(backend: Backend) {
    let app = spawn_app(backend).await;
    let class = class(&app, 48).await;
    let (student, mine, link) = booked(&app, &class.slot_id).await;
    let (_, theirs, _) = booked(&app, &class.slot_id).await;
    let path = feed_path(&app, &student, false).await;
    assert_eq!(
        feed_path(&app, &student, false).await,
        path,
        "made once, then the same"
    );
    assert!(path.ends_with(".ics"));

    let feed = app
        .bare_client()
        .get(app.url(&path))
        .send()
        .await
        .expect("request");
    assert_eq!(feed.status(), 200);
    assert!(feed.headers()["content-type"]
        .to_str()
        .is_ok_and(|t| t.starts_with("text/calendar")));
    let text = feed.text().await.expect("body");
    let calendar: icalendar::Calendar = text.parse().expect("the feed parses");
    let events: Vec<_> = calendar.events().collect();
    assert_eq!(events.len(), 1, "{text}");
    assert_eq!(events[0].get_uid(), Some(format!("{mine}@aveli").as_str()));
    assert_eq!(
        events[0].get_url(),
        Some(format!("{}{link}", app.address).as_str())
    );
    assert!(!text.contains(&theirs), "another student's booking");
    assert!(!text.contains("ATTENDEE") && !text.contains("aveli-test-room"));
    assert!(
        text.split("\r\n").all(|line| line.len() <= 75),
        "folded at 75 octets"
    );

    // The teacher's feed has their slot, with booked/total.
    let teacher_feed = app
        .get_text(
            &app.bare_client(),
            &feed_path(&app, &class.teacher, false).await,
        )
        .await;
    assert!(
        teacher_feed.contains(&format!("UID:slot-{}@aveli", class.slot_id)),
        "{teacher_feed}"
    );
    assert!(teacher_feed.contains("2/10"), "{teacher_feed}");

    let rotated = feed_path(&app, &student, true).await;
    assert_ne!(rotated, path);
    assert_eq!(
        app.get(&app.bare_client(), &path).await.status(),
        404,
        "the old address is gone"
    );
    assert_eq!(app.get(&app.bare_client(), &rotated).await.status(), 200);
    assert_eq!(feed_path(&app, &student, false).await, rotated);
    assert_eq!(
        app.get(&app.bare_client(), "/calendar/made-up.ics")
            .await
            .status(),
        404
    );
    let anonymous = app
        .bare_client()
        .post(app.url("/api/v1/account/calendar-feed"))
        .json(&json!({}))
        .send()
        .await
        .expect("request");
    assert_eq!(anonymous.status(), 401);
}

async fn a_new_recording_is_announced_to_past_attendees_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let class = class(&app, 2).await;
    let (_, _, _) = booked(&app, &class.slot_id).await;
    let save = |recording: Option<&str>| {
        let teacher = class.teacher.clone();
        let url = app.url("/api/v1/studio/sessions");
        let body = json!({
            "id": class.session_id,
            "title": "Morgonyoga",
            "description": "",
            "capacity": 10,
            "price_cents": 0,
            "currency": "SEK",
            "visibility": "published",
            "recording_url": recording,
            "room_url": ROOM,
        });
        async move { teacher.post(url).json(&body).send().await.expect("request") }
    };
    let announced = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM outbox WHERE kind = 'recording_available'",
        )
        .fetch_one(app.db.pool())
        .await
        .expect("count")
    };
    // Before the slot has happened there is nobody to tell.
    assert_eq!(
        save(Some("https://video.example/rec-1")).await.status(),
        200
    );
    assert_eq!(announced().await, 0);
    clock_to(&app, class.start + chrono::Duration::hours(2));
    assert_eq!(
        save(Some("https://video.example/rec-1")).await.status(),
        200
    );
    assert_eq!(announced().await, 1);
    assert_eq!(
        save(Some("https://video.example/rec-2")).await.status(),
        200
    );
    assert_eq!(announced().await, 1, "once");
}
