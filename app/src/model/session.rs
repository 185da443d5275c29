//! Sessions and their slots as both sides see them, and the rules a new or
//! changed one must meet. The server enforces every rule; the browser uses
//! the same functions to snap, colour and pre-check.

use chrono::{DateTime, Duration, Timelike, Utc};
use serde::{Deserialize, Serialize};

use crate::i18n::Strings;

/// Who can see a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    Draft,
    Published,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Draft => "draft",
            Visibility::Published => "published",
        }
    }

    pub fn parse(value: &str) -> Option<Visibility> {
        match value {
            "draft" => Some(Visibility::Draft),
            "published" => Some(Visibility::Published),
            _ => None,
        }
    }
}

/// The currencies a session can be priced in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Currency {
    SEK,
    EUR,
    NOK,
    DKK,
    USD,
    GBP,
}

impl Currency {
    pub const ALL: [Currency; 6] = [
        Currency::SEK,
        Currency::EUR,
        Currency::NOK,
        Currency::DKK,
        Currency::USD,
        Currency::GBP,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Currency::SEK => "SEK",
            Currency::EUR => "EUR",
            Currency::NOK => "NOK",
            Currency::DKK => "DKK",
            Currency::USD => "USD",
            Currency::GBP => "GBP",
        }
    }

    pub fn parse(code: &str) -> Option<Currency> {
        Currency::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code.trim()))
    }

    /// Stripe's smallest chargeable amount, in minor units.
    pub fn stripe_minimum(self) -> i64 {
        match self {
            Currency::SEK | Currency::NOK => 300,
            Currency::DKK => 250,
            Currency::EUR | Currency::USD => 50,
            Currency::GBP => 30,
        }
    }
}

/// A price: integer minor units and a currency.
pub fn format_price(cents: i64, currency: Currency, free: &str) -> String {
    if cents == 0 {
        return free.to_owned();
    }
    let major = cents / 100;
    let minor = cents % 100;
    if minor == 0 {
        format!("{major} {}", currency.code())
    } else {
        format!("{major},{minor:02} {}", currency.code())
    }
}

/// Reads a price typed by a person ("150", "99,50", "99.5") as minor units.
pub fn parse_price_input(input: &str) -> Option<i64> {
    let text = input.trim().replace(',', ".");
    if text.is_empty() {
        return Some(0);
    }
    let (major, minor) = text.split_once('.').unwrap_or((&text, ""));
    if major.is_empty()
        || !major.chars().all(|c| c.is_ascii_digit())
        || minor.len() > 2
        || !minor.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let major: i64 = major.parse().ok()?;
    let minor: i64 = format!("{minor:0<2}").parse().ok()?;
    major.checked_mul(100)?.checked_add(minor)
}

/// A live session (a class) with its slots' span.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Session {
    pub id: String,
    pub teacher_id: String,
    pub teacher_name: String,
    pub title: String,
    pub description: String,
    /// Earliest slot start; `None` while the session has no slots.
    pub start_at: Option<DateTime<Utc>>,
    /// Latest slot end.
    pub end_at: Option<DateTime<Utc>>,
    /// Seats for new slots.
    pub capacity: i64,
    pub price_cents: i64,
    pub currency: Currency,
    pub visibility: Visibility,
    /// Start of the next slot still to come, if any.
    pub next_slot_at: Option<DateTime<Utc>>,
    /// Whether a recording exists (everyone may know).
    pub has_recording: bool,
    /// The recording itself: only for its teacher, its students and members.
    pub recording_url: Option<String>,
    /// The live room: only for its teacher (students join through their
    /// personal link, which checks their booking and the time).
    pub room_url: Option<String>,
}

/// A bookable time of a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Slot {
    pub id: String,
    pub session_id: String,
    pub start_at: DateTime<Utc>,
    pub end_at: DateTime<Utc>,
    pub seats_total: i64,
    pub seats_taken: i64,
    pub seats_left: i64,
    pub availability: SlotAvailability,
    /// The slot's own room, overriding the session's: only in the studio's
    /// answers to the slot's teacher, never in a public list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_url: Option<String>,
}

