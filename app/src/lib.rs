#![recursion_limit = "256"]
//! Aveli: the Leptos app, compiled twice — with `ssr` for the server and with
//! `hydrate` for the browser. `model`, `i18n` and `i18n_admin` are shared by
//! both sides; `backend` exists only on the server.

pub mod api;
pub mod i18n;
pub mod i18n_admin;
pub mod model;
pub mod stripe_js;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod backend;

pub use ui::app::{shell, App};
