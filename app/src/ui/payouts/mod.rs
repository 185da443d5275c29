//! The parts of the teacher's payouts page (`/studio/payouts`) that are
//! about money already on its way: the list of payouts to the teacher's
//! bank with the sales each held (`payout_list`), the payout settings and
//! the button to Stripe's Express dashboard (`payout_settings`), the words
//! for a sale's dispute, and these parts' strings (`strings`). The page
//! itself (Connect status, onboarding, the sales table) is
//! `ui/pages/payouts.rs`.

pub mod payout_list;
pub mod payout_settings;
pub mod strings;

use crate::model::session::{format_price, Currency};
use strings::PayoutStrings;

/// An amount as the teacher's pages write it ("150 SEK", "99,50 SEK").
pub fn money(cents: i64, currency: &str) -> String {
    match Currency::parse(currency) {
        Some(currency) => format_price(cents, currency, &format!("0 {}", currency.code())),
        None => format!("{cents} {}", currency.trim().to_uppercase()),
    }
}

/// A sale's dispute in words, from Stripe's status.
pub fn dispute_words(t: &PayoutStrings, status: &str) -> String {
    match status {
        "needs_response" | "warning_needs_response" => t.dispute_awaiting.to_owned(),
        "under_review" | "warning_under_review" => t.dispute_review.to_owned(),
        "won" => t.dispute_won.to_owned(),
        "lost" => t.dispute_lost.to_owned(),
        "warning_closed" | "prevented" => t.dispute_closed.to_owned(),
        other => t
            .dispute_other
            .replace("{status}", &other.replace('_', " ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disputes_are_named() {
        assert_eq!(dispute_words(&strings::SV, "won"), "Tvist: vunnen");
        assert_eq!(
            dispute_words(&strings::EN, "needs_response"),
            "Dispute: awaiting evidence"
        );
        assert_eq!(
            dispute_words(&strings::EN, "charge_refunded"),
            "Dispute: charge refunded"
        );
    }
}