/// How a slot shows on a calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SlotAvailability {
    /// Green: bookable, plenty of seats.
    Upcoming,
    /// Yellow: bookable, at most 20 % or at most 2 seats left.
    AlmostFull,
    /// Grey: no seats left.
    Full,
    /// Grey: already started.
    Past,
}

impl SlotAvailability {
    pub fn of(
        now: DateTime<Utc>,
        start_at: DateTime<Utc>,
        seats_total: i64,
        seats_taken: i64,
    ) -> Self {
        let left = (seats_total - seats_taken).max(0);
        if start_at <= now {
            SlotAvailability::Past
        } else if left == 0 {
            SlotAvailability::Full
        } else if left <= 2 || left * 5 <= seats_total {
            SlotAvailability::AlmostFull
        } else {
            SlotAvailability::Upcoming
        }
    }

    pub fn bookable(self) -> bool {
        matches!(
            self,
            SlotAvailability::Upcoming | SlotAvailability::AlmostFull
        )
    }

    /// The CSS class of the slot chip.
    pub fn css_class(self) -> &'static str {
        match self {
            SlotAvailability::Upcoming => "slot-upcoming",
            SlotAvailability::AlmostFull => "slot-almost-full",
            SlotAvailability::Full => "slot-full",
            SlotAvailability::Past => "slot-past",
        }
    }
}

impl Slot {
    pub fn new(
        id: String,
        session_id: String,
        start_at: DateTime<Utc>,
        end_at: DateTime<Utc>,
        seats_total: i64,
        seats_taken: i64,
        now: DateTime<Utc>,
    ) -> Slot {
        Slot {
            id,
            session_id,
            start_at,
            end_at,
            seats_total,
            seats_taken,
            seats_left: (seats_total - seats_taken).max(0),
            availability: SlotAvailability::of(now, start_at, seats_total, seats_taken),
            room_url: None,
        }
    }
}

/// What a teacher sends to create (no `id`) or update a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SessionInput {
    pub id: Option<String>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub capacity: i64,
    pub price_cents: i64,
    pub currency: String,
    pub visibility: Visibility,
    #[serde(default)]
    pub recording_url: Option<String>,
    /// The live room: `https://` with a host, at most 2,000 characters.
    #[serde(default)]
    pub room_url: Option<String>,
}

/// A `SessionInput` that passed every rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidSession {
    pub title: String,
    pub description: String,
    pub capacity: i64,
    pub price_cents: i64,
    pub currency: Currency,
    pub visibility: Visibility,
    pub recording_url: Option<String>,
    pub room_url: Option<String>,
}

/// Why a session or slot was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SessionRule {
    #[error("title must be 1–120 characters")]
    Title,
    #[error("description at most 5000 characters")]
    Description,
    #[error("capacity 1–500")]
    Capacity,
    #[error("price 0 or at least the currency's minimum")]
    Price,
    #[error("unsupported currency")]
    Currency,
    #[error("recording URL must be http(s)")]
    RecordingUrl,
    #[error("room URL must be https with a host, at most 2000 characters")]
    RoomUrl,
    #[error("slot times on 15-minute boundaries")]
    SlotBoundary,
    #[error("slot length 15–240 minutes")]
    SlotLength,
    #[error("slot must start in the future")]
    SlotInPast,
    #[error("slot overlaps another")]
    SlotOverlap,
    #[error("seats below seats taken")]
    SeatsBelowTaken,
    #[error("slot has bookings")]
    SlotHasBookings,
}

