//! `/api/v1/checkout/*`: starting a purchase.

pub mod course;
pub mod session;
pub mod subscription;
