//! Hosted pages: Connect onboarding, the PayPal/Klarna redirect, a 3-D Secure page, and the
//! Stripe.js stand-in.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::Value;

use crate::events::ReqInfo;
use crate::form::{decode, Params};
use crate::state::{lock, Method};
use crate::{accounts, payment_intents, setup_intents, Simulator};

const V3_JS: &str = include_str!("../assets/v3.js");

/// `GET /v3.js`.
pub async fn v3_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        V3_JS,
    )
        .into_response()
}

pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "\
*{box-sizing:border-box}\
body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2933;background:#f4f5f7}\
header{background:#fff3cd;color:#5c3c00;border-bottom:2px solid #e0b000;padding:.5rem 1rem;font-weight:600}\
main{max-width:30rem;margin:2rem auto;background:#fff;border-radius:8px;padding:1.5rem 2rem;box-shadow:0 1px 4px rgba(0,0,0,.15)}\
h1{font-size:1.4rem;margin:0 0 1rem}\
label{display:block;font-weight:600;margin:.75rem 0 .25rem}\
input[type=text]{width:100%;padding:.55rem .6rem;border:1px solid #6b7280;border-radius:4px;font:inherit}\
input:focus,button:focus{outline:3px solid #2563eb;outline-offset:2px}\
.actions{display:flex;gap:.75rem;margin-top:1.25rem;flex-wrap:wrap}\
button{font:inherit;padding:.6rem 1.2rem;border-radius:4px;border:1px solid #1e3a8a;cursor:pointer}\
.primary{background:#1e3a8a;color:#fff}\
.secondary{background:#fff;color:#1e3a8a}\
.error{color:#a11d1d;font-weight:600}\
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0}";

pub(crate) fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} · Stripe (test mode)</title><style>{CSS}</style></head>\
<body><header><p style=\"margin:0\"><span data-testid=\"test-mode\">Test mode</span> — simulated Stripe; no real money moves.</p></header>\
<main><h1>{title}</h1>{body}</main></body></html>",
        title = esc(title)
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

pub(crate) fn not_found(message: &str) -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Link expired or invalid",
        &format!("<p>{}</p>", esc(message)),
    )
}

fn query(uri: &Uri) -> Value {
    decode(uri.query().unwrap_or_default())
}

// ---------------------------------------------------------------- onboarding

fn onboarding_form(acct: &str, link: &str, name: &str, error: Option<&str>) -> String {
    let (err_html, aria) = match error {
        Some(e) => (
            format!(
                "<p id=\"name-error\" class=\"error\" role=\"alert\">{}</p>",
                esc(e)
            ),
            " aria-invalid=\"true\" aria-describedby=\"name-error\"",
        ),
        None => (String::new(), ""),
    };
    format!(
        "<p>Aveli uses Stripe to pay out to your bank account. Enter your business details to finish setting up payouts.</p>\
<form method=\"post\" action=\"./{acct}\">\
<input type=\"hidden\" name=\"link\" value=\"{link}\">\
<label for=\"business-name\">Business name</label>\
<input type=\"text\" id=\"business-name\" name=\"name\" value=\"{name}\" autocomplete=\"organization\"{aria}>\
{err_html}\
<div class=\"actions\">\
<button type=\"submit\" class=\"primary\" name=\"action\" value=\"submit\">Submit</button>\
<button type=\"submit\" class=\"secondary\" name=\"action\" value=\"abandon\" formnovalidate>Abandon</button>\
</div></form>\
<p><small>Account <code>{acct}</code></small></p>",
        acct = esc(acct),
        link = esc(link),
        name = esc(name),
    )
}

enum LinkCheck {
    Valid,
    Expired(String),
    Unknown,
}

fn check_link(sim: &Simulator, acct: &str, link: &str) -> LinkCheck {
    let st = lock(&sim.inner.state);
    match st.account_links.get(link) {
        Some(l) if l.account == acct && st.accounts.contains_key(acct) => {
            if l.expires_at < sim.inner.config.clock.now() {
                LinkCheck::Expired(l.refresh_url.clone())
            } else {
                LinkCheck::Valid
            }
        }
        _ => LinkCheck::Unknown,
    }
}

/// `GET /connect/onboarding/{acct}?link=...`.
pub async fn onboarding_page(
    State(sim): State<Simulator>,
    Path(acct): Path<String>,
    uri: Uri,
) -> Response {
    let q = query(&uri);
    let link = q.str_of("link").unwrap_or_default().to_string();
    match check_link(&sim, &acct, &link) {
        LinkCheck::Unknown => not_found(
            "This onboarding link is invalid or has expired. Go back to Aveli and start again.",
        ),
        LinkCheck::Expired(refresh) => Redirect::to(&refresh).into_response(),
        LinkCheck::Valid => page(
            StatusCode::OK,
            "Set up payouts",
            &onboarding_form(&acct, &link, "", None),
        ),
    }
}

