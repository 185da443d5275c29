//! PaymentIntents: create, retrieve, confirm (test cards, 3-D Secure, PayPal/Klarna redirects),
//! authenticate (stand-in for the 3-D Secure page), cancel.

use serde_json::{json, Value};

use crate::api::Ctx;
use crate::error::ApiError;
use crate::events::{emit, ReqInfo};
use crate::form::Params;
use crate::ids::{new_id, random_string};
use crate::state::{Card, Method, PendingAction, State};
use crate::{application_fees, billing, charges, Inner};

/// Currencies in which the simulator offers Klarna.
pub const KLARNA_CURRENCIES: [&str; 12] = [
    "sek", "eur", "nok", "dkk", "gbp", "usd", "chf", "pln", "czk", "aud", "nzd", "cad",
];

/// Smallest amount Stripe accepts in a currency (minor units).
pub fn min_amount(currency: &str) -> i64 {
    match currency {
        "gbp" => 30,
        "sek" | "nok" | "dkk" => 300,
        "pln" => 200,
        "czk" => 1500,
        "huf" => 17500,
        "mxn" => 1000,
        "hkd" => 400,
        _ => 50,
    }
}

/// Luhn checksum over a digit string.
pub fn luhn_valid(number: &str) -> bool {
    if number.len() < 12 || number.len() > 19 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = number
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let dd = d * 2;
                if dd > 9 {
                    dd - 9
                } else {
                    dd
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// A decline, as Stripe reports it.
#[derive(Debug, Clone)]
pub struct Decline {
    pub code: &'static str,
    pub decline_code: Option<&'static str>,
    pub message: &'static str,
}

/// What a test card does when it is charged or set up.
pub enum CardOutcome {
    Succeed,
    Decline(Decline),
    ThreeDs,
}

pub fn card_outcome(number: &str) -> CardOutcome {
    let d = |code, decline_code, message| {
        CardOutcome::Decline(Decline {
            code,
            decline_code,
            message,
        })
    };
    match number {
        "4000000000000002" => d(
            "card_declined",
            Some("generic_decline"),
            "Your card was declined.",
        ),
        "4000000000009995" => d(
            "card_declined",
            Some("insufficient_funds"),
            "Your card has insufficient funds.",
        ),
        "4000000000009987" => d(
            "card_declined",
            Some("lost_card"),
            "Your card was declined.",
        ),
        "4000000000009979" => d(
            "card_declined",
            Some("stolen_card"),
            "Your card was declined.",
        ),
        "4100000000000019" => d(
            "card_declined",
            Some("fraudulent"),
            "Your card was declined.",
        ),
        "4000000000000069" => d(
            "expired_card",
            Some("expired_card"),
            "Your card has expired.",
        ),
        "4000000000000127" => d(
            "incorrect_cvc",
            Some("incorrect_cvc"),
            "Your card's security code is incorrect.",
        ),
        "4000000000000119" => d(
            "processing_error",
            Some("processing_error"),
            "An error occurred while processing your card. Try again in a little bit.",
        ),
        "4000002760003184" | "4000002500003155" | "4000000000003220" | "4000000000003063" => {
            CardOutcome::ThreeDs
        }
        _ => CardOutcome::Succeed,
    }
}

fn test_pm(id: &str) -> Option<&'static str> {
    Some(match id {
        "pm_card_visa" => "4242424242424242",
        "pm_card_visa_debit" => "4000056655665556",
        "pm_card_mastercard" => "5555555555554444",
        "pm_card_amex" => "378282246310005",
        "pm_card_se" => "4000007520000008",
        "pm_card_chargeDeclined" => "4000000000000002",
        "pm_card_chargeDeclinedInsufficientFunds" => "4000000000009995",
        "pm_card_chargeDeclinedLostCard" => "4000000000009987",
        "pm_card_chargeDeclinedStolenCard" => "4000000000009979",
        "pm_card_chargeDeclinedFraudulent" => "4100000000000019",
        "pm_card_chargeDeclinedExpiredCard" => "4000000000000069",
        "pm_card_chargeDeclinedIncorrectCvc" => "4000000000000127",
        "pm_card_chargeDeclinedProcessingError" => "4000000000000119",
        "pm_card_authenticationRequired" => "4000002500003155",
        "pm_card_threeDSecure2Required" => "4000000000003220",
        "pm_card_threeDSecureRequired" => "4000000000003063",
        _ => return None,
    })
}

fn valid_types(currency: &str) -> Vec<String> {
    let mut types = vec!["card".to_string(), "paypal".to_string()];
    if KLARNA_CURRENCIES.contains(&currency) {
        types.push("klarna".to_string());
    }
    types
}

/// What a new PaymentIntent looks like.
pub struct NewIntent {
    pub amount: i64,
    pub currency: String,
    pub customer: Option<String>,
    pub description: Option<String>,
    pub metadata: Value,
    pub destination: Option<String>,
    pub transfer_amount: Option<i64>,
    pub application_fee_amount: Option<i64>,
    pub receipt_email: Option<String>,
    pub statement_descriptor_suffix: Option<String>,
    pub payment_method_types: Vec<String>,
    pub automatic: bool,
}

pub fn build_intent(n: NewIntent, now: i64) -> Value {
    let id = new_id("pi");
    let client_secret = format!("{id}_secret_{}", random_string(24));
    let transfer_data = n.destination.as_ref().map(|d| {
        let mut t = json!({ "destination": d });
        if let Some(a) = n.transfer_amount {
            t["amount"] = json!(a);
        }
        t
    });
    json!({
        "id": id,
        "object": "payment_intent",
        "amount": n.amount,
        "amount_capturable": 0,
        "amount_details": {"tip": {}},
        "amount_received": 0,
        "application": null,
        "application_fee_amount": n.application_fee_amount,
        "automatic_payment_methods": if n.automatic { json!({"allow_redirects": "always", "enabled": true}) } else { Value::Null },
        "canceled_at": null,
        "cancellation_reason": null,
        "capture_method": "automatic_async",
        "client_secret": client_secret,
        "confirmation_method": "automatic",
        "created": now,
        "currency": n.currency,
        "customer": n.customer,
        "customer_account": null,
        "description": n.description,
        "excluded_payment_method_types": null,
        "last_payment_error": null,
        "latest_charge": null,
        "livemode": false,
        "managed_payments": null,
        "metadata": n.metadata,
        "next_action": null,
        "on_behalf_of": null,
        "payment_method": null,
        "payment_method_configuration_details": null,
        "payment_method_options": {},
        "payment_method_types": n.payment_method_types,
        "processing": null,
        "receipt_email": n.receipt_email,
        "review": null,
        "setup_future_usage": null,
        "shipping": null,
        "source": null,
        "statement_descriptor": null,
        "statement_descriptor_suffix": n.statement_descriptor_suffix,
        "status": "requires_payment_method",
        "transfer_data": transfer_data,
        "transfer_group": n.destination.as_ref().map(|_| format!("group_{id}")),
    })
}

pub fn create(ctx: &Ctx<'_>, st: &mut State) -> Result<Value, ApiError> {
    let p = ctx.params;
    let amount = p
        .i64_of("amount")?
        .ok_or_else(|| ApiError::missing_param("amount"))?;
    let currency = p.req_str("currency")?.to_ascii_lowercase();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_lowercase()) {
        return Err(ApiError::invalid_param(
            "parameter_invalid_string",
            &format!("Invalid currency: {currency}. Stripe currently supports these currencies: usd, eur, sek, ..."),
            "currency",
        ));
    }
    if amount < 1 {
        return Err(ApiError::invalid_param(
            "parameter_invalid_integer",
            "This value must be greater than or equal to 1.",
            "amount",
        ));
    }
    let min = min_amount(&currency);
    if amount < min {
        return Err(ApiError::invalid_param(
            "amount_too_small",
            &format!(
                "Amount must be at least {}.{:02} {currency}",
                min / 100,
                min % 100
            ),
            "amount",
        ));
    }
    if amount > 99_999_999 {
        return Err(ApiError::invalid_param(
            "amount_too_large",
            "Amount must be no more than 999,999.99",
            "amount",
        ));
    }
    let destination = p.str_of("transfer_data.destination").map(str::to_string);
    if let Some(dest) = &destination {
        let Some(acct) = st.accounts.get(dest) else {
            return Err(ApiError::missing_ref(
                "destination",
                dest,
                "transfer_data[destination]",
            ));
        };
        if acct["charges_enabled"] != true {
            return Err(ApiError::invalid_param(
                "insufficient_capabilities_for_transfer",
                &format!("Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments. (Account {dest} has not finished onboarding.)"),
                "transfer_data[destination]",
            ));
        }
    }
    let transfer_amount = p.i64_of("transfer_data.amount")?;
    let fee = p.i64_of("application_fee_amount")?;
    if let Some(f) = fee {
        if destination.is_none() {
            return Err(ApiError::invalid_param(
                "parameter_invalid_integer",
                "Can only apply an application_fee_amount when the PaymentIntent is attempting a direct payment (using an OAuth key or Stripe-Account header) or destination payment (using `transfer_data[destination]`).",
                "application_fee_amount",
            ));
        }
        if f < 0 || f > amount {
            return Err(ApiError::invalid_param(
                "application_fee_amount_too_large",
                "The application fee amount must be between 0 and the amount of the PaymentIntent.",
                "application_fee_amount",
            ));
        }
    }
    if let Some(t) = transfer_amount {
        if t < 0 || t > amount {
            return Err(ApiError::invalid_param(
                "parameter_invalid_integer",
                "transfer_data[amount] must be between 0 and the amount.",
                "transfer_data[amount]",
            ));
        }
    }
    let suffix = p.str_of("statement_descriptor_suffix").map(str::to_string);
    if let Some(s) = &suffix {
        if s.chars().count() > 22 || s.contains(['<', '>', '\\', '\'', '"', '*']) {
            return Err(ApiError::invalid_param(
                "statement_descriptor_invalid",
                "The statement descriptor suffix must be at most 22 characters and may not contain <, >, \\, ', \" or *.",
                "statement_descriptor_suffix",
            ));
        }
    }
    let customer = p.str_of("customer").map(str::to_string);
    if let Some(c) = &customer {
        if !st.customers.contains_key(c) {
            return Err(ApiError::missing_ref("customer", c, "customer"));
        }
    }
    let available = valid_types(&currency);
    let requested = p.string_list("payment_method_types");
    let types = if requested.is_empty() {
        available
    } else {
        for t in &requested {
            if !available.contains(t) {
                return Err(ApiError::invalid_param(
                    "payment_method_unactivated",
                    &format!("The payment method type \"{t}\" is invalid or not available for {currency}. The simulator supports card, paypal and klarna."),
                    "payment_method_types",
                ));
            }
        }
        requested
    };
    let automatic = p
        .bool_of("automatic_payment_methods.enabled")?
        .unwrap_or(p.path("payment_method_types").is_none());
    let mut pi = build_intent(
        NewIntent {
            amount,
            currency,
            customer,
            description: p.str_of("description").map(str::to_string),
            metadata: Value::Object(p.metadata()?.unwrap_or_default()),
            destination,
            transfer_amount,
            application_fee_amount: fee,
            receipt_email: p.str_of("receipt_email").map(str::to_string),
            statement_descriptor_suffix: suffix,
            payment_method_types: types,
            automatic,
        },
        st.clock.now(),
    );
    let id = pi["id"].as_str().unwrap_or_default().to_string();
    if let Some(pm) = p.str_of("payment_method") {
        resolve_pm(st, pm)?;
        pi["payment_method"] = json!(pm);
        pi["status"] = json!("requires_confirmation");
    }
    st.payment_intents.insert(id.clone(), pi.clone());
    emit(
        ctx.inner,
        st,
        &ctx.req,
        "payment_intent.created",
        &pi,
        None,
        None,
    );
    if p.bool_of("confirm")? == Some(true) {
        return confirm(ctx, st, &id);
    }
    Ok(pi)
}