impl SessionRule {
    pub fn message(self, s: &Strings) -> &'static str {
        match self {
            SessionRule::Title => s.err_session_title,
            SessionRule::Description => s.err_session_description,
            SessionRule::Capacity => s.err_session_capacity,
            SessionRule::Price => s.err_session_price,
            SessionRule::Currency => s.err_session_currency,
            SessionRule::RecordingUrl => s.err_session_recording,
            SessionRule::RoomUrl => s.err_session_room,
            SessionRule::SlotBoundary => s.err_slot_boundary,
            SessionRule::SlotLength => s.err_slot_length,
            SessionRule::SlotInPast => s.err_slot_past,
            SessionRule::SlotOverlap => s.err_slot_overlap,
            SessionRule::SeatsBelowTaken => s.err_slot_seats,
            SessionRule::SlotHasBookings => s.err_slot_has_bookings,
        }
    }
}

pub const TITLE_MAX: usize = 120;
pub const DESCRIPTION_MAX: usize = 5_000;
pub const CAPACITY_MAX: i64 = 500;
pub const ROOM_URL_MAX: usize = 2_000;

/// A web address as stored, trimmed: empty is none; otherwise one of
/// `schemes`, a host, no whitespace or control characters, at most `max`
/// characters. `Err(())` when it is not one. A few string checks rather than
/// the `url` crate, which would add to the browser's WASM for one rule.
fn web_address(input: Option<&str>, schemes: &[&str], max: usize) -> Result<Option<String>, ()> {
    let Some(url) = input.map(str::trim).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    let rest = schemes
        .iter()
        .find_map(|scheme| url.strip_prefix(scheme))
        .ok_or(())?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit('@').next().unwrap_or_default();
    if host.is_empty()
        || host.starts_with(':')
        || url.chars().count() > max
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(());
    }
    Ok(Some(url.to_owned()))
}

/// A room URL as stored: `https://` with a host, at most [`ROOM_URL_MAX`] characters.
pub fn valid_room_url(input: Option<&str>) -> Result<Option<String>, SessionRule> {
    web_address(input, &["https://"], ROOM_URL_MAX).map_err(|()| SessionRule::RoomUrl)
}

impl SessionInput {
    pub fn validate(&self) -> Result<ValidSession, SessionRule> {
        let title = self.title.trim().to_owned();
        if title.is_empty() || title.chars().count() > TITLE_MAX {
            return Err(SessionRule::Title);
        }
        let description = self.description.trim().to_owned();
        if description.chars().count() > DESCRIPTION_MAX {
            return Err(SessionRule::Description);
        }
        if !(1..=CAPACITY_MAX).contains(&self.capacity) {
            return Err(SessionRule::Capacity);
        }
        let currency = Currency::parse(&self.currency).ok_or(SessionRule::Currency)?;
        if self.price_cents != 0 && self.price_cents < currency.stripe_minimum() {
            return Err(SessionRule::Price);
        }
        let recording_url = web_address(
            self.recording_url.as_deref(),
            &["https://", "http://"],
            usize::MAX,
        )
        .map_err(|()| SessionRule::RecordingUrl)?;
        Ok(ValidSession {
            title,
            description,
            capacity: self.capacity,
            price_cents: self.price_cents,
            currency,
            visibility: self.visibility,
            recording_url,
            room_url: valid_room_url(self.room_url.as_deref())?,
        })
    }
}

pub const SLOT_STEP_MINUTES: i64 = 15;
pub const SLOT_MIN_MINUTES: i64 = 15;
pub const SLOT_MAX_MINUTES: i64 = 240;
/// The block lengths the studio palette offers.
pub const PALETTE_MINUTES: [i64; 3] = [30, 45, 60];

/// Rounds an instant to the nearest 15 minutes (what a drop snaps to).
pub fn snap_to_step(at: DateTime<Utc>) -> DateTime<Utc> {
    let step = SLOT_STEP_MINUTES * 60;
    let secs = at.timestamp();
    let snapped = (secs + step / 2).div_euclid(step) * step;
    DateTime::from_timestamp(snapped, 0).unwrap_or(at)
}

