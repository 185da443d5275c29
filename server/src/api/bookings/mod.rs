//! `/api/v1/bookings`: the signed-in student's seats.

pub mod cancel;
pub mod ics;
pub mod list;
