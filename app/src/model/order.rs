//! Orders: what a checkout creates, how its money is split, and the one
//! state machine every payment event goes through (DESIGN §5). Pure code,
//! shared by the server and the browser.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An order's state. Stored as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Checkout started; the seat is held until `hold_expires_at`.
    Pending,
    /// Paid: with its seat a booking (or, seatless, a refund still owed).
    Paid,
    /// The last attempt was declined; the hold stays until it expires.
    Failed,
    /// The hold lapsed unpaid; the seat is free again.
    Expired,
    /// The money went back to the student.
    Refunded,
    /// Stopped before payment (PaymentIntent cancelled, or Stripe failed at checkout).
    Cancelled,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Pending => "pending",
            OrderStatus::Paid => "paid",
            OrderStatus::Failed => "failed",
            OrderStatus::Expired => "expired",
            OrderStatus::Refunded => "refunded",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<OrderStatus> {
        Some(match text {
            "pending" => OrderStatus::Pending,
            "paid" => OrderStatus::Paid,
            "failed" => OrderStatus::Failed,
            "expired" => OrderStatus::Expired,
            "refunded" => OrderStatus::Refunded,
            "cancelled" => OrderStatus::Cancelled,
            _ => return None,
        })
    }
}

/// What can happen to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderEvent {
    /// `payment_intent.succeeded` (or a free booking).
    PaymentSucceeded,
    /// `payment_intent.payment_failed`.
    PaymentFailed,
    /// `payment_intent.canceled`, or Stripe failing at checkout.
    PaymentCanceled,
    /// The expiry worker found the hold past its time.
    HoldExpired,
    /// The payment was refunded in full.
    Refunded,
}

/// The next state, or `None` when the event does not apply (a duplicate, a
/// stale or out-of-order event): orders never move backwards. A success is
/// accepted from every unpaid state, expired included (a late payment: the
/// caller re-takes a seat or refunds), because money that arrived must be
/// accounted for.
pub fn transition(from: OrderStatus, event: OrderEvent) -> Option<OrderStatus> {
    use OrderEvent as E;
    use OrderStatus as S;
    match (from, event) {
        (S::Pending | S::Failed | S::Expired | S::Cancelled, E::PaymentSucceeded) => Some(S::Paid),
        (S::Pending | S::Failed, E::PaymentFailed) => Some(S::Failed),
        (S::Pending | S::Failed, E::PaymentCanceled) => Some(S::Cancelled),
        (S::Pending | S::Failed, E::HoldExpired) => Some(S::Expired),
        (S::Paid, E::Refunded) => Some(S::Refunded),
        _ => None,
    }
}

/// How a sale is split: the teacher's share is `floor(amount × pct / 100)`,
/// the platform's fee is the rest (so rounding always favours nobody but
/// adds up to the amount exactly).
pub fn split(amount_cents: i64, payout_split_pct: i64) -> (i64, i64) {
    let pct = payout_split_pct.clamp(0, 100);
    let teacher = (i128::from(amount_cents) * i128::from(pct) / 100) as i64;
    (teacher, amount_cents - teacher)
}

/// What the browser needs after a checkout started: the order and, for a
/// paid seat, what mounts the Payment Element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CheckoutStarted {
    pub order_id: String,
    pub status: OrderStatus,
    /// `None` for a free session (booked at once).
    pub client_secret: Option<String>,
    pub publishable_key: String,
    /// Stripe.js (js.stripe.com, or the simulator's stand-in).
    pub script_url: String,
    pub amount_cents: i64,
    /// ISO code, upper case.
    pub currency: String,
    pub hold_expires_at: Option<DateTime<Utc>>,
}

/// An order as its owner sees it (the receipt page): a seat in a session,
/// or a course (`course_id` set; then the session fields are `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderView {
    pub id: String,
    pub status: OrderStatus,
    pub amount_cents: i64,
    pub currency: String,
    pub refunded_cents: i64,
    /// Stripe's words for the last declined attempt.
    pub failure_reason: Option<String>,
    /// e.g. "card", "paypal", "klarna", once known.
    pub payment_method: Option<String>,
    /// What the card statement shows.
    pub statement_descriptor: String,
    pub session_id: Option<String>,
    /// Set for a course order.
    #[serde(default)]
    pub course_id: Option<String>,
    /// What was bought: the session's title, or the course's.
    pub session_title: String,
    pub teacher_name: String,
    pub slot_id: Option<String>,
    pub start_at: Option<DateTime<Utc>>,
    pub end_at: Option<DateTime<Utc>>,
    /// The recording, once it exists (buyers may watch it).
    pub recording_url: Option<String>,
    pub hold_expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The personal join link of an active seat booking (`/join/{token}`).
    #[serde(default)]
    pub join_url: Option<String>,
    /// When that link opens (JOIN_OPENS_MINUTES before the start).
    #[serde(default)]
    pub join_opens_at: Option<DateTime<Utc>>,
}

/// A seat the student has (or had): "Min bokning".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Booking {
    pub order_id: String,
    pub status: OrderStatus,
    pub session_id: String,
    pub session_title: String,
    pub teacher_name: String,
    pub slot_id: String,
    pub start_at: DateTime<Utc>,
    pub end_at: DateTime<Utc>,
    pub amount_cents: i64,
    pub currency: String,
    /// Inside the cancellation window: "Avboka" gives a full refund.
    pub can_cancel: bool,
    pub recording_url: Option<String>,
    /// The personal join link, while the booking is active (`/join/{token}`).
    #[serde(default)]
    pub join_url: Option<String>,
    /// When that link opens (JOIN_OPENS_MINUTES before the start).
    #[serde(default)]
    pub join_opens_at: Option<DateTime<Utc>>,
}

