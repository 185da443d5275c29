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

/// "The teacher is not suspended by the platform", for a row `alias` with a
/// `teacher_id`: a suspended teacher's sessions and courses are listed
/// nowhere. The subquery is uncorrelated and small (few teachers are ever
/// suspended), so it costs the listings nothing measurable.
pub fn teacher_listed(alias: &str) -> String {
    format!("{alias}.teacher_id NOT IN (SELECT id FROM teachers WHERE suspended_at IS NOT NULL)")
}
