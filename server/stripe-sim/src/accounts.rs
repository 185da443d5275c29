//! Connect accounts (Express), account links and onboarding.

use serde_json::{json, Value};

use crate::api::Ctx;
use crate::error::ApiError;
use crate::events::{emit, ReqInfo};
use crate::form::Params;
use crate::ids::{new_id, random_string};
use crate::state::{LinkInfo, State};
use crate::Inner;

/// How long an account link stays valid.
pub const LINK_TTL_SECS: i64 = 300;

const DUE: [&str; 6] = [
    "business_profile.mcc",
    "business_profile.url",
    "external_account",
    "individual.first_name",
    "individual.last_name",
    "tos_acceptance.date",
];

fn default_currency(country: &str) -> &'static str {
    match country {
        "SE" => "sek",
        "NO" => "nok",
        "DK" => "dkk",
        "GB" => "gbp",
        "CH" => "chf",
        "PL" => "pln",
        "US" => "usd",
        "CA" => "cad",
        "AU" => "aud",
        _ => "eur",
    }
}

fn requirements(done: bool) -> Value {
    let due: Vec<&str> = if done { Vec::new() } else { DUE.to_vec() };
    json!({
        "alternatives": [],
        "current_deadline": null,
        "currently_due": due,
        "disabled_reason": if done { Value::Null } else { json!("requirements.past_due") },
        "errors": [],
        "eventually_due": due,
        "past_due": due,
        "pending_verification": [],
    })
}

fn capability(active: bool) -> &'static str {
    if active {
        "active"
    } else {
        "inactive"
    }
}

#[allow(clippy::too_many_arguments)]
fn account_json(
    now: i64,
    id: &str,
    email: Option<&str>,
    country: &str,
    metadata: Value,
    charges_enabled: bool,
    payouts_enabled: bool,
    details_submitted: bool,
    name: Option<&str>,
) -> Value {
    json!({
        "id": id,
        "object": "account",
        "business_profile": {
            "annual_revenue": null,
            "estimated_worker_count": null,
            "mcc": null,
            "name": name,
            "product_description": null,
            "support_address": null,
            "support_email": null,
            "support_phone": null,
            "support_url": null,
            "url": null,
        },
        "business_type": null,
        "capabilities": {
            "card_payments": capability(charges_enabled),
            "transfers": capability(charges_enabled),
        },
        "charges_enabled": charges_enabled,
        "controller": {
            "fees": {"payer": "application"},
            "is_controller": true,
            "losses": {"payments": "application"},
            "requirement_collection": "stripe",
            "stripe_dashboard": {"type": "express"},
            "type": "application",
        },
        "country": country,
        "created": now,
        "default_currency": default_currency(country),
        "details_submitted": details_submitted,
        "email": email,
        "external_accounts": {
            "object": "list",
            "data": [],
            "has_more": false,
            "total_count": 0,
            "url": format!("/v1/accounts/{id}/external_accounts"),
        },
        "future_requirements": requirements(true),
        "livemode": false,
        "metadata": metadata,
        "payouts_enabled": payouts_enabled,
        "requirements": requirements(details_submitted),
        "settings": {
            "branding": {"icon": null, "logo": null, "primary_color": null, "secondary_color": null},
            "card_payments": {
                "decline_on": {"avs_failure": false, "cvc_failure": false},
                "statement_descriptor_prefix": null,
                "statement_descriptor_prefix_kana": null,
                "statement_descriptor_prefix_kanji": null,
            },
            "dashboard": {"display_name": name, "timezone": "Etc/UTC"},
            "payments": {
                "statement_descriptor": null,
                "statement_descriptor_kana": null,
                "statement_descriptor_kanji": null,
            },
            "payouts": {
                "debit_negative_balances": true,
                "schedule": {"delay_days": 7, "interval": "daily"},
                "statement_descriptor": null,
            },
        },
        "tos_acceptance": {"date": null, "ip": null, "user_agent": null},
        "type": "express",
    })
}

/// The account `Simulator::restore_account` re-creates.
pub fn restored(
    now: i64,
    id: &str,
    email: &str,
    charges_enabled: bool,
    payouts_enabled: bool,
    details_submitted: bool,
) -> Value {
    account_json(
        now,
        id,
        Some(email).filter(|e| !e.is_empty()),
        "SE",
        json!({}),
        charges_enabled,
        payouts_enabled,
        details_submitted,
        None,
    )
}

