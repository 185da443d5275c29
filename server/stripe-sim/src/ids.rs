//! Stripe-style identifiers. (Time comes from [`crate::SimClock`].)

use rand::distributions::Alphanumeric;
use rand::Rng;

/// `{prefix}_{24 random alphanumerics}`.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", random_string(24))
}

pub fn random_string(len: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_prefix_and_length() {
        let id = new_id("pi");
        assert!(id.starts_with("pi_"));
        assert_eq!(id.len(), 3 + 24);
        assert!(id[3..].chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(new_id("pi"), new_id("pi"));
    }
}
