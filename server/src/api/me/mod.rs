//! `/api/v1/me/*`: the signed-in person's own account — who they are
//! (`get`), their profile (`profile`), password (`password`), email address
//! (`email`), devices (`devices`), data (`export`) and the deletion of the
//! account (`delete`).

pub mod delete;
pub mod devices;
pub mod email;
pub mod export;
pub mod get;
pub mod password;
pub mod profile;
