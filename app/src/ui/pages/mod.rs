//! One file per page, named after its route.

pub mod account;
pub mod admin;
pub mod bookings;
pub mod course;
pub mod courses;
pub mod email_confirm;
pub mod error;
pub mod home;
pub mod join;
pub mod landing;
pub mod login;
pub mod membership;
pub mod not_found;
pub mod password_forgot;
pub mod password_reset;
pub mod payment_test;
pub mod payouts;
pub mod receipt;
pub mod session;
pub mod signup;
pub mod signup_membership;
pub mod studio;
pub mod studio_courses;
