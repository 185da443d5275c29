//! `/api/v1/admin/*`: the platform's console, for admins only. Everyone
//! else gets 404, as if it did not exist.

pub mod audit;
pub mod disputes;
pub mod orders;
pub mod refunds;
pub mod system;
pub mod teachers;
