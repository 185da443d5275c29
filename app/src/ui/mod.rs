//! Components and pages.

pub mod account;
pub mod app;
pub mod i18n_context;
pub mod join_button;
pub mod membership_checkout;
pub mod moon_icon;
pub mod nav;
pub mod pages;
pub mod payment_form;
pub mod payouts;
pub mod session;
pub mod session_card;
pub mod studio;
pub mod viewer;
