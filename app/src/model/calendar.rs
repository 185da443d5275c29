//! Calendar maths in a person's time zone: which instants a local day and a
//! local clock time are, across daylight-saving changes. Shared by the
//! server (rules, tests) and the browser (the week and month grids).

use chrono::{
    DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
    Weekday,
};
use chrono_tz::Tz;

/// The zone used when a person has none (or an unknown one).
pub const DEFAULT_TIME_ZONE: Tz = chrono_tz::Europe::Stockholm;

pub fn parse_time_zone(name: &str) -> Tz {
    name.parse().unwrap_or(DEFAULT_TIME_ZONE)
}

/// The instant of a local date and clock time. In the spring gap (a clock
/// time that does not exist) it is the first instant after the gap; in the
/// autumn fold (a clock time that happens twice) it is the first of the two.
pub fn local_to_utc(tz: Tz, date: NaiveDate, minutes_after_midnight: u32) -> DateTime<Utc> {
    let naive = NaiveDateTime::new(date, NaiveTime::MIN)
        + chrono::Duration::minutes(i64::from(minutes_after_midnight));
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // Spring forward: walk to the first local minute that exists.
            let mut probe = naive;
            for _ in 0..180 {
                probe += chrono::Duration::minutes(1);
                if let Some(t) = tz.from_local_datetime(&probe).earliest() {
                    return t.with_timezone(&Utc);
                }
            }
            Utc.from_utc_datetime(&naive)
        }
    }
}

/// Start (local midnight) of a local date, as an instant.
pub fn start_of_day(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    local_to_utc(tz, date, 0)
}

/// The local date of an instant.
pub fn local_date(tz: Tz, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// Minutes after local midnight of an instant (for placing it on a grid).
pub fn local_minutes(tz: Tz, at: DateTime<Utc>) -> u32 {
    let local = at.with_timezone(&tz);
    local.hour_minute()
}

trait HourMinute {
    fn hour_minute(&self) -> u32;
}

impl<T: chrono::Timelike> HourMinute for T {
    fn hour_minute(&self) -> u32 {
        self.hour() * 60 + self.minute()
    }
}

/// The Monday of the week containing a date (weeks start on Monday, as in Sweden).
pub fn week_start(date: NaiveDate) -> NaiveDate {
    let back = u64::from(date.weekday().num_days_from_monday());
    date.checked_sub_days(Days::new(back)).unwrap_or(date)
}

/// The seven dates of the week starting at `monday`.
pub fn week_days(monday: NaiveDate) -> [NaiveDate; 7] {
    let mut days = [monday; 7];
    for (i, day) in days.iter_mut().enumerate() {
        *day = monday
            .checked_add_days(Days::new(i as u64))
            .unwrap_or(monday);
    }
    days
}

/// The dates shown for a month: whole weeks from the Monday on or before the
/// 1st to the Sunday on or after the last day.
pub fn month_grid(year: i32, month: u32) -> Vec<NaiveDate> {
    let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
        return Vec::new();
    };
    let mut day = week_start(first);
    let mut days = Vec::with_capacity(42);
    loop {
        days.push(day);
        let Some(next) = day.succ_opt() else { break };
        if day.weekday() == Weekday::Sun
            && (next.month() != month || next.year() != year)
            && next > first
        {
            break;
        }
        day = next;
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("rfc3339")
            .with_timezone(&Utc)
    }

    #[test]
    fn ten_o_clock_in_stockholm_across_both_dst_changes() {
        let tz = chrono_tz::Europe::Stockholm;
        // Summer time starts on the last Sunday of March (2026-03-29).
        assert_eq!(
            local_to_utc(tz, date(2026, 3, 28), 600),
            utc("2026-03-28T09:00:00Z")
        );
        assert_eq!(
            local_to_utc(tz, date(2026, 3, 29), 600),
            utc("2026-03-29T08:00:00Z")
        );
        assert_eq!(
            local_to_utc(tz, date(2026, 3, 30), 600),
            utc("2026-03-30T08:00:00Z")
        );
        // And ends on the last Sunday of October (2026-10-25).
        assert_eq!(
            local_to_utc(tz, date(2026, 10, 24), 600),
            utc("2026-10-24T08:00:00Z")
        );
        assert_eq!(
            local_to_utc(tz, date(2026, 10, 25), 600),
            utc("2026-10-25T09:00:00Z")
        );
        assert_eq!(
            local_to_utc(tz, date(2026, 10, 26), 600),
            utc("2026-10-26T09:00:00Z")
        );
    }

    #[test]
    fn gap_and_fold_resolve_predictably() {
        let tz = chrono_tz::Europe::Stockholm;
        // 02:30 does not exist on 2026-03-29: the first instant after the gap (03:00 CEST).
        assert_eq!(
            local_to_utc(tz, date(2026, 3, 29), 150),
            utc("2026-03-29T01:00:00Z")
        );
        // 02:30 happens twice on 2026-10-25: the first one (CEST).
        assert_eq!(
            local_to_utc(tz, date(2026, 10, 25), 150),
            utc("2026-10-25T00:30:00Z")
        );
        // The short and the long day.
        let short = start_of_day(tz, date(2026, 3, 30)) - start_of_day(tz, date(2026, 3, 29));
        let long = start_of_day(tz, date(2026, 10, 26)) - start_of_day(tz, date(2026, 10, 25));
        assert_eq!(short.num_hours(), 23);
        assert_eq!(long.num_hours(), 25);
    }

    #[test]
    fn local_views_of_an_instant() {
        let tz = chrono_tz::Europe::Stockholm;
        let at = utc("2026-10-25T23:30:00Z");
        assert_eq!(local_date(tz, at), date(2026, 10, 26));
        assert_eq!(local_minutes(tz, at), 30);
    }

    #[test]
    fn weeks_start_on_monday_and_months_fill_whole_weeks() {
        assert_eq!(week_start(date(2026, 11, 27)), date(2026, 11, 23));
        assert_eq!(week_start(date(2026, 11, 23)), date(2026, 11, 23));
        assert_eq!(week_days(date(2026, 11, 23))[6], date(2026, 11, 29));
        let grid = month_grid(2026, 11);
        assert_eq!(grid.first(), Some(&date(2026, 10, 26)));
        assert_eq!(grid.last(), Some(&date(2026, 12, 6)));
        assert_eq!(grid.len(), 42);
        assert_eq!(grid.len() % 7, 0);
        let february = month_grid(2027, 2);
        assert_eq!(february.first(), Some(&date(2027, 2, 1)));
        assert_eq!(february.len(), 28);
    }

    #[test]
    fn unknown_zone_falls_back_to_stockholm() {
        assert_eq!(
            parse_time_zone("Mars/Olympus"),
            chrono_tz::Europe::Stockholm
        );
        assert_eq!(parse_time_zone("Europe/Oslo"), chrono_tz::Europe::Oslo);
    }
}
