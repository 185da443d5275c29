//! The REST API entry point: parameters, auth, faults, idempotency, dispatch, headers.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Value};

use crate::auth::Caller;
use crate::error::{json_response, ApiError};
use crate::events::ReqInfo;
use crate::faults::FaultKind;
use crate::form::{decode, merge};
use crate::idempotency::{fingerprint, lookup, IdemEntry, Lookup};
use crate::ids::new_id;
use crate::state::{lock, State as Store};
use crate::{
    accounts, application_fees, billing, charges, customers, disputes, events, ledger, login_links,
    payment_intents, payouts, renewals, setup_intents, test_helpers, Inner, Simulator,
};

/// Per-request context handed to endpoints.
pub struct Ctx<'a> {
    pub inner: &'a Inner,
    pub params: &'a Value,
    pub req: ReqInfo,
    /// The connected account named by the `Stripe-Account` header, if any.
    pub account: Option<String>,
    /// How the request authenticated.
    #[allow(dead_code)]
    pub caller: Caller,
}

impl Ctx<'_> {
    pub fn public_base(&self) -> &str {
        &self.inner.config.public_base
    }
}

fn browser_pi<'a>(method: &Method, segs: &[&'a str]) -> Option<&'a str> {
    match (method.as_str(), segs) {
        ("GET", ["payment_intents" | "setup_intents", id]) => Some(id),
        ("POST", ["payment_intents" | "setup_intents", id, "confirm" | "authenticate"]) => Some(id),
        _ => None,
    }
}

pub async fn handle(
    State(sim): State<Simulator>,
    Path(rest): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request_id = new_id("req");
    let path = format!("/v1/{}", rest.trim_end_matches('/'));
    let mut params = decode(uri.query().unwrap_or_default());
    if !body.is_empty() {
        merge(&mut params, decode(&String::from_utf8_lossy(&body)));
    }
    let segs: Vec<&str> = rest.trim_matches('/').split('/').collect();
    let inner = &*sim.inner;

    let caller = match crate::auth::check(
        &inner.config,
        &headers,
        &params,
        browser_pi(&method, &segs),
        |id| {
            let st = lock(&inner.state);
            let intents = if id.starts_with("seti_") {
                &st.setup_intents
            } else {
                &st.payment_intents
            };
            intents
                .get(id)
                .and_then(|p| p["client_secret"].as_str().map(str::to_string))
        },
    ) {
        Ok(c) => c,
        Err(e) => return error_response(&e, &request_id),
    };

    let fault = crate::faults::take(&mut lock(&inner.state).faults, &path);
    let mut hold_ms = None;
    match fault {
        Some((FaultKind::ServerError, _)) => {
            return error_response(&ApiError::server_error(), &request_id)
        }
        Some((FaultKind::RateLimit, _)) => {
            return error_response(&ApiError::rate_limited(), &request_id)
        }
        Some((FaultKind::Timeout, ms)) => hold_ms = Some(ms),
        None => {}
    }

    let idem_key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .filter(|k| !k.is_empty());

    let account = headers
        .get("stripe-account")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());

    let (status, body, replayed, resp_request_id) = {
        let mut st = lock(&inner.state);
        let ctx = Ctx {
            inner,
            params: &params,
            req: ReqInfo {
                id: Some(request_id.clone()),
                idempotency_key: idem_key.clone(),
            },
            account,
            caller,
        };
        match (&idem_key, method == Method::POST) {
            (Some(key), true) => {
                let fp = fingerprint(&method, &path, &params);
                match lookup(st.idempotency.get(key), key, &fp) {
                    Lookup::Replay(e) => (e.status, e.body, true, e.request_id),
                    Lookup::Conflict(err) => (
                        err.status,
                        err.body().to_string(),
                        false,
                        request_id.clone(),
                    ),
                    Lookup::Run => {
                        let (status, body) = run(&ctx, &mut st, &method, &segs);
                        st.idempotency.insert(
                            key.clone(),
                            IdemEntry {
                                fingerprint: fp,
                                status,
                                body: body.clone(),
                                request_id: request_id.clone(),
                            },
                        );
                        (status, body, false, request_id.clone())
                    }
                }
            }
            _ => {
                let (status, body) = run(&ctx, &mut st, &method, &segs);
                (status, body, false, request_id.clone())
            }
        }
    };

    if let Some(ms) = hold_ms {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
    json_response(status, &body, &resp_request_id, replayed)
}

fn error_response(e: &ApiError, request_id: &str) -> Response {
    json_response(e.status, &e.body().to_string(), request_id, false)
}

fn run(ctx: &Ctx<'_>, st: &mut Store, method: &Method, segs: &[&str]) -> (StatusCode, String) {
    match dispatch(ctx, st, method, segs) {
        Ok(v) => (StatusCode::OK, v.to_string()),
        Err(e) => (e.status, e.body().to_string()),
    }
}

