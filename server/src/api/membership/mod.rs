//! `/api/v1/membership`: the signed-in user's membership.

pub mod cancel;
pub mod status;
