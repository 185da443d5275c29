//! Where things sit on the studio's week grid: the hours shown, the 15-minute
//! rows, the cell names and the placement of a slot. Pure, so it is tested
//! without a browser.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

use crate::model::calendar::{local_date, local_minutes, local_to_utc};
use crate::model::session::SLOT_STEP_MINUTES;

/// One row of the grid, in minutes (the slots' snapping step).
pub const STEP: u32 = SLOT_STEP_MINUTES as u32;
/// The first local minute shown (06:00).
pub const FIRST_MINUTE: u32 = 6 * 60;
/// The end of the last row shown (24:00, so 23:00–24:00 is the last hour).
pub const END_MINUTE: u32 = 24 * 60;

/// The start minute of every row, top to bottom.
pub fn row_minutes() -> impl Iterator<Item = u32> {
    (FIRST_MINUTE..END_MINUTE).step_by(STEP as usize)
}

/// The row (0-based) of a local minute of the day.
pub fn row_of(minute: u32) -> u32 {
    (minute.saturating_sub(FIRST_MINUTE)) / STEP
}

/// "10:00".
pub fn clock(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// The name of a cell, "cell-2026-03-04-1000": its element id and test hook.
pub fn cell_id(date: NaiveDate, minute: u32) -> String {
    format!(
        "cell-{}-{:02}{:02}",
        date.format("%Y-%m-%d"),
        minute / 60,
        minute % 60
    )
}

/// The local date and minute a cell name stands for.
pub fn parse_cell_id(id: &str) -> Option<(NaiveDate, u32)> {
    let rest = id.strip_prefix("cell-")?;
    let (date, time) = rest.rsplit_once('-')?;
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let time = NaiveTime::parse_from_str(time, "%H%M").ok()?;
    let minute = chrono::Timelike::hour(&time) * 60 + chrono::Timelike::minute(&time);
    Some((date, minute))
}

/// A block's place on the grid: day column (0 = Monday), first row, rows spanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub day: usize,
    pub row: u32,
    pub span: u32,
}

impl Placement {
    /// The block's CSS grid area; column 1 and row 1 hold the hours and the day headers.
    pub fn style(self) -> String {
        format!(
            "grid-column:{};grid-row:{} / span {}",
            self.day + 2,
            self.row + 2,
            self.span
        )
    }
}

/// Where a block starting at a local date and minute and lasting `minutes`
/// sits, clipped to the hours shown; `None` when nothing of it is visible.
pub fn place_local(
    days: &[NaiveDate; 7],
    date: NaiveDate,
    minute: u32,
    minutes: u32,
) -> Option<Placement> {
    let day = days.iter().position(|d| *d == date)?;
    let from = minute.max(FIRST_MINUTE);
    let to = minute.saturating_add(minutes).min(END_MINUTE);
    if to <= from {
        return None;
    }
    Some(Placement {
        day,
        row: row_of(from),
        span: (to - from).div_ceil(STEP),
    })
}

/// Where a slot sits in the week, in the teacher's zone. Its height is its
/// real length, so a slot is drawn right on the days the clocks change.
pub fn place_slot(
    tz: Tz,
    days: &[NaiveDate; 7],
    start_at: DateTime<Utc>,
    end_at: DateTime<Utc>,
) -> Option<Placement> {
    let minutes = u32::try_from((end_at - start_at).num_minutes()).ok()?;
    place_local(
        days,
        local_date(tz, start_at),
        local_minutes(tz, start_at),
        minutes,
    )
}

/// The same local clock time `days` days later (or earlier): what a slot
/// moved by a day keeps, also across a daylight-saving change.
pub fn shift_days(tz: Tz, at: DateTime<Utc>, days: i64) -> Option<DateTime<Utc>> {
    let date = local_date(tz, at).checked_add_signed(chrono::Duration::days(days))?;
    Some(local_to_utc(tz, date, local_minutes(tz, at)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::calendar::week_days;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn cell_names_round_trip() {
        let id = cell_id(date(2026, 3, 4), 600);
        assert_eq!(id, "cell-2026-03-04-1000");
        assert_eq!(parse_cell_id(&id), Some((date(2026, 3, 4), 600)));
        assert_eq!(
            parse_cell_id("cell-2026-03-04-0615"),
            Some((date(2026, 3, 4), 375))
        );
        assert_eq!(parse_cell_id("slot-2026-03-04-1000"), None);
        assert_eq!(parse_cell_id("cell-2026-13-04-1000"), None);
    }

    #[test]
    fn the_grid_shows_06_to_24_in_quarters() {
        assert_eq!(row_minutes().count(), 72);
        assert_eq!(row_minutes().next(), Some(360));
        assert_eq!(row_minutes().last(), Some(1425));
        assert_eq!(clock(375), "06:15");
    }

    #[test]
    fn slots_are_placed_and_clipped() {
        let days = week_days(date(2026, 3, 2));
        assert_eq!(
            place_local(&days, date(2026, 3, 4), 600, 45),
            Some(Placement {
                day: 2,
                row: 16,
                span: 3
            })
        );
        // Starts before 06:00: only the visible part.
        assert_eq!(
            place_local(&days, date(2026, 3, 2), 330, 60),
            Some(Placement {
                day: 0,
                row: 0,
                span: 2
            })
        );
        // Runs past midnight: clipped at 24:00.
        assert_eq!(
            place_local(&days, date(2026, 3, 8), 1410, 60),
            Some(Placement {
                day: 6,
                row: 70,
                span: 2
            })
        );
        assert_eq!(place_local(&days, date(2026, 3, 2), 300, 30), None);
        assert_eq!(place_local(&days, date(2026, 3, 9), 600, 30), None);
    }

    #[test]
    fn ten_o_clock_sits_at_ten_on_both_dst_sundays() {
        let tz = chrono_tz::Europe::Stockholm;
        for monday in [date(2026, 3, 23), date(2026, 10, 19)] {
            let days = week_days(monday);
            let start = local_to_utc(tz, days[6], 600);
            let end = start + chrono::Duration::minutes(45);
            assert_eq!(
                place_slot(tz, &days, start, end),
                Some(Placement {
                    day: 6,
                    row: 16,
                    span: 3
                })
            );
        }
    }

    #[test]
    fn a_day_later_keeps_the_clock_time_across_dst() {
        let tz = chrono_tz::Europe::Stockholm;
        let saturday = local_to_utc(tz, date(2026, 3, 28), 600);
        let sunday = local_to_utc(tz, date(2026, 3, 29), 600);
        assert_eq!(shift_days(tz, saturday, 1), Some(sunday));
        assert_eq!(shift_days(tz, sunday, -1), Some(saturday));
        assert_eq!((sunday - saturday).num_hours(), 23);
    }
}