fn dispatch(
    ctx: &Ctx<'_>,
    st: &mut Store,
    method: &Method,
    segs: &[&str],
) -> Result<Value, ApiError> {
    // Browser callers may only use the browser endpoints (already enforced by auth).
    match (method.as_str(), segs) {
        ("POST", ["accounts"]) => accounts::create(ctx, st),
        ("GET", ["accounts", id]) => accounts::retrieve(st, id),
        ("POST", ["accounts", id]) => accounts::update(ctx, st, id),
        ("POST", ["accounts", id, "login_links"]) => login_links::create(ctx, st, id),
        ("POST", ["account_links"]) => accounts::create_link(ctx, st),

        ("POST", ["customers"]) => customers::create(ctx, st),
        ("GET", ["customers", id]) => customers::retrieve(st, id),
        ("POST", ["customers", id]) => customers::update(ctx, st, id),

        ("POST", ["payment_intents"]) => payment_intents::create(ctx, st),
        ("GET", ["payment_intents", id]) => payment_intents::retrieve(st, id),
        ("POST", ["payment_intents", id, "confirm"]) => payment_intents::confirm(ctx, st, id),
        ("POST", ["payment_intents", id, "authenticate"]) => {
            payment_intents::authenticate(ctx, st, id)
        }
        ("POST", ["payment_intents", id, "cancel"]) => payment_intents::cancel(ctx, st, id),

        ("GET", ["charges", id]) => charges::retrieve_charge(st, id),
        ("GET", ["transfers", id]) => charges::retrieve_transfer(st, id),
        ("POST", ["refunds"]) => charges::create_refund(ctx, st),
        ("GET", ["refunds"]) => charges::list_refunds(ctx, st),
        ("GET", ["refunds", id]) => charges::retrieve_refund(st, id),
        ("GET", ["application_fees"]) => application_fees::list(ctx, st),
        ("GET", ["application_fees", id]) => application_fees::retrieve(st, id),

        ("GET", ["disputes"]) => disputes::list(ctx, st),
        ("GET", ["disputes", id]) => disputes::retrieve(st, id),
        ("POST", ["disputes", id]) => disputes::update(ctx, st, id),
        ("POST", ["disputes", id, "close"]) => disputes::accept(ctx, st, id),

        ("GET", ["payouts"]) => payouts::list(ctx, st),
        ("GET", ["payouts", id]) => payouts::retrieve(ctx, st, id),
        ("GET", ["balance"]) => ledger::balance(ctx, st),
        ("GET", ["balance_transactions"]) => ledger::list(ctx, st),
        ("GET", ["balance_transactions", id]) => ledger::retrieve(ctx, st, id),

        ("GET", ["events"]) => events::list(st, ctx.params),
        ("GET", ["events", id]) => events::retrieve(st, id),

        ("POST", ["products"]) => billing::create_product(ctx, st),
        ("GET", ["products", id]) => billing::retrieve_product(st, id),
        ("POST", ["prices"]) => billing::create_price(ctx, st),
        ("GET", ["prices"]) => billing::list_prices(ctx, st),
        ("GET", ["prices", id]) => billing::retrieve_price(st, id),
        ("POST", ["subscriptions"]) => billing::create_subscription(ctx, st),
        ("GET", ["subscriptions", id]) => billing::retrieve_subscription(ctx, st, id),
        ("POST", ["subscriptions", id]) => billing::update_subscription(ctx, st, id),
        ("DELETE", ["subscriptions", id]) => billing::cancel_subscription(ctx, st, id),
        ("GET", ["invoices", id]) => billing::retrieve_invoice(ctx, st, id),
        ("POST", ["invoices", id, "pay"]) => renewals::pay_invoice(ctx, st, id),

        ("GET", ["setup_intents", id]) => setup_intents::retrieve(st, id),
        ("POST", ["setup_intents", id, "confirm"]) => setup_intents::confirm(ctx, st, id),
        ("POST", ["setup_intents", id, "authenticate"]) => setup_intents::authenticate(ctx, st, id),

        ("POST", ["test_helpers", "accounts", id, "onboard"]) => {
            accounts::onboard(ctx.inner, st, &ctx.req, id, None)
        }
        ("POST", ["test_helpers", "accounts", id, "payout"]) => payouts::create(ctx, st, id),
        ("POST", ["test_helpers", "charges", id, "dispute"]) => disputes::create(ctx, st, id),
        ("POST", ["test_helpers", "disputes", id, "close"]) => disputes::close(ctx, st, id),
        ("POST", ["test_helpers", "subscriptions", id, "advance"]) => {
            renewals::advance(ctx, st, id)
        }
        ("POST", ["test_helpers", "faults"]) => test_helpers::add_fault(ctx, st),
        ("DELETE", ["test_helpers", "faults"]) => Ok(test_helpers::clear_faults(st)),
        ("POST", ["test_helpers", "webhooks", "faults"]) => ctx.inner.hub.add_fault(ctx.params),
        ("DELETE", ["test_helpers", "webhooks", "faults"]) => Ok(ctx.inner.hub.clear_faults()),
        ("GET", ["test_helpers", "webhooks", "deliveries"]) => {
            Ok(json!({"object": "list", "data": ctx.inner.hub.deliveries()}))
        }
        ("GET", ["test_helpers", "webhooks", "idle"]) => {
            let queued = ctx.inner.hub.queued();
            Ok(json!({"idle": queued == 0, "queued": queued}))
        }
        _ => Err(ApiError::unknown_route(
            method.as_str(),
            &format!("/v1/{}", segs.join("/")),
        )),
    }
}
