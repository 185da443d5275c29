//! Membership (a Stripe Billing subscription): what it unlocks is every
//! recording in "Tidigare sändningar".

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The membership's monthly price as the pages show it (Stripe's Price,
/// created by `server stripe-setup` from the same numbers, is what is charged).
pub const AMOUNT_CENTS: i64 = 19_900;
pub const CURRENCY: &str = "SEK";

/// The signed-in user's membership as the pages and REST show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MembershipView {
    /// Stripe's subscription status (`none` without a subscription).
    pub status: String,
    /// Whether recordings are open to them now.
    pub is_member: bool,
    pub current_period_end: Option<DateTime<Utc>>,
    pub cancel_at_period_end: bool,
    pub amount_cents: i64,
    pub currency: String,
}

/// What the browser needs to pay for a subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SubscriptionStarted {
    pub subscription_id: String,
    /// The first invoice's confirmation secret; `None` once nothing is due.
    pub client_secret: Option<String>,
    pub status: String,
    pub publishable_key: String,
    pub script_url: String,
    pub amount_cents: i64,
    pub currency: String,
}

/// Whether a membership in this state, paid until `period_end`, opens the
/// recordings at `now`: active and trialing do, and past_due still does
/// until the paid period ends.
pub fn grants_access(status: &str, period_end: Option<i64>, now: i64) -> bool {
    let in_period = period_end.is_none_or(|end| end > now);
    matches!(status, "active" | "trialing" | "past_due") && in_period
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_follows_status_and_the_paid_period() {
        let now = 1_000;
        assert!(grants_access("active", Some(2_000), now));
        assert!(grants_access("trialing", Some(2_000), now));
        assert!(
            grants_access("past_due", Some(2_000), now),
            "until the paid period ends"
        );
        assert!(!grants_access("past_due", Some(500), now));
        assert!(!grants_access("active", Some(500), now));
        for status in [
            "incomplete",
            "canceled",
            "unpaid",
            "incomplete_expired",
            "none",
        ] {
            assert!(!grants_access(status, Some(2_000), now), "{status}");
        }
    }
}
