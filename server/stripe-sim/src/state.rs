//! The simulator's store: one Mutex-guarded struct. Stripe objects are kept as JSON values.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use serde_json::Value;

use crate::clock::SimClock;
use crate::faults::Fault;
use crate::idempotency::IdemEntry;

/// Locks a mutex, recovering from poisoning (a panic elsewhere must not wedge the simulator).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// An account link handed out by `POST /v1/account_links`.
#[derive(Debug, Clone)]
pub struct LinkInfo {
    pub account: String,
    pub refresh_url: String,
    pub return_url: String,
    pub expires_at: i64,
}

/// A test card (from a `pm_card_*` id or from `payment_method_data[card]`).
#[derive(Debug, Clone)]
pub struct Card {
    pub number: String,
    pub exp_month: i64,
    pub exp_year: i64,
}

impl Card {
    pub fn last4(&self) -> String {
        let n = self.number.len();
        self.number[n.saturating_sub(4)..].to_string()
    }

    pub fn brand(&self) -> &'static str {
        let n = &self.number;
        let two: u32 = n.get(..2).and_then(|s| s.parse().ok()).unwrap_or(0);
        let four: u32 = n.get(..4).and_then(|s| s.parse().ok()).unwrap_or(0);
        if n.starts_with('4') {
            "visa"
        } else if (51..=55).contains(&two) || (2221..=2720).contains(&four) {
            "mastercard"
        } else if two == 34 || two == 37 {
            "amex"
        } else if n.starts_with("6011") || n.starts_with("65") {
            "discover"
        } else {
            "unknown"
        }
    }
}

/// How a payment method pays.
#[derive(Debug, Clone)]
pub enum Method {
    Card(Card),
    Paypal,
    Klarna,
}

impl Method {
    pub fn type_name(&self) -> &'static str {
        match self {
            Method::Card(_) => "card",
            Method::Paypal => "paypal",
            Method::Klarna => "klarna",
        }
    }
}

/// What a PaymentIntent in `requires_action` is waiting for.
#[derive(Debug, Clone)]
pub struct PendingAction {
    pub pm_id: String,
    pub method: Method,
    pub return_url: Option<String>,
}

/// One balance transaction of a connected account and the payout that contains it.
#[derive(Debug, Clone)]
pub struct LedgerEntry {
    pub txn: Value,
    /// The payout (`po_…`) this transaction was paid out with; `None` while in the balance.
    pub payout: Option<String>,
}

/// A payout and the connected account it was made on.
#[derive(Debug, Clone)]
pub struct PayoutRecord {
    pub account: String,
    pub payout: Value,
}

#[derive(Default)]
pub struct State {
    pub accounts: HashMap<String, Value>,
    pub account_links: HashMap<String, LinkInfo>,
    pub customers: HashMap<String, Value>,
    pub payment_intents: HashMap<String, Value>,
    pub charges: HashMap<String, Value>,
    pub refunds: HashMap<String, Value>,
    pub transfers: HashMap<String, Value>,
    pub products: HashMap<String, Value>,
    pub prices: HashMap<String, Value>,
    pub subscriptions: HashMap<String, Value>,
    pub invoices: HashMap<String, Value>,
    /// All events, oldest first.
    pub events: Vec<Value>,
    pub pending_actions: HashMap<String, PendingAction>,
    /// Payment methods created from `payment_method_data`.
    pub payment_methods: HashMap<String, Method>,
    /// PaymentIntent id → invoice id (subscription invoices).
    pub pi_invoice: HashMap<String, String>,
    /// SetupIntents (`seti_…`), e.g. a trialing subscription's `pending_setup_intent`.
    pub setup_intents: HashMap<String, Value>,
    /// SetupIntent id → the subscription whose `pending_setup_intent` it is.
    pub seti_subscription: HashMap<String, String>,
    /// Application fees (`fee_…`) of destination charges with `application_fee_amount`.
    pub application_fees: HashMap<String, Value>,
    /// Disputes (`dp_…`).
    pub disputes: HashMap<String, Value>,
    /// Payouts (`po_…`) of connected accounts.
    pub payouts: HashMap<String, PayoutRecord>,
    /// Connected account id → its balance transactions (see `ledger`).
    pub ledgers: HashMap<String, Vec<LedgerEntry>>,
    /// Express dashboard login-link token → connected account id.
    pub login_links: HashMap<String, String>,
    /// Object id → creation sequence number (orders objects created in the same second).
    pub seq: HashMap<String, u64>,
    pub idempotency: HashMap<String, IdemEntry>,
    pub faults: Vec<Fault>,
    /// The simulator's clock (a clone of `SimConfig::clock`).
    pub clock: SimClock,
}

impl State {
    /// Records that object `id` was just created (see [`State::oldest_first`]).
    pub fn remember(&mut self, id: &str) {
        let n = self.seq.len() as u64;
        self.seq.entry(id.to_string()).or_insert(n);
    }

    /// `objects` in creation order, oldest first.
    pub fn oldest_first<'a>(&self, mut objects: Vec<&'a Value>) -> Vec<&'a Value> {
        objects.sort_by_key(|o| {
            let id = o["id"].as_str().unwrap_or_default();
            (
                o["created"].as_i64(),
                self.seq.get(id).copied().unwrap_or(0),
            )
        });
        objects
    }
}
