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
                "statement_descriptor_prefix_kana": null,
                "statement_descriptor_prefix_kanji": null,
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

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Stripe's rules for `statement_descriptor_prefix`: 2–10 characters, at least one letter,
/// none of `<>\'"*`.
fn check_prefix(prefix: &str, param: &str) -> Result<(), ApiError> {
    let n = prefix.chars().count();
    let problem = if !(2..=10).contains(&n) {
        Some("must be between 2 and 10 characters long")
    } else if !prefix.chars().any(|c| c.is_alphabetic()) {
        Some("must contain at least one letter")
    } else if prefix.chars().any(|c| "<>\\'\"*".contains(c)) {
        Some("cannot contain any of the special characters <, >, \\, ', \" or *")
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(why) => Err(ApiError::invalid_param(
            "parameter_invalid_string",
            &format!("Invalid {param}: the statement descriptor prefix {why} (got '{prefix}')."),
            param,
        )),
    }
}

/// The payout schedule `settings[payouts][schedule][...]` asks for, if any.
fn schedule_param(p: &Value, current: &Value) -> Result<Option<Value>, ApiError> {
    let base = "settings.payouts.schedule";
    if p.path(base).is_none() {
        return Ok(None);
    }
    let interval = p
        .str_of(&format!("{base}.interval"))
        .or_else(|| current["interval"].as_str())
        .unwrap_or("daily")
        .to_string();
    let delay_days = match p.str_of(&format!("{base}.delay_days")) {
        None | Some("minimum") => current["delay_days"].as_i64().unwrap_or(7),
        Some(_) => p.i64_of(&format!("{base}.delay_days"))?.unwrap_or(7),
    };
    if !(0..=365).contains(&delay_days) {
        return Err(ApiError::invalid_param(
            "parameter_invalid_integer",
            "delay_days must be between 0 and 365.",
            "settings[payouts][schedule][delay_days]",
        ));
    }
    let mut schedule = json!({"delay_days": delay_days, "interval": interval});
    match interval.as_str() {
        "daily" | "manual" => {}
        "weekly" => {
            let anchor = p
                .str_of(&format!("{base}.weekly_anchor"))
                .unwrap_or("monday");
            if !WEEKDAYS.contains(&anchor) {
                return Err(ApiError::invalid_param(
                    "parameter_invalid_string",
                    &format!(
                        "Invalid weekly_anchor: must be one of {} (got {anchor})",
                        WEEKDAYS.join(", ")
                    ),
                    "settings[payouts][schedule][weekly_anchor]",
                ));
            }
            schedule["weekly_anchor"] = json!(anchor);
        }
        "monthly" => {
            let anchor = p.i64_of(&format!("{base}.monthly_anchor"))?.unwrap_or(1);
            if !(1..=31).contains(&anchor) {
                return Err(ApiError::invalid_param(
                    "parameter_invalid_integer",
                    "monthly_anchor must be between 1 and 31.",
                    "settings[payouts][schedule][monthly_anchor]",
                ));
            }
            schedule["monthly_anchor"] = json!(anchor);
        }
        other => {
            return Err(ApiError::invalid_param(
                "parameter_invalid_string",
                &format!(
                "Invalid interval: must be one of daily, weekly, monthly, or manual (got {other})"
            ),
                "settings[payouts][schedule][interval]",
            ))
        }
    }
    Ok(Some(schedule))
}

