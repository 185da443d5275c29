//! Attending a booked slot: when its personal join link opens and closes,
//! and what `/join/{token}` shows when it does not send the student into the
//! room. The server enforces the window; the browser's "Gå med" button
//! counts down to the same instant, so both read it from here.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::model::order::OrderStatus;

/// The link keeps working this long after the slot's end (a class that runs
/// over, a student who drops out and back in).
pub const CLOSES_AFTER_END_MINUTES: i64 = 30;

/// Where a slot stands for its join link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinPhase {
    /// Not yet: the link opens at `opens_at`.
    Before,
    /// The room is open to the booked.
    Open,
    /// Over: 30 minutes past the end.
    Ended,
}

/// When the link opens: `opens_minutes` (JOIN_OPENS_MINUTES) before the start.
pub fn opens_at(start: DateTime<Utc>, opens_minutes: i64) -> DateTime<Utc> {
    start - Duration::minutes(opens_minutes)
}

/// When the link closes.
pub fn closes_at(end: DateTime<Utc>) -> DateTime<Utc> {
    end + Duration::minutes(CLOSES_AFTER_END_MINUTES)
}

/// The phase at `now`; the window includes its opening instant and excludes
/// its closing one.
pub fn phase(
    now: DateTime<Utc>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    opens_minutes: i64,
) -> JoinPhase {
    if now < opens_at(start, opens_minutes) {
        JoinPhase::Before
    } else if now < closes_at(end) {
        JoinPhase::Open
    } else {
        JoinPhase::Ended
    }
}

/// Why a booking's link no longer opens the room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinRefusal {
    /// The student cancelled their booking.
    Cancelled,
    /// The money went back (for any other reason).
    Refunded,
    /// The teacher cancelled the slot.
    SlotCancelled,
}

/// What the join page shows: the session and where the link stands. It
/// never carries the room's address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinView {
    pub session_id: String,
    pub session_title: String,
    pub teacher_name: String,
    pub start_at: DateTime<Utc>,
    pub end_at: DateTime<Utc>,
    pub opens_at: DateTime<Utc>,
    /// `None` while the booking is active; then `phase` says when.
    pub refusal: Option<JoinRefusal>,
    pub phase: JoinPhase,
    /// After the end, for a viewer with access (`recording_access`).
    pub recording_url: Option<String>,
    /// The booking's own invitation, reachable without signing in.
    pub calendar_url: String,
}

/// "Öppnar om 12 min": whole minutes until `opens_at`, rounded up, so the
/// label never says 0 while the link is still closed.
pub fn minutes_until(now: DateTime<Utc>, opens_at: DateTime<Utc>) -> i64 {
    let secs = (opens_at - now).num_seconds().max(0);
    (secs + 59) / 60
}

/// One booking of a slot as its teacher sees it (no contact details).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Attendee {
    pub order_id: String,
    pub display_name: String,
    /// `paid` is a booking; `refunded` one that was cancelled or refunded.
    pub status: OrderStatus,
    /// When the student first opened the room through their link.
    pub joined_at: Option<DateTime<Utc>>,
    /// How many times they opened it.
    pub join_count: i64,
}

/// Who booked a slot and who came.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Attendance {
    pub slot_id: String,
    /// Active bookings.
    pub booked: i64,
    /// Active bookings whose student joined.
    pub joined: i64,
    /// Bookings first, then cancelled ones; by name.
    pub attendees: Vec<Attendee>,
}

/// `POST /api/v1/account/calendar-feed`: `rotate` issues a new address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CalendarFeedRequest {
    #[serde(default)]
    pub rotate: bool,
}

/// A personal calendar feed's address (`webcal://…/calendar/{token}.ics`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CalendarFeed {
    pub url: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, h, m, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn the_link_opens_before_the_start_and_closes_half_an_hour_after_the_end() {
        let (start, end) = (at(18, 0), at(19, 0));
        assert_eq!(phase(at(17, 44), start, end, 15), JoinPhase::Before);
        assert_eq!(phase(at(17, 45), start, end, 15), JoinPhase::Open);
        assert_eq!(phase(at(18, 30), start, end, 15), JoinPhase::Open);
        assert_eq!(phase(at(19, 29), start, end, 15), JoinPhase::Open);
        assert_eq!(phase(at(19, 30), start, end, 15), JoinPhase::Ended);
        assert_eq!(
            phase(at(17, 0), start, end, 60),
            JoinPhase::Open,
            "JOIN_OPENS_MINUTES"
        );
    }

    #[test]
    fn the_countdown_rounds_up_and_stops_at_zero() {
        let opens = at(18, 0);
        assert_eq!(minutes_until(at(17, 48), opens), 12);
        assert_eq!(minutes_until(opens - Duration::seconds(1), opens), 1);
        assert_eq!(minutes_until(opens, opens), 0);
        assert_eq!(minutes_until(at(18, 5), opens), 0);
    }
}
