//! A teacher's payout (Stripe Connect Express) status, and what the browser
//! needs to mount Stripe's Payment Element.

use chrono::{DateTime, Utc};
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
    /// The payout schedule the teacher saved (`daily`, `weekly`, `monthly`);
    /// `None`: Stripe's default.
    #[serde(default)]
    pub payout_schedule: Option<String>,
    /// The card statement prefix the teacher saved.
    #[serde(default)]
    pub statement_descriptor_prefix: Option<String>,
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

/// One payout of the teacher's balance to their bank, with the sales it held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Payout {
    /// Stripe's id (`po_…`).
    pub id: String,
    /// What reaches the bank, in minor units.
    pub amount_cents: i64,
    pub currency: String,
    /// Stripe's: `pending`, `in_transit`, `paid`, `failed` or `canceled`.
    pub status: String,
    /// When the money is (or was) expected at the bank.
    pub arrival_date: DateTime<Utc>,
    /// When Stripe created the payout.
    pub created_at: DateTime<Utc>,
    /// The bank's reason, for a failed payout.
    pub failure_message: Option<String>,
    /// The sales paid to the account since the previous payout, oldest first;
    /// refunds are each sale's `refunded_cents`.
    pub sales: Vec<PayoutSale>,
}

/// A sale (an order) within a payout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PayoutSale {
    pub order_id: String,
    /// The session's or course's title.
    pub title: String,
    pub paid_at: DateTime<Utc>,
    pub amount_cents: i64,
    /// The platform's fee.
    pub fee_cents: i64,
    /// The amount minus the fee.
    pub teacher_share_cents: i64,
    pub refunded_cents: i64,
}

/// A teacher's payout settings, sent to Stripe on their account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PayoutSettings {
    /// `daily`, `weekly` (Mondays) or `monthly` (the 1st).
    pub schedule_interval: String,
    /// Shown first on the buyer's card statement: 2–10 characters, at least
    /// one letter, none of `<>\'"*`. Empty or missing: no prefix.
    #[serde(default)]
    pub statement_descriptor_prefix: Option<String>,
}

/// A single-use link that signs the teacher in to Stripe's Express dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DashboardLink {
    pub url: String,
}