pub fn retrieve(st: &State, id: &str) -> Result<Value, ApiError> {
    st.payment_intents
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::not_found("payment_intent", id))
}

/// A `pm_card_*` test id or a payment method created from `payment_method_data`.
pub fn resolve_pm(st: &State, pm: &str) -> Result<Method, ApiError> {
    if let Some(number) = test_pm(pm) {
        return Ok(Method::Card(Card {
            number: number.to_string(),
            exp_month: 12,
            exp_year: i64::from(chrono::Datelike::year(&st.clock.now_utc())) + 3,
        }));
    }
    st.payment_methods
        .get(pm)
        .cloned()
        .ok_or_else(|| ApiError::missing_ref("PaymentMethod", pm, "payment_method"))
}

/// A card validation error carrying the intent (`payment_intent` or `setup_intent`).
struct Intent<'a> {
    key: &'a str,
    object: &'a Value,
}

fn card_error_for(pi: &Intent<'_>, code: &str, message: &str, param: &str) -> ApiError {
    ApiError::card(code, None, message)
        .with("param", param)
        .with(pi.key, pi.object.clone())
}

/// Parses `payment_method_data` into a method (validating the card like Stripe.js would);
/// errors carry the intent under `intent_key` (`payment_intent` or `setup_intent`).
pub fn parse_pmd(
    p: &Value,
    intent_key: &str,
    intent: &Value,
    today: chrono::DateTime<chrono::Utc>,
) -> Result<Method, ApiError> {
    let pi = &Intent {
        key: intent_key,
        object: intent,
    };
    let type_ = p.req_str("payment_method_data.type")?;
    match type_ {
        "card" => {
            let raw = p
                .str_of("payment_method_data.card.number")
                .ok_or_else(|| ApiError::missing_param("payment_method_data[card][number]"))?;
            let number: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
            if !luhn_valid(&number) {
                return Err(card_error_for(
                    pi,
                    "incorrect_number",
                    "Your card number is incorrect.",
                    "payment_method_data[card][number]",
                ));
            }
            let month = p
                .str_of("payment_method_data.card.exp_month")
                .and_then(|s| s.trim().parse::<i64>().ok())
                .filter(|m| (1..=12).contains(m))
                .ok_or_else(|| {
                    card_error_for(
                        pi,
                        "invalid_expiry_month",
                        "Your card's expiration month is invalid.",
                        "payment_method_data[card][exp_month]",
                    )
                })?;
            let mut year = p
                .str_of("payment_method_data.card.exp_year")
                .and_then(|s| s.trim().parse::<i64>().ok())
                .ok_or_else(|| {
                    card_error_for(
                        pi,
                        "invalid_expiry_year",
                        "Your card's expiration year is invalid.",
                        "payment_method_data[card][exp_year]",
                    )
                })?;
            if year < 100 {
                year += 2000;
            }
            let (cy, cm) = (
                i64::from(chrono::Datelike::year(&today)),
                i64::from(chrono::Datelike::month(&today)),
            );
            if year < cy || (year == cy && month < cm) {
                return Err(card_error_for(
                    pi,
                    "invalid_expiry_year",
                    "Your card's expiration date is in the past.",
                    "payment_method_data[card][exp_year]",
                ));
            }
            if year > cy + 50 {
                return Err(card_error_for(
                    pi,
                    "invalid_expiry_year",
                    "Your card's expiration year is invalid.",
                    "payment_method_data[card][exp_year]",
                ));
            }
            if let Some(cvc) = p.str_of("payment_method_data.card.cvc") {
                let cvc = cvc.trim();
                if !(3..=4).contains(&cvc.len()) || !cvc.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(card_error_for(
                        pi,
                        "invalid_cvc",
                        "Your card's security code is invalid.",
                        "payment_method_data[card][cvc]",
                    ));
                }
            }
            Ok(Method::Card(Card {
                number,
                exp_month: month,
                exp_year: year,
            }))
        }
        "paypal" => Ok(Method::Paypal),
        "klarna" => Ok(Method::Klarna),
        other => Err(ApiError::invalid_param(
            "payment_method_unactivated",
            &format!("The payment method type \"{other}\" is not supported by the simulator (card, paypal, klarna)."),
            "payment_method_data[type]",
        )),
    }
}

