//! `/api/v1/sessions/*`: public reads.

pub mod slots;
