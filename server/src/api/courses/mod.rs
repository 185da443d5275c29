//! `/api/v1/courses*`: public reads of courses.

pub mod get;
pub mod list;
