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
    /// A trial still waiting for its card, or a failed renewal: the page asks
    /// for a (new) payment method.
    pub needs_payment_method: bool,
    /// Free days a new membership would start with (only ever offered once).
    pub trial_days: u32,
    pub amount_cents: i64,
    pub currency: String,
}

/// Which Stripe.js call confirms a client secret: a PaymentIntent's (an
/// invoice to pay) or a SetupIntent's (a trial's card, saved for later).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConfirmWith {
    #[default]
    Payment,
    Setup,
}

/// What the browser needs to pay for a subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SubscriptionStarted {
    pub subscription_id: String,
    /// The open invoice's confirmation secret, or a trial's SetupIntent
    /// secret; `None` once nothing is due.
    pub client_secret: Option<String>,
    /// How the browser confirms `client_secret`.
    pub confirm_with: ConfirmWith,
    pub status: String,
    /// Free days before the first charge (0 without a trial).
    pub trial_days: u32,
    pub publishable_key: String,
    pub script_url: String,
    pub amount_cents: i64,
    pub currency: String,
}

/// Whether a membership opens the recordings at `now`: active and trialing
/// do within their current period; past_due only until the end of the last
/// period an invoice paid for (`paid_until`), never for the unpaid one.
pub fn grants_access(
    status: &str,
    period_end: Option<i64>,
    paid_until: Option<i64>,
    now: i64,
) -> bool {
    match status {
        "active" | "trialing" => period_end.is_none_or(|end| end > now),
        "past_due" => paid_until.is_some_and(|end| end > now),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_follows_status_and_the_paid_period() {
        let now = 1_000;
        assert!(grants_access("active", Some(2_000), Some(2_000), now));
        assert!(grants_access("trialing", Some(2_000), None, now));
        assert!(
            grants_access("past_due", Some(3_000), Some(2_000), now),
            "until the paid period ends"
        );
        assert!(
            !grants_access("past_due", Some(3_000), Some(500), now),
            "the failed renewal's period is not paid for"
        );
        assert!(!grants_access("past_due", Some(3_000), None, now));
        assert!(!grants_access("active", Some(500), Some(500), now));
        for status in [
            "incomplete",
            "canceled",
            "unpaid",
            "incomplete_expired",
            "none",
        ] {
            assert!(
                !grants_access(status, Some(2_000), Some(2_000), now),
                "{status}"
            );
        }
    }
}
