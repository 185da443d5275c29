//! Express dashboard login links (`POST /v1/accounts/{id}/login_links`) and the simulated
//! dashboard page they open (`GET /express/{acct}/{token}`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use crate::api::Ctx;
use crate::error::ApiError;
use crate::hosted::{esc, not_found, page};
use crate::ids::random_string;
use crate::ledger;
use crate::state::{lock, State as Store};
use crate::Simulator;

/// `POST /v1/accounts/{id}/login_links`: refused (400) until the account finished onboarding.
pub fn create(ctx: &Ctx<'_>, st: &mut Store, account: &str) -> Result<Value, ApiError> {
    let Some(acct) = st.accounts.get(account) else {
        return Err(ApiError::not_found("account", account));
    };
    if acct["details_submitted"] != true {
        return Err(ApiError::invalid(&format!(
            "Cannot create a login link for an account that has not completed onboarding ({account})."
        ))
        .with("param", "account"));
    }
    let token = random_string(12);
    st.login_links.insert(token.clone(), account.to_string());
    Ok(json!({
        "object": "login_link",
        "created": st.clock.now(),
        "url": format!("{}/express/{account}/{token}", ctx.public_base()),
    }))
}

fn money(amount: i64, currency: &str) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    let a = amount.abs();
    format!(
        "{sign}{}.{:02} {}",
        a / 100,
        a % 100,
        currency.to_uppercase()
    )
}

fn dashboard_body(st: &Store, account: &str) -> String {
    let acct = st.accounts.get(account).cloned().unwrap_or(Value::Null);
    let name = acct["settings"]["dashboard"]["display_name"]
        .as_str()
        .or_else(|| acct["business_profile"]["name"].as_str())
        .unwrap_or(account);
    let currency = acct["default_currency"].as_str().unwrap_or("sek");
    let balance = ledger::available(st, account, currency);
    let schedule = &acct["settings"]["payouts"]["schedule"];
    let mut payouts: Vec<&Value> = st
        .payouts
        .values()
        .filter(|r| r.account == account)
        .map(|r| &r.payout)
        .collect();
    payouts.sort_by_key(|po| std::cmp::Reverse(po["created"].as_i64()));
    let rows: String = payouts
        .iter()
        .map(|po| {
            format!(
                "<li><code>{}</code> {} — {}</li>",
                esc(po["id"].as_str().unwrap_or_default()),
                esc(&money(
                    po["amount"].as_i64().unwrap_or(0),
                    po["currency"].as_str().unwrap_or_default()
                )),
                esc(po["status"].as_str().unwrap_or_default()),
            )
        })
        .collect();
    let rows = if rows.is_empty() {
        "<li>No payouts yet.</li>".to_string()
    } else {
        rows
    };
    format!(
        "<p>Express dashboard (simulated) for <strong>{name}</strong>.</p>\
<dl><dt>Account</dt><dd><code>{acct_id}</code></dd>\
<dt>Available balance</dt><dd data-testid=\"balance\">{balance}</dd>\
<dt>Payout schedule</dt><dd data-testid=\"schedule\">{interval}</dd></dl>\
<h2>Payouts</h2><ul data-testid=\"payouts\">{rows}</ul>",
        name = esc(name),
        acct_id = esc(account),
        balance = esc(&money(balance, currency)),
        interval = esc(schedule["interval"].as_str().unwrap_or("daily")),
    )
}

/// `GET /express/{acct}/{token}`: the simulated Express dashboard.
pub async fn dashboard_page(
    State(sim): State<Simulator>,
    Path((acct, token)): Path<(String, String)>,
) -> Response {
    let mut st = lock(&sim.inner.state);
    if st.login_links.get(&token) != Some(&acct) || !st.accounts.contains_key(&acct) {
        return not_found("This dashboard link is invalid. Go back to Aveli and open it again.");
    }
    ledger::sync(&mut st, &acct);
    page(
        StatusCode::OK,
        "Express dashboard (simulated)",
        &dashboard_body(&st, &acct),
    )
}