/// Checks a slot's times: 15-minute boundaries, 15–240 minutes, in the future.
pub fn check_slot_times(
    start_at: DateTime<Utc>,
    end_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), SessionRule> {
    let on_step = |t: DateTime<Utc>| t.second() == 0 && t.nanosecond() == 0 && t.minute() % 15 == 0;
    if !on_step(start_at) || !on_step(end_at) {
        return Err(SessionRule::SlotBoundary);
    }
    let length = end_at - start_at;
    if length < Duration::minutes(SLOT_MIN_MINUTES) || length > Duration::minutes(SLOT_MAX_MINUTES)
    {
        return Err(SessionRule::SlotLength);
    }
    if start_at <= now {
        return Err(SessionRule::SlotInPast);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 5, 6, h, m, 0)
            .single()
            .expect("valid")
    }

    fn input() -> SessionInput {
        SessionInput {
            id: None,
            title: "Månsken-yoga".into(),
            description: "Mjuk kvällsyoga".into(),
            capacity: 12,
            price_cents: 15_000,
            currency: "SEK".into(),
            visibility: Visibility::Draft,
            recording_url: None,
            room_url: None,
        }
    }

    #[test]
    fn room_urls_are_https_with_a_host_and_bounded() {
        for good in [
            "https://zoom.us/j/123?pwd=x",
            "https://meet.google.com/abc-defg-hij",
            " https://meet.jit.si/Aveli ",
        ] {
            assert_eq!(
                valid_room_url(Some(good)),
                Ok(Some(good.trim().to_owned())),
                "{good}"
            );
        }
        assert_eq!(valid_room_url(None), Ok(None));
        assert_eq!(valid_room_url(Some("  ")), Ok(None));
        let long = format!("https://x.example/{}", "a".repeat(ROOM_URL_MAX));
        for bad in [
            "http://zoom.us/j/1",
            "https://",
            "https:///path",
            "https://:443/x",
            "javascript:alert(1)",
            "https://zoom.us/j/1 extra",
            "https://zoom.us/\u{0}",
            long.as_str(),
        ] {
            assert_eq!(
                valid_room_url(Some(bad)),
                Err(SessionRule::RoomUrl),
                "{bad}"
            );
        }
    }

    #[test]
    fn availability_thresholds() {
        let now = at(8, 0);
        let start = at(10, 0);
        assert_eq!(
            SlotAvailability::of(now, start, 10, 0),
            SlotAvailability::Upcoming
        );
        assert_eq!(
            SlotAvailability::of(now, start, 10, 7),
            SlotAvailability::Upcoming
        );
        // 2 left of 10 is both ≤ 20 % and ≤ 2 seats.
        assert_eq!(
            SlotAvailability::of(now, start, 10, 8),
            SlotAvailability::AlmostFull
        );
        // 20 % of 100 is 20 seats.
        assert_eq!(
            SlotAvailability::of(now, start, 100, 80),
            SlotAvailability::AlmostFull
        );
        assert_eq!(
            SlotAvailability::of(now, start, 100, 79),
            SlotAvailability::Upcoming
        );
        // Small slots: 2 seats left of 4 is 50 % but still only 2 seats.
        assert_eq!(
            SlotAvailability::of(now, start, 4, 2),
            SlotAvailability::AlmostFull
        );
        assert_eq!(
            SlotAvailability::of(now, start, 4, 1),
            SlotAvailability::Upcoming
        );
        assert_eq!(
            SlotAvailability::of(now, start, 10, 10),
            SlotAvailability::Full
        );
        assert_eq!(
            SlotAvailability::of(start, start, 10, 0),
            SlotAvailability::Past
        );
        assert!(!SlotAvailability::Full.bookable());
        assert!(SlotAvailability::AlmostFull.bookable());
    }

    #[test]
    fn snapping_to_quarter_hours() {
        assert_eq!(snap_to_step(at(10, 7)), at(10, 0));
        assert_eq!(snap_to_step(at(10, 8)), at(10, 15));
        assert_eq!(snap_to_step(at(10, 52)), at(10, 45));
        assert_eq!(snap_to_step(at(10, 53)), at(11, 0));
        assert_eq!(snap_to_step(at(10, 30)), at(10, 30));
    }

    #[test]
    fn slot_time_rules() {
        let now = at(8, 0);
        assert_eq!(check_slot_times(at(10, 0), at(10, 45), now), Ok(()));
        assert_eq!(
            check_slot_times(at(10, 5), at(10, 50), now),
            Err(SessionRule::SlotBoundary)
        );
        assert_eq!(
            check_slot_times(at(10, 0), at(10, 0), now),
            Err(SessionRule::SlotLength)
        );
        assert_eq!(
            check_slot_times(at(10, 0), at(14, 15), now),
            Err(SessionRule::SlotLength)
        );
        assert_eq!(check_slot_times(at(10, 0), at(14, 0), now), Ok(()));
        assert_eq!(
            check_slot_times(at(7, 0), at(7, 30), now),
            Err(SessionRule::SlotInPast)
        );
    }

    #[test]
    fn session_rules() {
        assert!(input().validate().is_ok());
        let cases: Vec<(SessionInput, SessionRule)> = vec![
            (
                SessionInput {
                    title: "  ".into(),
                    ..input()
                },
                SessionRule::Title,
            ),
            (
                SessionInput {
                    title: "x".repeat(121),
                    ..input()
                },
                SessionRule::Title,
            ),
            (
                SessionInput {
                    description: "x".repeat(5_001),
                    ..input()
                },
                SessionRule::Description,
            ),
            (
                SessionInput {
                    capacity: 0,
                    ..input()
                },
                SessionRule::Capacity,
            ),
            (
                SessionInput {
                    capacity: 501,
                    ..input()
                },
                SessionRule::Capacity,
            ),
            (
                SessionInput {
                    price_cents: 299,
                    ..input()
                },
                SessionRule::Price,
            ),
            (
                SessionInput {
                    currency: "JPY".into(),
                    ..input()
                },
                SessionRule::Currency,
            ),
            (
                SessionInput {
                    recording_url: Some("javascript:alert(1)".into()),
                    ..input()
                },
                SessionRule::RecordingUrl,
            ),
            (
                SessionInput {
                    recording_url: Some("ftp://x.example/v".into()),
                    ..input()
                },
                SessionRule::RecordingUrl,
            ),
        ];
        for (case, rule) in cases {
            assert_eq!(case.validate(), Err(rule));
        }
        assert!(
            SessionInput {
                price_cents: 0,
                ..input()
            }
            .validate()
            .is_ok(),
            "free is fine"
        );
        assert!(SessionInput {
            price_cents: 50,
            currency: "EUR".into(),
            ..input()
        }
        .validate()
        .is_ok());
        assert!(SessionInput {
            title: "x".repeat(120),
            ..input()
        }
        .validate()
        .is_ok());
        let valid = SessionInput {
            recording_url: Some(" https://video.example/r/1 ".into()),
            ..input()
        }
        .validate()
        .expect("valid");
        assert_eq!(
            valid.recording_url.as_deref(),
            Some("https://video.example/r/1")
        );
    }

    #[test]
    fn typed_prices_become_minor_units() {
        assert_eq!(parse_price_input("150"), Some(15_000));
        assert_eq!(parse_price_input("99,50"), Some(9_950));
        assert_eq!(parse_price_input("99.5"), Some(9_950));
        assert_eq!(parse_price_input(""), Some(0));
        assert_eq!(parse_price_input("abc"), None);
        assert_eq!(parse_price_input("1.234"), None);
        assert_eq!(parse_price_input("-5"), None);
    }

    #[test]
    fn prices_read_naturally() {
        assert_eq!(format_price(15_000, Currency::SEK, "Gratis"), "150 SEK");
        assert_eq!(format_price(9_950, Currency::EUR, "Gratis"), "99,50 EUR");
        assert_eq!(format_price(0, Currency::SEK, "Gratis"), "Gratis");
    }
}
