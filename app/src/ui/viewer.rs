//! The viewer's time zone: the signed-in user's, else Stockholm. Read it
//! inside `<Suspense>` so server and browser render the same times.

use chrono_tz::Tz;
use leptos::prelude::*;

use crate::model::calendar::{parse_time_zone, DEFAULT_TIME_ZONE};
use crate::ui::app::use_auth;

pub fn viewer_time_zone() -> Tz {
    use_auth()
        .user
        .get()
        .and_then(Result::ok)
        .flatten()
        .map(|user| parse_time_zone(&user.time_zone))
        .unwrap_or(DEFAULT_TIME_ZONE)
}
