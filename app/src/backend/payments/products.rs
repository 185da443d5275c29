//! The platform's Stripe Products and Prices (seed §11 A), identified by
//! lookup key so that creating them is idempotent: drop-in sessions of 30,
//! 45 and 60 minutes, a course, and the monthly membership.

use crate::backend::payments::gateway::PriceSpec;
use crate::backend::payments::{GatewayError, StripeGateway};

/// The membership's lookup key (its price id goes in `STRIPE_MEMBERSHIP_PRICE_ID`).
pub const MEMBERSHIP_LOOKUP_KEY: &str = "aveli_membership_monthly_sek";

pub const PRICES: [PriceSpec<'static>; 5] = [
    PriceSpec {
        lookup_key: "aveli_drop_in_30_sek",
        product_name: "Drop-in live session, 30 minutes",
        unit_amount_cents: 9_900,
        currency: "SEK",
        monthly: false,
    },
    PriceSpec {
        lookup_key: "aveli_drop_in_45_sek",
        product_name: "Drop-in live session, 45 minutes",
        unit_amount_cents: 12_900,
        currency: "SEK",
        monthly: false,
    },
    PriceSpec {
        lookup_key: "aveli_drop_in_60_sek",
        product_name: "Drop-in live session, 60 minutes",
        unit_amount_cents: 15_000,
        currency: "SEK",
        monthly: false,
    },
    PriceSpec {
        lookup_key: "aveli_course_sek",
        product_name: "Course",
        unit_amount_cents: 49_900,
        currency: "SEK",
        monthly: false,
    },
    PriceSpec {
        lookup_key: MEMBERSHIP_LOOKUP_KEY,
        product_name: "Aveli membership (monthly)",
        unit_amount_cents: 19_900,
        currency: "SEK",
        monthly: true,
    },
];

/// One price after setup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetUpPrice {
    pub lookup_key: &'static str,
    pub price_id: String,
    pub created: bool,
}

/// Creates whatever of `PRICES` is missing; running it again creates nothing.
pub async fn set_up(stripe: &StripeGateway) -> Result<Vec<SetUpPrice>, GatewayError> {
    let mut done = Vec::with_capacity(PRICES.len());
    for spec in &PRICES {
        let (price_id, created) = stripe.ensure_price(spec).await?;
        done.push(SetUpPrice {
            lookup_key: spec.lookup_key,
            price_id,
            created,
        });
    }
    Ok(done)
}
