//! Attending what was booked: the personal join link that opens the room
//! (`join`), the reminders before it (`reminders`), the personal calendar
//! feeds (`feeds`), and the teacher's view of who came (`attendees`).
//!
//! Owns `users.calendar_feed_*`, `orders.join_token_hash`, `orders.first_joined_at` and
//! `orders.join_count` (attendance is kept with the order: a dispute needs
//! it). Reads slots, sessions and orders; calls `catalog` (recording access)
//! and `accounts`, and queues its emails through `mail`. Nothing in
//! `booking` or `catalog` calls it.

pub mod attendees;
pub mod feeds;
pub mod join;
pub mod reminders;
