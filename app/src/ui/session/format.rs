//! How the session page words dates, periods and seats.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::i18n::Strings;
use crate::model::calendar::{local_date, week_days};
use crate::model::session::SlotAvailability;

/// "tis 12 maj" / "Tue 12 May".
pub fn day_label(t: &Strings, date: NaiveDate) -> String {
    format!(
        "{} {} {}",
        t.weekdays_short[date.weekday().num_days_from_monday() as usize],
        date.day(),
        t.months_short[date.month0() as usize]
    )
}

/// "tis 12 maj 2026": the day of an instant, in a zone, with its year.
pub fn day_label_with_year(t: &Strings, tz: Tz, at: DateTime<Utc>) -> String {
    let date = local_date(tz, at);
    format!("{} {}", day_label(t, date), date.year())
}

/// "Maj 2026": the heading of a month.
pub fn month_title(t: &Strings, date: NaiveDate) -> String {
    let name = t.month_names[date.month0() as usize];
    let mut chars = name.chars();
    let capital: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    format!("{capital}{} {}", chars.as_str(), date.year())
}

/// "12 maj – 18 maj 2026": the heading of the week starting at `monday`.
pub fn week_title(t: &Strings, monday: NaiveDate) -> String {
    let sunday = week_days(monday)[6];
    let short = |d: NaiveDate| format!("{} {}", d.day(), t.months_short[d.month0() as usize]);
    format!("{} – {} {}", short(monday), short(sunday), sunday.year())
}

/// "1 plats kvar" / "5 platser kvar".
pub fn seats_text(t: &Strings, seats_left: i64) -> String {
    let words = if seats_left == 1 {
        t.seat_left
    } else {
        t.seats_left
    };
    format!("{seats_left} {words}")
}

/// What a slot's chip says besides its time, so colour is never the only signal.
pub fn status_text(t: &Strings, availability: SlotAvailability, seats_left: i64) -> String {
    match availability {
        SlotAvailability::Upcoming | SlotAvailability::AlmostFull => seats_text(t, seats_left),
        SlotAvailability::Full => t.avail_full.to_owned(),
        SlotAvailability::Past => t.avail_past.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, SV};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn dates_read_naturally_in_both_languages() {
        assert_eq!(day_label(&SV, date(2026, 5, 12)), "tis 12 maj");
        assert_eq!(day_label(&EN, date(2026, 5, 12)), "Tue 12 May");
        assert_eq!(month_title(&SV, date(2026, 5, 12)), "Maj 2026");
        assert_eq!(month_title(&EN, date(2026, 12, 1)), "December 2026");
        assert_eq!(week_title(&SV, date(2026, 12, 28)), "28 dec – 3 jan 2027");
    }

    #[test]
    fn seats_and_states_are_spelled_out() {
        assert_eq!(seats_text(&SV, 1), "1 plats kvar");
        assert_eq!(seats_text(&SV, 5), "5 platser kvar");
        assert_eq!(
            status_text(&EN, SlotAvailability::AlmostFull, 2),
            "2 seats left"
        );
        assert_eq!(status_text(&SV, SlotAvailability::Full, 0), "Fullbokad");
        assert_eq!(status_text(&SV, SlotAvailability::Past, 3), "Passerad");
    }
}
