//! The catalogue: what can be bought and watched — sessions and their slots,
//! courses and their lessons, and who may watch a recording.
//!
//! Owns `sessions`, `session_slots` (except `seats_taken`, which booking
//! moves), `courses`, `course_lessons`. Calls `accounts`, `payments::connect`
//! (the publish gate) and `mail` (a moved slot's notices, a recording's
//! announcement). It never calls `booking`.

pub mod courses;
pub mod recording_access;
pub mod sessions;
pub mod slots;