fn state_error(pi: &Value, action: &str) -> ApiError {
    let status = pi["status"].as_str().unwrap_or_default();
    let message = match (action, status) {
        ("confirm", "succeeded") => "You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.".to_string(),
        _ => format!(
            "You cannot {action} this PaymentIntent because it has a status of {status}."
        ),
    };
    ApiError::unexpected_state("payment_intent_unexpected_state", &message)
        .with("payment_intent", pi.clone())
}

pub fn confirm(ctx: &Ctx<'_>, st: &mut State, id: &str) -> Result<Value, ApiError> {
    let p = ctx.params;
    let mut pi = retrieve(st, id)?;
    let status = pi["status"].as_str().unwrap_or_default();
    if !matches!(
        status,
        "requires_payment_method" | "requires_confirmation" | "requires_action"
    ) {
        return Err(state_error(&pi, "confirm"));
    }
    let (pm_id, method) = if let Some(pm) = p.str_of("payment_method") {
        (pm.to_string(), resolve_pm(st, pm)?)
    } else if p.get("payment_method_data").is_some() {
        let method = parse_pmd(p, "payment_intent", &pi, st.clock.now_utc())?;
        let pm_id = new_id("pm");
        st.payment_methods.insert(pm_id.clone(), method.clone());
        (pm_id, method)
    } else if let Some(pm) = pi["payment_method"].as_str() {
        (pm.to_string(), resolve_pm(st, pm)?)
    } else {
        return Err(ApiError::invalid_param(
            "payment_intent_unexpected_state",
            "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with a payment method, provide `payment_method` or `payment_method_data`.",
            "payment_method",
        ));
    };
    let type_ = method.type_name();
    let allowed = pi["payment_method_types"]
        .as_array()
        .is_some_and(|a| a.iter().any(|t| t == type_));
    if !allowed {
        let currency = pi["currency"].as_str().unwrap_or_default();
        return Err(ApiError::invalid_param(
            "payment_method_unactivated",
            &format!("The payment method type \"{type_}\" cannot be used with this PaymentIntent (currency {currency}; accepted: {}).", pi["payment_method_types"]),
            "payment_method_data[type]",
        ));
    }
    let return_url = p.str_of("return_url").map(str::to_string);
    if let Some(email) = p.str_of("receipt_email") {
        pi["receipt_email"] = json!(email);
    }
    st.pending_actions.remove(id);
    match &method {
        Method::Card(card) => match card_outcome(&card.number) {
            CardOutcome::Succeed => {
                st.payment_intents.insert(id.to_string(), pi);
                Ok(succeed(ctx.inner, st, &ctx.req, id, &pm_id, &method))
            }
            CardOutcome::Decline(d) => {
                st.payment_intents.insert(id.to_string(), pi);
                Err(decline(ctx.inner, st, &ctx.req, id, &pm_id, &method, &d))
            }
            CardOutcome::ThreeDs => {
                pi["status"] = json!("requires_action");
                pi["payment_method"] = json!(pm_id);
                pi["last_payment_error"] = Value::Null;
                pi["next_action"] = json!({
                    "type": "use_stripe_sdk",
                    "use_stripe_sdk": {
                        "type": "three_d_secure_redirect",
                        "stripe_js": format!("{}/3ds/{id}", ctx.public_base()),
                        "source": pm_id,
                    },
                });
                Ok(requires_action(ctx, st, id, pi, pm_id, method, return_url))
            }
        },
        Method::Paypal | Method::Klarna => {
            let Some(ret) = return_url.clone() else {
                return Err(ApiError::invalid_param(
                    "parameter_missing",
                    "A `return_url` must be specified because this PaymentIntent uses a payment method that may require a full page redirect to succeed.",
                    "return_url",
                ));
            };
            let cs = pi["client_secret"].as_str().unwrap_or_default().to_string();
            pi["status"] = json!("requires_action");
            pi["payment_method"] = json!(pm_id);
            pi["last_payment_error"] = Value::Null;
            pi["next_action"] = json!({
                "type": "redirect_to_url",
                "redirect_to_url": {
                    "url": format!("{}/redirect/{id}?client_secret={cs}", ctx.public_base()),
                    "return_url": ret,
                },
            });
            Ok(requires_action(ctx, st, id, pi, pm_id, method, return_url))
        }
    }
}