pub fn create(ctx: &Ctx<'_>, st: &mut State) -> Result<Value, ApiError> {
    let p = ctx.params;
    let type_ = p.str_of("type").unwrap_or("express");
    if type_ != "express" {
        return Err(ApiError::invalid_param(
            "parameter_invalid_string",
            &format!("The simulator only creates Express accounts (got type={type_})."),
            "type",
        ));
    }
    let country = p.str_of("country").unwrap_or("SE").to_ascii_uppercase();
    if country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(ApiError::invalid_param(
            "country_unsupported",
            &format!("Country '{country}' is unknown."),
            "country",
        ));
    }
    let email = p.str_of("email");
    if let Some(e) = email {
        if !e.contains('@') {
            return Err(ApiError::invalid_param(
                "email_invalid",
                &format!("Invalid email address: {e}"),
                "email",
            ));
        }
    }
    let metadata = Value::Object(p.metadata()?.unwrap_or_default());
    let id = new_id("acct");
    let account = account_json(
        st.clock.now(),
        &id,
        email,
        &country,
        metadata,
        false,
        false,
        false,
        None,
    );
    st.accounts.insert(id.clone(), account.clone());
    Ok(account)
}

pub fn retrieve(st: &State, id: &str) -> Result<Value, ApiError> {
    st.accounts
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("account", id))
}

pub fn create_link(ctx: &Ctx<'_>, st: &mut State) -> Result<Value, ApiError> {
    let p = ctx.params;
    let account = p.req_str("account")?;
    if !st.accounts.contains_key(account) {
        return Err(ApiError::missing_ref("account", account, "account"));
    }
    let type_ = p.req_str("type")?;
    if type_ != "account_onboarding" && type_ != "account_update" {
        return Err(ApiError::invalid_param(
            "parameter_invalid_string",
            &format!(
                "Invalid type: must be one of account_onboarding or account_update (got {type_})"
            ),
            "type",
        ));
    }
    let refresh_url = p.req_str("refresh_url")?;
    let return_url = p.req_str("return_url")?;
    for (name, url) in [("refresh_url", refresh_url), ("return_url", return_url)] {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ApiError::invalid_param(
                "url_invalid",
                &format!("Not a valid URL: {url}"),
                name,
            ));
        }
    }
    let token = random_string(24);
    let created = st.clock.now();
    let expires_at = created + LINK_TTL_SECS;
    st.account_links.insert(
        token.clone(),
        LinkInfo {
            account: account.to_string(),
            refresh_url: refresh_url.to_string(),
            return_url: return_url.to_string(),
            expires_at,
        },
    );
    Ok(json!({
        "object": "account_link",
        "created": created,
        "expires_at": expires_at,
        "url": format!("{}/connect/onboarding/{account}?link={token}", ctx.public_base()),
    }))
}

/// Completes onboarding: everything enabled, requirements met, `account.updated` emitted.
pub fn onboard(
    inner: &Inner,
    st: &mut State,
    req: &ReqInfo,
    id: &str,
    name: Option<&str>,
) -> Result<Value, ApiError> {
    let Some(account) = st.accounts.get_mut(id) else {
        return Err(ApiError::not_found("account", id));
    };
    let previous = json!({
        "business_profile": account["business_profile"].clone(),
        "capabilities": account["capabilities"].clone(),
        "charges_enabled": account["charges_enabled"].clone(),
        "details_submitted": account["details_submitted"].clone(),
        "payouts_enabled": account["payouts_enabled"].clone(),
        "requirements": account["requirements"].clone(),
    });
    account["charges_enabled"] = json!(true);
    account["payouts_enabled"] = json!(true);
    account["details_submitted"] = json!(true);
    account["capabilities"] = json!({"card_payments": "active", "transfers": "active"});
    account["requirements"] = requirements(true);
    account["tos_acceptance"] =
        json!({"date": st.clock.now(), "ip": "127.0.0.1", "user_agent": "Stripe simulator"});
    let name = name
        .map(str::to_string)
        .or_else(|| {
            account["business_profile"]["name"]
                .as_str()
                .map(str::to_string)
        })
        .unwrap_or_else(|| "Test business".to_string());
    account["business_profile"]["name"] = json!(name);
    account["settings"]["dashboard"]["display_name"] = json!(name);
    let snapshot = account.clone();
    emit(
        inner,
        st,
        req,
        "account.updated",
        &snapshot,
        Some(previous),
        Some(id),
    );
    Ok(snapshot)
}
