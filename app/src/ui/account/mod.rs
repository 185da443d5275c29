//! The sections of `/account` a person runs their account with: the
//! address's confirmation (`verify_notice`), the profile and time zone
//! (`profile`), password and email changes (`credentials`), signed-in
//! devices (`devices`), and their data and the deletion (`data`).

pub mod credentials;
pub mod data;
pub mod devices;
pub mod profile;
pub mod verify_notice;