fn requires_action(
    ctx: &Ctx<'_>,
    st: &mut State,
    id: &str,
    pi: Value,
    pm_id: String,
    method: Method,
    return_url: Option<String>,
) -> Value {
    st.pending_actions.insert(
        id.to_string(),
        PendingAction {
            pm_id,
            method,
            return_url,
        },
    );
    st.payment_intents.insert(id.to_string(), pi.clone());
    emit(
        ctx.inner,
        st,
        &ctx.req,
        "payment_intent.requires_action",
        &pi,
        None,
        None,
    );
    pi
}

/// The success path: Charge, Transfer (destination charges), intent `succeeded`, events
/// `charge.succeeded`, `payment_intent.succeeded`, `transfer.created`,
/// `application_fee.created` (with `application_fee_amount`); invoice paid if any.
pub fn succeed(
    inner: &Inner,
    st: &mut State,
    req: &ReqInfo,
    id: &str,
    pm_id: &str,
    method: &Method,
) -> Value {
    st.pending_actions.remove(id);
    let Some(mut pi) = st.payment_intents.get(id).cloned() else {
        return Value::Null;
    };
    let now = st.clock.now();
    let mut charge = charges::build_charge(now, &pi, pm_id, method, None);
    let charge_id = charge["id"].as_str().unwrap_or_default().to_string();
    let transfer = pi["transfer_data"]["destination"].as_str().map(|dest| {
        let amount = pi["amount"].as_i64().unwrap_or(0);
        let fee = pi["application_fee_amount"].as_i64().unwrap_or(0);
        let tr_amount = pi["transfer_data"]["amount"]
            .as_i64()
            .unwrap_or(amount - fee);
        charges::build_transfer(now, &pi, &charge_id, dest, tr_amount)
    });
    if let Some(tr) = &transfer {
        charge["transfer"] = tr["id"].clone();
    }
    pi["status"] = json!("succeeded");
    pi["amount_received"] = pi["amount"].clone();
    pi["latest_charge"] = json!(charge_id);
    pi["payment_method"] = json!(pm_id);
    pi["next_action"] = Value::Null;
    pi["last_payment_error"] = Value::Null;
    st.charges.insert(charge_id, charge.clone());
    st.payment_intents.insert(id.to_string(), pi.clone());
    emit(inner, st, req, "charge.succeeded", &charge, None, None);
    emit(inner, st, req, "payment_intent.succeeded", &pi, None, None);
    if let Some(tr) = transfer {
        let tr_id = tr["id"].as_str().unwrap_or_default().to_string();
        st.transfers.insert(tr_id, tr.clone());
        emit(inner, st, req, "transfer.created", &tr, None, None);
        let dest = tr["destination"].as_str().unwrap_or_default();
        if let Some(fee) = application_fees::build(&charge, dest) {
            let fee_id = fee["id"].as_str().unwrap_or_default().to_string();
            st.remember(&fee_id);
            st.application_fees.insert(fee_id, fee.clone());
            emit(inner, st, req, "application_fee.created", &fee, None, None);
        }
    }
    if let Some(invoice_id) = st.pi_invoice.get(id).cloned() {
        billing::invoice_paid(inner, st, req, &invoice_id, id, pm_id);
    }
    pi
}