/// One order in a teacher's sales view (no student contact details).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Sale {
    pub order_id: String,
    /// The session's id, or the course's when `is_course`.
    pub session_id: String,
    pub is_course: bool,
    pub session_title: String,
    pub start_at: Option<DateTime<Utc>>,
    pub status: OrderStatus,
    pub amount_cents: i64,
    pub currency: String,
    /// The platform's fee.
    pub fee_cents: i64,
    /// What the teacher receives: the amount minus the fee.
    pub teacher_share_cents: i64,
    pub refunded_cents: i64,
    pub disputed: bool,
    /// The latest dispute's state, as Stripe names it (needs_response,
    /// under_review, won, lost): the teacher follows its outcome.
    #[serde(default)]
    pub dispute_status: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_STATES: [OrderStatus; 6] = [
        OrderStatus::Pending,
        OrderStatus::Paid,
        OrderStatus::Failed,
        OrderStatus::Expired,
        OrderStatus::Refunded,
        OrderStatus::Cancelled,
    ];
    const ALL_EVENTS: [OrderEvent; 5] = [
        OrderEvent::PaymentSucceeded,
        OrderEvent::PaymentFailed,
        OrderEvent::PaymentCanceled,
        OrderEvent::HoldExpired,
        OrderEvent::Refunded,
    ];

    /// How far along an order is; a transition may never lower it.
    fn rank(status: OrderStatus) -> u8 {
        match status {
            OrderStatus::Pending => 0,
            OrderStatus::Failed => 1,
            OrderStatus::Expired | OrderStatus::Cancelled => 2,
            OrderStatus::Paid => 3,
            OrderStatus::Refunded => 4,
        }
    }

    #[test]
    fn the_split_adds_up_and_the_teacher_share_is_floored() {
        for amount in (0..5_000).chain([99_999, 1_000_000, i64::from(i32::MAX)]) {
            for pct in 0..=100 {
                let (teacher, fee) = split(amount, pct);
                assert_eq!(teacher + fee, amount, "{amount} at {pct}%");
                assert_eq!(teacher, amount * pct / 100, "{amount} at {pct}%");
                assert!(fee >= 0 && fee <= amount);
            }
        }
        assert_eq!(split(15_000, 80), (12_000, 3_000));
        assert_eq!(split(999, 80), (799, 200));
        assert_eq!(split(1, 99), (0, 1));
    }

    #[test]
    fn every_event_in_every_state_moves_forward_or_not_at_all() {
        for from in ALL_STATES {
            for event in ALL_EVENTS {
                if let Some(to) = transition(from, event) {
                    let forward = rank(to) > rank(from)
                        || (from, to) == (OrderStatus::Failed, OrderStatus::Failed);
                    assert!(forward, "{from:?} --{event:?}--> {to:?} moves backwards");
                }
            }
        }
    }

    #[test]
    fn the_table_is_the_one_we_mean() {
        use OrderEvent as E;
        use OrderStatus as S;
        assert_eq!(transition(S::Pending, E::PaymentSucceeded), Some(S::Paid));
        assert_eq!(
            transition(S::Failed, E::PaymentSucceeded),
            Some(S::Paid),
            "a retry after a decline"
        );
        assert_eq!(
            transition(S::Expired, E::PaymentSucceeded),
            Some(S::Paid),
            "a late payment"
        );
        assert_eq!(
            transition(S::Paid, E::PaymentSucceeded),
            None,
            "a duplicate"
        );
        assert_eq!(transition(S::Refunded, E::PaymentSucceeded), None);
        assert_eq!(transition(S::Pending, E::PaymentFailed), Some(S::Failed));
        assert_eq!(
            transition(S::Paid, E::PaymentFailed),
            None,
            "a stale failure after success"
        );
        assert_eq!(transition(S::Paid, E::PaymentCanceled), None);
        assert_eq!(
            transition(S::Paid, E::HoldExpired),
            None,
            "a paid seat never expires"
        );
        assert_eq!(
            transition(S::Expired, E::HoldExpired),
            None,
            "released once"
        );
        assert_eq!(transition(S::Paid, E::Refunded), Some(S::Refunded));
        assert_eq!(transition(S::Pending, E::Refunded), None);
    }

    #[test]
    fn any_order_of_the_same_events_ends_in_the_same_state() {
        // Success, a stale failure and a duplicate success, in every order.
        let events = [
            OrderEvent::PaymentFailed,
            OrderEvent::PaymentSucceeded,
            OrderEvent::PaymentSucceeded,
        ];
        let orders = [
            [0, 1, 2],
            [0, 2, 1],
            [1, 0, 2],
            [1, 2, 0],
            [2, 0, 1],
            [2, 1, 0],
        ];
        for order in orders {
            let mut state = OrderStatus::Pending;
            for i in order {
                state = transition(state, events[i]).unwrap_or(state);
            }
            assert_eq!(state, OrderStatus::Paid, "{order:?}");
        }
    }

    #[test]
    fn statuses_round_trip() {
        for status in ALL_STATES {
            assert_eq!(OrderStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(OrderStatus::parse("canceled"), None);
    }
}
