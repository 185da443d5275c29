//! The viewer's time zone: the signed-in user's; for a visitor, their
//! browser's. Read it inside `<Suspense>` so server and browser render the
//! same times.
//!
//! A visitor's zone: the browser reports it (`Intl`) after hydration, and
//! it is kept in the `aveli_tz` cookie so the server renders the next page
//! in it. The zone a page was rendered in is written on `<html data-tz>`
//! and read back by the browser, so hydration agrees with the server even
//! on the first visit (Stockholm); right after hydration the times move to
//! the browser's zone.

use chrono_tz::Tz;
use leptos::prelude::*;

use crate::model::calendar::{parse_time_zone, DEFAULT_TIME_ZONE};
use crate::ui::app::use_auth;

/// The cookie that remembers a visitor's zone.
pub const TZ_COOKIE: &str = "aveli_tz";

/// A visitor's zone, as reactive context.
#[derive(Clone, Copy)]
pub struct VisitorZone(pub RwSignal<Tz>);

pub fn viewer_time_zone() -> Tz {
    use_auth()
        .user
        .get()
        .and_then(Result::ok)
        .flatten()
        .map(|user| parse_time_zone(&user.time_zone))
        .or_else(|| use_context::<VisitorZone>().map(|zone| zone.0.get()))
        .unwrap_or(DEFAULT_TIME_ZONE)
}

/// The zone the page is rendered in for a visitor: on the server from the
/// cookie, in the browser from `<html data-tz>` (what the server used).
pub fn initial_visitor_zone() -> Tz {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .and_then(|parts| crate::backend::request::cookie(&parts.headers, TZ_COOKIE))
            .and_then(|name| name.parse().ok())
            .unwrap_or(DEFAULT_TIME_ZONE)
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|html| html.get_attribute("data-tz"))
            .and_then(|name| name.parse().ok())
            .unwrap_or(DEFAULT_TIME_ZONE)
    }
}

/// The browser's own zone (`Intl.DateTimeFormat().resolvedOptions().timeZone`),
/// if chrono-tz knows it. `None` on the server.
pub fn browser_zone() -> Option<Tz> {
    #[cfg(feature = "ssr")]
    {
        None
    }
    #[cfg(not(feature = "ssr"))]
    {
        let format =
            js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
        js_sys::Reflect::get(&format.resolved_options(), &"timeZone".into())
            .ok()
            .and_then(|zone| zone.as_string())
            .and_then(|name| name.parse().ok())
    }
}

/// After hydration: remembers the browser's zone for the next server render
/// and shows a visitor's times in it from now on.
pub fn adopt_browser_zone(zone: VisitorZone) {
    let Some(browser) = browser_zone() else {
        return;
    };
    if zone.0.get_untracked() != browser {
        zone.0.set(browser);
    }
    #[cfg(not(feature = "ssr"))]
    {
        use wasm_bindgen::JsCast;
        if let Ok(html) = document().dyn_into::<web_sys::HtmlDocument>() {
            let cookie = format!(
                "{TZ_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                browser.name()
            );
            let _ = html.set_cookie(&cookie);
        }
    }
}