/// A card decline: failed Charge, intent back to `requires_payment_method` with
/// `last_payment_error`, events `charge.failed` + `payment_intent.payment_failed`.
/// Returns the 402 error to answer with.
pub fn decline(
    inner: &Inner,
    st: &mut State,
    req: &ReqInfo,
    id: &str,
    pm_id: &str,
    method: &Method,
    d: &Decline,
) -> ApiError {
    let Some(mut pi) = st.payment_intents.get(id).cloned() else {
        return ApiError::not_found("payment_intent", id);
    };
    let charge = charges::build_charge(st.clock.now(), &pi, pm_id, method, Some(d));
    let charge_id = charge["id"].as_str().unwrap_or_default().to_string();
    let mut err =
        ApiError::card(d.code, d.decline_code, d.message).with("charge", charge_id.as_str());
    err.error
        .insert("payment_method_type".into(), json!(method.type_name()));
    let mut last = err.error.clone();
    last.remove("payment_intent");
    pi["status"] = json!("requires_payment_method");
    pi["last_payment_error"] = Value::Object(last);
    pi["latest_charge"] = json!(charge_id);
    pi["payment_method"] = Value::Null;
    pi["next_action"] = Value::Null;
    st.charges.insert(charge_id, charge.clone());
    st.payment_intents.insert(id.to_string(), pi.clone());
    emit(inner, st, req, "charge.failed", &charge, None, None);
    emit(
        inner,
        st,
        req,
        "payment_intent.payment_failed",
        &pi,
        None,
        None,
    );
    if let Some(invoice_id) = st.pi_invoice.get(id).cloned() {
        billing::invoice_payment_failed(inner, st, req, &invoice_id);
    }
    err.with("payment_intent", pi)
}

