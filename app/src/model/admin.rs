//! What the platform's console (`/admin`) shows and sends: teachers with
//! their split and suspension, orders with their history, admin refunds and
//! the audit trail. Shared by the server functions, the REST API and the pages.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::order::OrderStatus;

/// Sales and refunds of one currency (a teacher may sell in several).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MoneyTotal {
    pub currency: String,
    /// Paid orders, refunded ones included, in minor units.
    pub sales_cents: i64,
    pub refunded_cents: i64,
}

/// A teacher as the platform sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminTeacher {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub connect_account_id: Option<String>,
    pub charges_enabled: bool,
    pub payouts_enabled: bool,
    pub details_submitted: bool,
    /// The teacher's share of each new sale, in percent.
    pub payout_split_pct: i64,
    pub suspended: bool,
    pub totals: Vec<MoneyTotal>,
    /// Upcoming slots cancelled by this change (0 unless asked for).
    #[serde(default)]
    pub slots_cancelled: i64,
}

/// `PATCH /api/v1/admin/teachers/{id}`: the fields present are changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TeacherChange {
    /// 0–100; applies to orders created from now on.
    #[serde(default)]
    pub payout_split_pct: Option<i64>,
    #[serde(default)]
    pub suspended: Option<bool>,
    /// With `suspended: true`: also cancel the teacher's upcoming classes,
    /// refunding every booking (the teacher's own cancel-and-refund path).
    #[serde(default)]
    pub cancel_upcoming_bookings: bool,
}

/// What an order bought.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderKind {
    Seat,
    Course,
    Membership,
}

/// One order in the console's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminOrder {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub kind: OrderKind,
    pub student_email: String,
    pub student_name: String,
    /// The session's or course's title; empty for a membership.
    pub title: String,
    pub teacher_name: Option<String>,
    pub status: OrderStatus,
    pub amount_cents: i64,
    pub currency: String,
    pub fee_cents: i64,
    pub refunded_cents: i64,
    pub disputed: bool,
}

/// The list's filters: all optional; `from`/`to` are dates (UTC) inclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(utoipa::ToSchema, utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct OrderQuery {
    /// Matches the student's email, the teacher's name, the session's or
    /// course's title, or the order id.
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub status: Option<OrderStatus>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub from: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub to: Option<String>,
    /// 1 is the first page.
    #[serde(default)]
    pub page: Option<i64>,
}

/// A page of orders, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderPage {
    pub orders: Vec<AdminOrder>,
    pub page: i64,
    pub per_page: i64,
    pub has_more: bool,
}

/// A Stripe event received about an order (its PaymentIntent, charge or transfer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderEventRecord {
    pub id: String,
    pub event_type: String,
    pub received_at: DateTime<Utc>,
    pub processed_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// An email the order caused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderEmail {
    pub id: String,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// The state of an admin refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AdminRefundStatus {
    /// Asked of Stripe, answer not known yet (send it again with the same key).
    Pending,
    Succeeded,
    /// Stripe refused: nothing was refunded.
    Failed,
}

/// A refund made from the console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminRefund {
    pub id: String,
    pub order_id: String,
    pub amount_cents: i64,
    pub currency: String,
    pub reverse_transfer: bool,
    pub refund_application_fee: bool,
    pub reason: String,
    pub status: AdminRefundStatus,
    pub stripe_refund_id: Option<String>,
    pub admin_email: String,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/v1/admin/orders/{id}/refunds`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RefundRequest {
    /// In the order's currency's minor units; at most what is left.
    pub amount_cents: i64,
    /// Take the teacher's share of the refund back from them.
    pub reverse_transfer: bool,
    /// Give the platform's fee on the refunded part back too.
    pub refund_application_fee: bool,
    /// Why (kept in the audit trail); required.
    pub reason: String,
}

/// One row of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: String,
    pub admin_email: String,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    /// JSON of what the target was before and after; absent for a new thing.
    pub before: Option<String>,
    pub after: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// An order with everything known about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminOrderDetail {
    pub order: AdminOrder,
    /// What an admin may still refund (0 when unpaid or fully refunded).
    pub refundable_cents: i64,
    /// The share the teacher's account received for this order.
    pub teacher_share_cents: i64,
    pub holds_seat: bool,
    pub paid_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub failure_reason: Option<String>,
    pub refund_reason: Option<String>,
    pub payment_method: Option<String>,
    pub stripe_payment_intent: Option<String>,
    pub stripe_charge_id: Option<String>,
    pub stripe_transfer_id: Option<String>,
    pub stripe_subscription: Option<String>,
    pub connected_account_id: Option<String>,
    pub events: Vec<OrderEventRecord>,
    pub emails: Vec<OrderEmail>,
    pub refunds: Vec<AdminRefund>,
    pub audit: Vec<AuditEntry>,
}

/// A page of the audit trail, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub page: i64,
    pub per_page: i64,
    pub has_more: bool,
}

/// What the platform sends Stripe to contest a dispute: Stripe's evidence
/// fields that Aveli can fill. Empty fields are not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DisputeEvidence {
    /// What was bought: the session or course, and its teacher.
    #[serde(default)]
    pub product_description: String,
    #[serde(default)]
    pub customer_name: String,
    #[serde(default)]
    pub customer_email_address: String,
    /// When the class took place (`YYYY-MM-DD`).
    #[serde(default)]
    pub service_date: String,
    /// The cancellation policy the student accepted at checkout.
    #[serde(default)]
    pub cancellation_policy_disclosure: String,
    /// The attendance record: when the student opened the class's room.
    #[serde(default)]
    pub access_activity_log: String,
    /// The receipt: amount, date and what was bought.
    #[serde(default)]
    pub uncategorized_text: String,
}

/// A dispute (chargeback) in the console's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminDispute {
    pub id: String,
    pub order_id: Option<String>,
    pub student_email: Option<String>,
    pub title: String,
    pub teacher_name: Option<String>,
    pub amount_cents: i64,
    pub currency: String,
    pub reason: String,
    /// Stripe's: needs_response, under_review, won, lost, …
    pub status: String,
    /// The evidence deadline.
    pub due_by: Option<DateTime<Utc>>,
    pub funds_withdrawn: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    /// What was sent, or else a draft prefilled from our records.
    pub evidence: DisputeEvidence,
}

/// `POST /api/v1/admin/disputes/{id}/evidence`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EvidenceSubmission {
    pub evidence: DisputeEvidence,
    /// `false` saves the evidence at Stripe without submitting it yet.
    #[serde(default = "yes")]
    pub submit: bool,
}

fn yes() -> bool {
    true
}

/// A stored Stripe event, as `/admin/system` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminEvent {
    pub id: String,
    pub event_type: String,
    /// processed, duplicate, ignored, too_early (waiting on our own write),
    /// retrying, failed (parked) or pending.
    pub outcome: String,
    pub received_at: DateTime<Utc>,
    pub processed_at: Option<DateTime<Utc>>,
    pub attempts: i64,
    pub last_error: Option<String>,
    /// The order the event is about, when it is one of ours.
    pub order_id: Option<String>,
}

/// Counts per outcome over every stored event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OutcomeCount {
    pub outcome: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventList {
    pub events: Vec<AdminEvent>,
    pub counts: Vec<OutcomeCount>,
}

/// An email in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OutboxEmail {
    pub id: String,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    /// queued, sent or failed (given up after every attempt).
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OutboxList {
    pub emails: Vec<OutboxEmail>,
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
}
