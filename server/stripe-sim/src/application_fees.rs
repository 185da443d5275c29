//! Application fees of destination charges (`application_fee_amount`) and their refunds
//! (`refund_application_fee=true` on `POST /v1/refunds`).

use serde_json::{json, Value};

use crate::api::Ctx;
use crate::error::ApiError;
use crate::events::emit;
use crate::form::Params;
use crate::ids::new_id;
use crate::lists;
use crate::state::State;

/// The platform's Connect application (`application` on its fees).
pub const APPLICATION: &str = "ca_SimulatedAveliPlatform0000000";

/// The fee a succeeded destination `charge` with an `application_fee` id earns the platform
/// from `account` (the destination).
pub fn build(charge: &Value, account: &str) -> Option<Value> {
    let id = charge["application_fee"].as_str()?;
    Some(json!({
        "id": id,
        "object": "application_fee",
        "account": account,
        "amount": charge["application_fee_amount"].as_i64().unwrap_or(0),
        "amount_refunded": 0,
        "application": APPLICATION,
        "balance_transaction": new_id("txn"),
        "charge": charge["id"].clone(),
        "created": charge["created"].clone(),
        "currency": charge["currency"].clone(),
        "fee_source": {"charge": charge["id"].clone(), "payout": null, "type": "charge"},
        "livemode": false,
        "originating_transaction": null,
        "refunded": false,
        "refunds": {
            "object": "list",
            "data": [],
            "has_more": false,
            "total_count": 0,
            "url": format!("/v1/application_fees/{id}/refunds"),
        },
    }))
}

pub fn retrieve(st: &State, id: &str) -> Result<Value, ApiError> {
    st.application_fees
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("application fee", id))
}

/// `GET /v1/application_fees`: newest first, optionally only the fee of one `charge`.
pub fn list(ctx: &Ctx<'_>, st: &State) -> Result<Value, ApiError> {
    let charge = ctx.params.str_of("charge");
    let fees: Vec<&Value> = st
        .application_fees
        .values()
        .filter(|f| charge.is_none_or(|c| f["charge"] == c))
        .collect();
    lists::page(
        st.oldest_first(fees),
        ctx.params,
        "/v1/application_fees",
        "application fee",
    )
}

/// The part of a fee of `fee_amount` that refunding `refund` of a charge of `total` gives
/// back: proportional, like Stripe (the whole fee for a full refund).
fn share(fee_amount: i64, refund: i64, total: i64) -> i64 {
    if total <= 0 {
        0
    } else {
        (fee_amount * refund + total / 2) / total
    }
}

/// Refunds the share of fee `fee_id` that a refund of `refund` (of a charge of `total`)
/// carries: a `fee_refund` is added to the fee's `refunds`, and `application_fee.refunded`
/// is emitted. Nothing happens when the fee is already fully refunded.
pub fn refund_share(
    ctx: &Ctx<'_>,
    st: &mut State,
    fee_id: &str,
    refund: i64,
    total: i64,
    last: bool,
) {
    let now = st.clock.now();
    let Some(fee) = st.application_fees.get_mut(fee_id) else {
        return;
    };
    let amount = fee["amount"].as_i64().unwrap_or(0);
    let already = fee["amount_refunded"].as_i64().unwrap_or(0);
    let left = amount - already;
    // The last refund of a charge takes what rounding left over.
    let part = if last {
        left
    } else {
        share(amount, refund, total).min(left)
    };
    if part <= 0 {
        return;
    }
    let fee_refund = json!({
        "id": new_id("fr"),
        "object": "fee_refund",
        "amount": part,
        "balance_transaction": new_id("txn"),
        "created": now,
        "currency": fee["currency"].clone(),
        "fee": fee_id,
        "metadata": {},
    });
    let refunded = already + part;
    fee["amount_refunded"] = json!(refunded);
    fee["refunded"] = json!(refunded >= amount);
    if let Some(data) = fee["refunds"]["data"].as_array_mut() {
        data.insert(0, fee_refund);
        let n = data.len();
        fee["refunds"]["total_count"] = json!(n);
    }
    let snapshot = fee.clone();
    emit(
        ctx.inner,
        st,
        &ctx.req,
        "application_fee.refunded",
        &snapshot,
        None,
        None,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_proportional() {
        assert_eq!(share(5_000, 10_000, 25_000), 2_000);
        assert_eq!(share(5_000, 25_000, 25_000), 5_000);
        assert_eq!(share(100, 1, 3), 33);
        assert_eq!(share(100, 0, 0), 0);
    }
}
