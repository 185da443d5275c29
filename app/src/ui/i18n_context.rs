//! The active language as reactive context, so a switch re-renders every
//! string without a reload.

use leptos::prelude::*;

use crate::i18n::{strings, Strings};
use crate::model::Locale;

#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Locale>);

impl I18n {
    /// The strings of the active language (tracks the signal).
    pub fn t(&self) -> &'static Strings {
        strings(self.0.get())
    }

    pub fn locale(&self) -> Locale {
        self.0.get()
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// The language the page was rendered in: on the server, negotiated from the
/// request; in the browser, read back from `<html lang>` so hydration agrees.
pub fn initial_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .map(|parts| {
                let cookie = crate::backend::request::cookie(&parts.headers, Locale::COOKIE);
                let accept = parts
                    .headers
                    .get(axum::http::header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok());
                Locale::negotiate(cookie.as_deref(), accept)
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|lang| Locale::parse(&lang))
            .unwrap_or_default()
    }
}
