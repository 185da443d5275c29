//! Test helpers under `/v1/test_helpers/` (secret key only; not part of Stripe's API unless
//! noted). The handlers of most live next to what they drive; this module holds the fault
//! queue and documents them all.
//!
//! - `POST /v1/test_helpers/accounts/{id}/onboard`: completes Connect onboarding at once
//!   (emits `account.updated`); returns the Account.
//! - `POST /v1/test_helpers/accounts/{id}/payout` (`outcome=paid|failed`, default `paid`;
//!   `currency`, default the account's): pays out the connected account's whole available
//!   balance (400 `balance_insufficient` when there is none; 400 `payouts_not_allowed` before
//!   onboarding); emits `payout.created` then `payout.paid` / `payout.failed` as Connect
//!   events. A failed payout (`account_closed`) gives the money back to the balance. See
//!   `payouts` and `ledger`.
//! - `POST /v1/test_helpers/charges/{id}/dispute` (`reason`, default `fraudulent`): opens a
//!   dispute on a succeeded charge like the `4000 0000 0000 0259` card (`needs_response`,
//!   due in 7 days, the amount withdrawn); emits `charge.dispute.created` and
//!   `charge.dispute.funds_withdrawn`. Returns the Dispute.
//! - `POST /v1/test_helpers/disputes/{id}/close` (`outcome=won|lost`): emits
//!   `charge.dispute.closed` (and `charge.dispute.funds_reinstated` when won).
//! - `POST /v1/test_helpers/faults` (`kind=500|429|timeout`, `count`, `path`, `delay_ms`,
//!   `rate`: the share of matching calls that fail) /
//!   `DELETE /v1/test_helpers/faults`: injected API faults (here).
//! - `POST|DELETE /v1/test_helpers/webhooks/faults`, `GET /v1/test_helpers/webhooks/deliveries`,
//!   `GET /v1/test_helpers/webhooks/idle`: webhook delivery faults and inspection.
//!
//! ## `POST /v1/test_helpers/subscriptions/{id}/advance`
//!
//! Stands in for a Stripe test clock advanced to the end of the subscription's current
//! period. Parameters: `outcome=succeed|fail` (default `succeed`), `expand[]` (as on
//! `GET /v1/subscriptions/{id}`). Returns the Subscription.
//!
//! - `canceled` / `incomplete_expired` → 400 `subscription_canceled`; `incomplete` (first
//!   invoice never paid) → 400 `subscription_unexpected_state`.
//! - `cancel_at_period_end=true` (or `cancel_at` ≤ the period end): the subscription ends
//!   instead of renewing: `status: canceled`, `ended_at` = the period end (`canceled_at`
//!   stays the time the cancellation was requested); emits `customer.subscription.deleted`.
//!   No invoice.
//! - Otherwise every item moves to the next period: `current_period_start` = the old
//!   `current_period_end`, `current_period_end` = that + the price's interval × interval_count
//!   (calendar months/years). A `trialing` subscription leaves its trial this way (its period
//!   was the trial). A new Invoice `in_…` (`billing_reason: subscription_cycle`, `created` =
//!   the clock's time, lines for the new period, `period_start`/`period_end` = the period that
//!   ended, `confirmation_secret` and `payments` backed by a new PaymentIntent) becomes the
//!   `latest_invoice`; events `invoice.created`, `invoice.finalized`,
//!   `payment_intent.created`, then the off-session charge of the default payment method (the
//!   subscription's `default_payment_method`, else the customer's
//!   `invoice_settings.default_payment_method`):
//!   - `succeed` with a card on file that succeeds: `charge.succeeded`,
//!     `payment_intent.succeeded`, `invoice.paid`, `invoice.payment_succeeded`; status
//!     `active`.
//!   - `fail`, no card on file, a declining test card, or a 3-D Secure card (off-session:
//!     `authentication_required`): `charge.failed` + `payment_intent.payment_failed` (when
//!     there was a card), `invoice.payment_failed`; status `past_due`. The invoice stays `open`:
//!     confirming its `confirmation_secret` (`GET /v1/invoices/{id}?expand[]=confirmation_secret`)
//!     with a good card, or `POST /v1/invoices/{id}/pay`, pays it (`invoice.paid`,
//!     `invoice.payment_succeeded`, and `customer.subscription.updated` back to `active`).
//!   - then `customer.subscription.updated` with `previous_attributes` `items` (the old
//!     periods), `latest_invoice` and, when it changed, `status`.
//!
//! A 0 total (a free price) is paid at once without a PaymentIntent.

use serde_json::{json, Value};

use crate::api::Ctx;
use crate::error::ApiError;
use crate::state::State;

pub fn add_fault(ctx: &Ctx<'_>, st: &mut State) -> Result<Value, ApiError> {
    let fault = crate::faults::parse(ctx.params)?;
    if fault.remaining > 0 {
        st.faults.push(fault);
    }
    Ok(pending(st))
}

pub fn clear_faults(st: &mut State) -> Value {
    st.faults.clear();
    pending(st)
}

fn pending(st: &State) -> Value {
    json!({"pending": st.faults.iter().map(crate::faults::Fault::to_json).collect::<Vec<_>>()})
}
