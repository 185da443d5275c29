//! Booking: buying a seat or a course and what follows — seat checkout and
//! course checkout with their shared payment step (`order_payment`), the seat
//! moves (`seats`), lapsed holds (`holds`), the payment events that turn a
//! hold into a booking (`payment_events`), orders and cancellations, the
//! refunds we owe, and the reconciliation that proves every succeeded
//! payment ends with a seat or a refund (`reconcile`).
//!
//! Owns `orders`, `enrollments` and `session_slots.seats_taken`. Calls
//! `catalog`, `accounts`, `payments` (the gateway) and `mail` (receipts).
//! Nothing below it calls it; `webhooks` dispatches into `payment_events`.

pub mod checkout;
pub mod course_checkout;
pub mod disputes;
pub mod holds;
pub mod order_payment;
pub mod orders;
pub mod payment_events;
pub mod reconcile;
pub mod refunds;
pub mod seats;