/// `POST /v1/accounts/{id}`: `settings[payouts][schedule][interval|weekly_anchor|
/// monthly_anchor|delay_days]`, `settings[card_payments][statement_descriptor_prefix]`,
/// `settings[payments][statement_descriptor]`, `email`, `metadata`. Emits `account.updated`
/// (a Connect event) with `previous_attributes` when something changed.
pub fn update(ctx: &Ctx<'_>, st: &mut State, id: &str) -> Result<Value, ApiError> {
    let p = ctx.params;
    if p.path("settings.payments.statement_descriptor_prefix")
        .is_some()
    {
        // Not a Stripe parameter: the prefix lives under card_payments.
        return Err(ApiError::invalid_param(
            "parameter_unknown",
            "Received unknown parameter: settings[payments][statement_descriptor_prefix]. Did you mean settings[card_payments][statement_descriptor_prefix]?",
            "settings[payments][statement_descriptor_prefix]",
        ));
    }
    let Some(current) = st.accounts.get(id) else {
        return Err(ApiError::not_found("account", id));
    };
    let schedule = schedule_param(p, &current["settings"]["payouts"]["schedule"])?;
    let prefix_param = "settings[card_payments][statement_descriptor_prefix]";
    let prefix = p
        .path("settings.card_payments.statement_descriptor_prefix")
        .and_then(Value::as_str);
    if let Some(pre) = prefix.filter(|s| !s.is_empty()) {
        check_prefix(pre, prefix_param)?;
    }
    let descriptor = p
        .path("settings.payments.statement_descriptor")
        .and_then(Value::as_str);
    if let Some(d) = descriptor.filter(|s| !s.is_empty()) {
        let n = d.chars().count();
        if !(5..=22).contains(&n) || !d.chars().any(char::is_alphabetic) {
            return Err(ApiError::invalid_param(
                "parameter_invalid_string",
                &format!("Invalid settings[payments][statement_descriptor]: must be 5–22 characters with at least one letter (got '{d}')."),
                "settings[payments][statement_descriptor]",
            ));
        }
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
    let metadata = p.metadata()?;
    let Some(account) = st.accounts.get_mut(id) else {
        return Err(ApiError::not_found("account", id));
    };
    let before = account.clone();
    if let Some(s) = schedule {
        account["settings"]["payouts"]["schedule"] = s;
    }
    let empty_null = |v: &str| if v.is_empty() { Value::Null } else { json!(v) };
    if let Some(pre) = prefix {
        account["settings"]["card_payments"]["statement_descriptor_prefix"] = empty_null(pre);
    }
    if let Some(d) = descriptor {
        account["settings"]["payments"]["statement_descriptor"] = empty_null(d);
    }
    if let Some(e) = email {
        account["email"] = json!(e);
    }
    if let Some(m) = metadata {
        if let Some(existing) = account["metadata"].as_object_mut() {
            if m.is_empty() {
                existing.clear();
            }
            for (k, v) in m {
                existing.insert(k, v);
            }
        }
    }
    let snapshot = account.clone();
    let previous = changed(&before, &snapshot);
    if previous.as_object().is_some_and(|m| !m.is_empty()) {
        emit(
            ctx.inner,
            st,
            &ctx.req,
            "account.updated",
            &snapshot,
            Some(previous),
            Some(id),
        );
    }
    Ok(snapshot)
}

/// Stripe's `previous_attributes`: the old values of what changed, nested objects narrowed
/// to their changed keys.
fn changed(before: &Value, after: &Value) -> Value {
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
        return before.clone();
    };
    let mut out = serde_json::Map::new();
    for (k, old) in b {
        let new = a.get(k).unwrap_or(&Value::Null);
        if old == new {
            continue;
        }
        let narrowed = if old.is_object() && new.is_object() && k != "metadata" {
            changed(old, new)
        } else {
            old.clone()
        };
        out.insert(k.clone(), narrowed);
    }
    for k in a.keys().filter(|k| !b.contains_key(*k)) {
        out.insert(k.clone(), Value::Null);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_descriptor_prefix_rules() {
        let p = "settings[card_payments][statement_descriptor_prefix]";
        assert!(check_prefix("AVELI", p).is_ok());
        assert!(check_prefix("Yoga 1", p).is_ok());
        assert!(check_prefix("A", p).is_err());
        assert!(check_prefix("ABCDEFGHIJK", p).is_err());
        assert!(check_prefix("12345", p).is_err());
        assert!(check_prefix("YO*GA", p).is_err());
        assert!(check_prefix("YO'GA", p).is_err());
        assert!(check_prefix("<YOGA>", p).is_err());
    }

    #[test]
    fn previous_attributes_narrow_to_changes() {
        let before = json!({"a": 1, "s": {"x": 1, "y": {"z": 1, "w": 2}}});
        let after = json!({"a": 1, "s": {"x": 1, "y": {"z": 2, "w": 2, "v": 3}}});
        assert_eq!(
            changed(&before, &after),
            json!({"s": {"y": {"z": 1, "v": null}}})
        );
    }
}