/// A failed authentication or a declined redirect: no charge, intent back to
/// `requires_payment_method`, `payment_intent.payment_failed`.
pub fn fail_action(
    inner: &Inner,
    st: &mut State,
    req: &ReqInfo,
    id: &str,
    last_payment_error: Value,
) -> Value {
    st.pending_actions.remove(id);
    let Some(mut pi) = st.payment_intents.get(id).cloned() else {
        return Value::Null;
    };
    pi["status"] = json!("requires_payment_method");
    pi["last_payment_error"] = last_payment_error;
    pi["payment_method"] = Value::Null;
    pi["next_action"] = Value::Null;
    st.payment_intents.insert(id.to_string(), pi.clone());
    emit(
        inner,
        st,
        req,
        "payment_intent.payment_failed",
        &pi,
        None,
        None,
    );
    if let Some(invoice_id) = st.pi_invoice.get(id).cloned() {
        billing::invoice_payment_failed(inner, st, req, &invoice_id);
    }
    pi
}

pub fn authentication_failure() -> Value {
    json!({
        "type": "card_error",
        "code": "payment_intent_authentication_failure",
        "doc_url": "https://stripe.com/docs/error-codes/payment-intent-authentication-failure",
        "message": "We are unable to authenticate your payment method. Please choose a different payment method and try again.",
    })
}

