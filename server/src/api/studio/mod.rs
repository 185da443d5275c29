//! `/api/v1/studio/*`: the teacher's sessions and slots.

pub mod courses;
pub mod payouts;
pub mod sessions;
pub mod slots;
