//! The links that lead into a live session:
//! - `/join/{token}`, the student's personal link: inside its window it
//!   answers 303 to the room (`open_room`, a layer in front of the page);
//!   otherwise the Leptos page `/join/:token` says where the booking stands;
//! - `/join/{token}/invitation.ics`, the booking's invitation, for the
//!   page's "add to calendar" (no login, like the link itself);
//! - `/studio/slots/{id}/start`, the teacher's start link;
//! - `/calendar/{token}.ics`, a personal calendar feed.
//!
//! The rules are in `app::backend::attendance::join`.

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

use app::backend::attendance::feeds;
use app::backend::attendance::join::{self, Click, JoinError};
use app::backend::AppState;
use app::model::Locale;

use crate::api::caller::Caller;

/// The token of a `/join/{token}` request, if it is one.
fn join_token(request: &Request) -> Option<&str> {
    if request.method() != Method::GET {
        return None;
    }
    let token = request.uri().path().strip_prefix("/join/")?;
    (!token.is_empty() && !token.contains('/')).then_some(token)
}

/// In front of the join page: a click inside the window goes to the room
/// (and is counted). Everything else — too early, over, cancelled, unknown —
/// is the page's to show.
pub async fn open_room(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(token) = join_token(&request) else {
        return next.run(request).await;
    };
    match join::click(&state, token).await {
        Ok(Click::Room(room)) => to_room(&room),
        Ok(Click::Page(_)) | Err(JoinError::NotFound) => next.run(request).await,
        Err(err) => {
            // Logged inside; the page asks again and shows the error.
            tracing::warn!(error = %err, "join link could not be checked");
            next.run(request).await
        }
    }
}

/// 303 to the room; never cached, since the answer depends on the time.
fn to_room(room: &str) -> Response {
    let mut response = Redirect::to(room).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// The booking's invitation, for "add to calendar" on the join page.
pub async fn invitation(
    State(state): State<AppState>,
    caller: Caller,
    Path(token): Path<String>,
) -> Response {
    let file = match join::active_order(&state, &token).await {
        Ok(order_id) => join::calendar_file(&state, &order_id, false).await,
        Err(err) => Err(err),
    };
    match file {
        Ok(ics) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"aveli.ics\"",
                ),
            ],
            ics,
        )
            .into_response(),
        Err(err) => refusal(&err, caller.ctx.locale),
    }
}

/// A personal calendar feed, for calendar apps (no login: the token is the key).
pub async fn calendar(
    State(state): State<AppState>,
    caller: Caller,
    Path(file): Path<String>,
) -> Response {
    let feed = match file.strip_suffix(".ics") {
        Some(token) => feeds::feed(&state, token).await,
        None => Err(JoinError::NotFound),
    };
    match feed {
        Ok(ics) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "private, max-age=300"),
            ],
            ics,
        )
            .into_response(),
        Err(err) => refusal(&err, caller.ctx.locale),
    }
}

/// The teacher's start link: straight into the slot's room, at any time.
pub async fn start(
    State(state): State<AppState>,
    caller: Caller,
    Path(slot_id): Path<String>,
) -> Response {
    match join::start(&state, &caller.ctx, &slot_id).await {
        Ok(room) => to_room(&room),
        Err(JoinError::Unauthorized) => {
            Redirect::to(&format!("/login?next=/studio/slots/{slot_id}/start")).into_response()
        }
        Err(err) => refusal(&err, caller.ctx.locale),
    }
}

/// A short page in the caller's language: these links are opened from
/// emails and calendars, so a JSON error would help nobody.
fn refusal(err: &JoinError, locale: Locale) -> Response {
    let error = err.to_app_error(locale);
    let status = match err {
        JoinError::NoRoom => StatusCode::CONFLICT,
        JoinError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        // Another teacher's slot does not exist for them.
        _ => StatusCode::NOT_FOUND,
    };
    let message = html_escape::encode_text(&error.message);
    let body = format!(
        "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\"><title>Aveli</title>\
         <main><p>{message}</p><p><a href=\"/\">Aveli</a></p></main></html>",
        locale.code()
    );
    (status, Html(body)).into_response()
}