/// Completes (or fails) a pending 3-D Secure challenge.
pub fn finish_three_ds(
    inner: &Inner,
    st: &mut State,
    req: &ReqInfo,
    id: &str,
    complete: bool,
) -> Result<Value, ApiError> {
    let pi = retrieve(st, id)?;
    let pending = match st.pending_actions.get(id) {
        Some(p) if matches!(p.method, Method::Card(_)) && pi["status"] == "requires_action" => {
            p.clone()
        }
        _ => return Err(state_error(&pi, "authenticate")),
    };
    if complete {
        Ok(succeed(inner, st, req, id, &pending.pm_id, &pending.method))
    } else {
        Ok(fail_action(inner, st, req, id, authentication_failure()))
    }
}

/// `POST /v1/payment_intents/{id}/authenticate` with `outcome=complete|fail`.
pub fn authenticate(ctx: &Ctx<'_>, st: &mut State, id: &str) -> Result<Value, ApiError> {
    let outcome = ctx.params.req_str("outcome")?;
    let complete = match outcome {
        "complete" | "succeeded" | "success" => true,
        "fail" | "failed" | "failure" => false,
        other => {
            return Err(ApiError::invalid_param(
                "parameter_invalid_string",
                &format!("Invalid outcome: {other} (expected complete or fail)"),
                "outcome",
            ))
        }
    };
    finish_three_ds(ctx.inner, st, &ctx.req, id, complete)
}