/// `POST /connect/onboarding/{acct}` with `link`, `name`, `action=submit|abandon`.
pub async fn onboarding_submit(
    State(sim): State<Simulator>,
    Path(acct): Path<String>,
    body: Bytes,
) -> Response {
    let form = decode(&String::from_utf8_lossy(&body));
    let link = form.str_of("link").unwrap_or_default().to_string();
    let info = {
        let st = lock(&sim.inner.state);
        st.account_links
            .get(&link)
            .filter(|l| l.account == acct)
            .cloned()
    };
    let Some(info) = info else {
        return not_found(
            "This onboarding link is invalid or has expired. Go back to Aveli and start again.",
        );
    };
    if info.expires_at < sim.inner.config.clock.now() || form.str_of("action") == Some("abandon") {
        return Redirect::to(&info.refresh_url).into_response();
    }
    let name = form.str_of("name").unwrap_or_default().trim().to_string();
    if name.is_empty() {
        return page(
            StatusCode::BAD_REQUEST,
            "Set up payouts",
            &onboarding_form(&acct, &link, "", Some("Enter your business name.")),
        );
    }
    let result = {
        let mut st = lock(&sim.inner.state);
        accounts::onboard(&sim.inner, &mut st, &ReqInfo::default(), &acct, Some(&name))
    };
    match result {
        Ok(_) => Redirect::to(&info.return_url).into_response(),
        Err(_) => not_found("This account no longer exists."),
    }
}

// ---------------------------------------------------------------- PayPal / Klarna redirect

fn format_amount(amount: i64, currency: &str) -> String {
    format!(
        "{}.{:02} {}",
        amount / 100,
        amount % 100,
        currency.to_uppercase()
    )
}

fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        ser.append_pair(k, v);
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{}", ser.finish())
}

/// Looks up an intent by id + client_secret.
fn intent_for(sim: &Simulator, pi: &str, client_secret: &str) -> Option<Value> {
    let st = lock(&sim.inner.state);
    let intents = if pi.starts_with("seti_") {
        &st.setup_intents
    } else {
        &st.payment_intents
    };
    intents
        .get(pi)
        .filter(|p| !client_secret.is_empty() && p["client_secret"] == client_secret)
        .cloned()
}

/// `GET /redirect/{pi}?client_secret=...`.
pub async fn redirect_page(
    State(sim): State<Simulator>,
    Path(pi_id): Path<String>,
    uri: Uri,
) -> Response {
    let q = query(&uri);
    let cs = q.str_of("client_secret").unwrap_or_default().to_string();
    let Some(pi) = intent_for(&sim, &pi_id, &cs) else {
        return not_found("This payment page is invalid or has expired.");
    };
    let pending = lock(&sim.inner.state).pending_actions.get(&pi_id).cloned();
    let method =
        match pending.as_ref().map(|p| &p.method) {
            Some(Method::Paypal) => "PayPal",
            Some(Method::Klarna) => "Klarna",
            _ => return page(
                StatusCode::CONFLICT,
                "Nothing to approve",
                "<p>This payment is not waiting for approval any more. Go back to the shop.</p>",
            ),
        };
    let amount = format_amount(
        pi["amount"].as_i64().unwrap_or(0),
        pi["currency"].as_str().unwrap_or_default(),
    );
    let body = format!(
        "<p>You are paying with <strong>{method}</strong> (simulated).</p>\
<dl><dt>Amount</dt><dd data-testid=\"amount\">{amount}</dd><dt>Method</dt><dd>{method}</dd></dl>\
<form method=\"post\" action=\"./{pi}\">\
<input type=\"hidden\" name=\"client_secret\" value=\"{cs}\">\
<div class=\"actions\">\
<button type=\"submit\" class=\"primary\" name=\"outcome\" value=\"approve\">Approve payment</button>\
<button type=\"submit\" class=\"secondary\" name=\"outcome\" value=\"decline\">Decline</button>\
</div></form>",
        method = method,
        amount = esc(&amount),
        pi = esc(&pi_id),
        cs = esc(&cs),
    );
    page(StatusCode::OK, &format!("Pay with {method}"), &body)
}

