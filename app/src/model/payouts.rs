//! A teacher's payout (Stripe Connect Express) status, and what the browser
//! needs to mount Stripe's Payment Element.

use serde::{Deserialize, Serialize};

/// Where a teacher is in Connect onboarding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PayoutState {
    /// No Connect account yet.
    NotStarted,
    /// An account exists but cannot take charges yet.
    Incomplete,
    /// Charges are enabled: paid sessions may be published.
    Active,
}

impl PayoutState {
    pub fn of(has_account: bool, charges_enabled: bool) -> PayoutState {
        match (has_account, charges_enabled) {
            (false, _) => PayoutState::NotStarted,
            (true, false) => PayoutState::Incomplete,
            (true, true) => PayoutState::Active,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PayoutStatus {
    pub state: PayoutState,
    pub charges_enabled: bool,
    pub payouts_enabled: bool,
    pub details_submitted: bool,
    /// What Stripe still needs (known only after asking Stripe).
    pub currently_due: Vec<String>,
}

/// What the browser needs to mount the Payment Element for one PaymentIntent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PaymentSetup {
    pub client_secret: String,
    /// `Setup` for a SetupIntent's secret (a trial's card): confirmSetup.
    #[serde(default)]
    pub confirm_with: crate::model::membership::ConfirmWith,
    pub publishable_key: String,
    /// Stripe.js: js.stripe.com in live mode, the simulator's stand-in otherwise.
    pub script_url: String,
    pub amount_cents: i64,
    pub currency: String,
}