/// Approves or declines a pending PayPal/Klarna redirect. Returns the intent and the
/// return_url the customer goes back to.
pub fn finish_redirect(
    inner: &Inner,
    st: &mut State,
    req: &ReqInfo,
    id: &str,
    approve: bool,
) -> Result<(Value, Option<String>), ApiError> {
    let pi = retrieve(st, id)?;
    let pending = match st.pending_actions.get(id) {
        Some(p) if !matches!(p.method, Method::Card(_)) && pi["status"] == "requires_action" => {
            p.clone()
        }
        _ => return Err(state_error(&pi, "complete a redirect for")),
    };
    let pi = if approve {
        succeed(inner, st, req, id, &pending.pm_id, &pending.method)
    } else {
        let provider = match pending.method {
            Method::Klarna => "Klarna",
            _ => "PayPal",
        };
        fail_action(
            inner,
            st,
            req,
            id,
            json!({
                "type": "invalid_request_error",
                "code": "payment_intent_payment_attempt_failed",
                "doc_url": "https://stripe.com/docs/error-codes/payment-intent-payment-attempt-failed",
                "message": format!("The payment failed: the customer declined it at {provider}."),
                "payment_method_type": pending.method.type_name(),
            }),
        )
    };
    Ok((pi, pending.return_url))
}

pub fn cancel(ctx: &Ctx<'_>, st: &mut State, id: &str) -> Result<Value, ApiError> {
    let mut pi = retrieve(st, id)?;
    let status = pi["status"].as_str().unwrap_or_default();
    if !matches!(
        status,
        "requires_payment_method"
            | "requires_capture"
            | "requires_confirmation"
            | "requires_action"
            | "processing"
    ) {
        return Err(ApiError::unexpected_state(
            "payment_intent_unexpected_state",
            &format!("You cannot cancel this PaymentIntent because it has a status of {status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing."),
        )
        .with("payment_intent", pi));
    }
    let reason = ctx.params.str_of("cancellation_reason");
    if let Some(r) = reason {
        if !matches!(
            r,
            "duplicate" | "fraudulent" | "requested_by_customer" | "abandoned"
        ) {
            return Err(ApiError::invalid_param(
                "parameter_invalid_string",
                &format!("Invalid cancellation_reason: must be one of duplicate, fraudulent, requested_by_customer, or abandoned (got {r})"),
                "cancellation_reason",
            ));
        }
    }
    st.pending_actions.remove(id);
    pi["status"] = json!("canceled");
    pi["canceled_at"] = json!(st.clock.now());
    pi["cancellation_reason"] = json!(reason);
    pi["next_action"] = Value::Null;
    st.payment_intents.insert(id.to_string(), pi.clone());
    emit(
        ctx.inner,
        st,
        &ctx.req,
        "payment_intent.canceled",
        &pi,
        None,
        None,
    );
    Ok(pi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn() {
        for ok in [
            "4242424242424242",
            "4000000000000002",
            "4000000000009995",
            "4000002760003184",
            "5555555555554444",
            "378282246310005",
        ] {
            assert!(luhn_valid(ok), "{ok}");
        }
        for bad in [
            "4242424242424241",
            "1234",
            "42424242424242424242",
            "4242x24242424242",
            "",
        ] {
            assert!(!luhn_valid(bad), "{bad}");
        }
    }

    #[test]
    fn minimums() {
        assert_eq!(min_amount("sek"), 300);
        assert_eq!(min_amount("usd"), 50);
        assert_eq!(min_amount("eur"), 50);
    }

    #[test]
    fn test_cards() {
        assert!(matches!(
            card_outcome("4242424242424242"),
            CardOutcome::Succeed
        ));
        assert!(matches!(
            card_outcome("4000002760003184"),
            CardOutcome::ThreeDs
        ));
        match card_outcome("4000000000009995") {
            CardOutcome::Decline(d) => assert_eq!(d.decline_code, Some("insufficient_funds")),
            _ => panic!("expected decline"),
        }
        for pm in [
            "pm_card_visa",
            "pm_card_chargeDeclined",
            "pm_card_chargeDeclinedInsufficientFunds",
            "pm_card_authenticationRequired",
            "pm_card_threeDSecure2Required",
        ] {
            assert!(test_pm(pm).is_some_and(luhn_valid), "{pm}");
        }
    }
}