/// `POST /redirect/{pi}` with `client_secret`, `outcome=approve|decline`.
pub async fn redirect_submit(
    State(sim): State<Simulator>,
    Path(pi_id): Path<String>,
    body: Bytes,
) -> Response {
    let form = decode(&String::from_utf8_lossy(&body));
    let cs = form.str_of("client_secret").unwrap_or_default().to_string();
    if intent_for(&sim, &pi_id, &cs).is_none() {
        return not_found("This payment page is invalid or has expired.");
    }
    let approve = matches!(
        form.str_of("outcome"),
        Some("approve" | "approved" | "succeeded" | "complete")
    );
    let result = {
        let mut st = lock(&sim.inner.state);
        payment_intents::finish_redirect(&sim.inner, &mut st, &ReqInfo::default(), &pi_id, approve)
    };
    match result {
        Ok((pi, Some(return_url))) => {
            let status = if pi["status"] == "succeeded" {
                "succeeded"
            } else {
                "failed"
            };
            Redirect::to(&with_query(
                &return_url,
                &[
                    ("payment_intent", &pi_id),
                    ("payment_intent_client_secret", &cs),
                    ("redirect_status", status),
                ],
            ))
            .into_response()
        }
        Ok((_, None)) => page(
            StatusCode::OK,
            "Payment finished",
            "<p>You can close this window.</p>",
        ),
        Err(_) => page(
            StatusCode::CONFLICT,
            "Nothing to approve",
            "<p>This payment is not waiting for approval any more. Go back to the shop.</p>",
        ),
    }
}

// ---------------------------------------------------------------- 3-D Secure

/// `GET /3ds/{pi}?client_secret=...`: a plain challenge page (the Stripe.js stand-in shows
/// its own dialog and calls `/v1/payment_intents/{id}/authenticate` instead). Also serves
/// SetupIntents (`/3ds/seti_…`).
pub async fn three_ds_page(
    State(sim): State<Simulator>,
    Path(pi_id): Path<String>,
    uri: Uri,
) -> Response {
    let q = query(&uri);
    let cs = q.str_of("client_secret").unwrap_or_default().to_string();
    if intent_for(&sim, &pi_id, &cs).is_none() {
        return not_found("This authentication page is invalid or has expired.");
    }
    let body = format!(
        "<p>Your bank asks you to confirm this payment (simulated 3-D Secure).</p>\
<form method=\"post\" action=\"./{pi}\">\
<input type=\"hidden\" name=\"client_secret\" value=\"{cs}\">\
<div class=\"actions\">\
<button type=\"submit\" class=\"primary\" name=\"outcome\" value=\"complete\">Complete authentication</button>\
<button type=\"submit\" class=\"secondary\" name=\"outcome\" value=\"fail\">Fail authentication</button>\
</div></form>",
        pi = esc(&pi_id),
        cs = esc(&cs),
    );
    page(StatusCode::OK, "Confirm your payment", &body)
}

/// `POST /3ds/{pi}` with `client_secret`, `outcome=complete|fail`.
pub async fn three_ds_submit(
    State(sim): State<Simulator>,
    Path(pi_id): Path<String>,
    body: Bytes,
) -> Response {
    let form = decode(&String::from_utf8_lossy(&body));
    let cs = form.str_of("client_secret").unwrap_or_default().to_string();
    if intent_for(&sim, &pi_id, &cs).is_none() {
        return not_found("This authentication page is invalid or has expired.");
    }
    let complete = form.str_of("outcome") == Some("complete");
    let result = {
        let mut st = lock(&sim.inner.state);
        if pi_id.starts_with("seti_") {
            setup_intents::finish_three_ds(
                &sim.inner,
                &mut st,
                &ReqInfo::default(),
                &pi_id,
                complete,
            )
        } else {
            payment_intents::finish_three_ds(
                &sim.inner,
                &mut st,
                &ReqInfo::default(),
                &pi_id,
                complete,
            )
        }
    };
    match result {
        Ok(pi) if pi["status"] == "succeeded" && pi_id.starts_with("seti_") => page(
            StatusCode::OK,
            "Authentication complete",
            "<p>Your card is saved. You can close this window.</p>",
        ),
        Ok(pi) if pi["status"] == "succeeded" => page(
            StatusCode::OK,
            "Authentication complete",
            "<p>Your payment is confirmed. You can close this window.</p>",
        ),
        Ok(_) => page(
            StatusCode::OK,
            "Authentication failed",
            "<p>The payment was not confirmed. Go back and try another payment method.</p>",
        ),
        Err(_) => page(
            StatusCode::CONFLICT,
            "Nothing to confirm",
            "<p>This payment is not waiting for authentication any more.</p>",
        ),
    }
}
