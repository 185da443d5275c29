//! The studio's shared state: the week on screen, the chosen session and
//! duration, the teacher's sessions and the week's slots with the changes
//! still on their way to the server. Provided as context to the studio's parts.

use chrono::{Days, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use leptos::prelude::*;

use super::changes::{apply, Pending};
use super::drag::{Drag, Ghost};
use super::status::{SessionEntry, SessionStatus};
use crate::api::studio::{my_sessions, my_slots};
use crate::model::calendar::{local_date, start_of_day, week_start};
use crate::model::session::{Session, Slot};
use crate::model::AppError;
use crate::ui::i18n_context::I18n;

/// How far ahead "every upcoming slot" looks when deciding that a session is full.
const UPCOMING_DAYS: i64 = 3 * 365;

#[derive(Clone, Copy)]
pub struct StudioState {
    pub i18n: I18n,
    /// The teacher's time zone: the grid's days and hours are theirs.
    pub tz: Tz,
    /// Monday of the week on screen.
    pub week: RwSignal<NaiveDate>,
    /// Today in the teacher's zone, known only once the page runs in the
    /// browser (so the server's and the browser's first render agree).
    pub today: RwSignal<Option<NaiveDate>>,
    /// The block length for Enter on a cell (the palette's radio buttons).
    pub duration: RwSignal<i64>,
    /// The session new slots go to.
    pub selected: RwSignal<Option<String>>,
    /// The slot whose details (room, start link, attendees) are open.
    pub opened: RwSignal<Option<String>>,
    /// What the editor was opened on: a session, or `None` for a new one.
    pub editing: RwSignal<Option<Session>>,
    pub sessions: Resource<Result<Vec<SessionEntry>, AppError>>,
    pub(super) sessions_version: RwSignal<u32>,
    /// The week's slots and the reload version they were fetched at.
    loaded: Resource<Result<(u32, Vec<Slot>), AppError>>,
    pub(super) version: RwSignal<u32>,
    pub(super) pending: RwSignal<Vec<Pending>>,
    pub(super) next_key: StoredValue<u64>,
    /// The week's slots as shown: loaded, with pending changes applied.
    pub slots: Memo<Vec<Slot>>,
    /// The last refusal, in the user's language.
    pub error: RwSignal<Option<String>>,
    pub drag: RwSignal<Option<Drag>>,
    pub ghost: RwSignal<Option<Ghost>>,
}

impl StudioState {
    pub fn new(i18n: I18n, tz: Tz) -> StudioState {
        let week = RwSignal::new(week_start(local_date(tz, Utc::now())));
        let version = RwSignal::new(0_u32);
        let sessions_version = RwSignal::new(0_u32);
        let pending = RwSignal::new(Vec::<Pending>::new());
        let sessions = Resource::new(move || sessions_version.get(), |_| load_sessions());
        let loaded = Resource::new(
            move || (week.get(), version.get()),
            move |(monday, v)| async move {
                let (from, to) = week_range(tz, monday);
                my_slots(from, to).await.map(|slots| (v, slots))
            },
        );
        let slots = Memo::new(move |_| {
            pending.with(|pending| {
                loaded.with(|loaded| match loaded {
                    Some(Ok((v, base))) => apply(base, *v, pending),
                    _ => apply(&[], 0, pending),
                })
            })
        });
        StudioState {
            i18n,
            tz,
            week,
            today: RwSignal::new(None),
            duration: RwSignal::new(45),
            selected: RwSignal::new(None),
            editing: RwSignal::new(None),
            opened: RwSignal::new(None),
            sessions,
            sessions_version,
            loaded,
            version,
            pending,
            next_key: StoredValue::new(0),
            slots,
            error: RwSignal::new(None),
            drag: RwSignal::new(None),
            ghost: RwSignal::new(None),
        }
    }

    /// Why the sessions or the week could not be loaded, if they could not.
    pub fn load_error(self) -> Option<String> {
        let failed = |e: &AppError| e.message.clone();
        self.sessions
            .with(|r| r.as_ref().and_then(|r| r.as_ref().err().map(failed)))
            .or_else(|| {
                self.loaded
                    .with(|r| r.as_ref().and_then(|r| r.as_ref().err().map(failed)))
            })
    }

    /// The reload version of the slots on screen.
    pub(super) fn loaded_version(self) -> u32 {
        self.loaded.with_untracked(|r| match r {
            Some(Ok((v, _))) => *v,
            _ => 0,
        })
    }

    /// A session of the list, by id (untracked: for event handlers).
    pub fn session(self, id: &str) -> Option<Session> {
        self.sessions.with_untracked(|r| {
            r.as_ref()
                .and_then(|r| r.as_ref().ok())
                .and_then(|list| list.iter().find(|e| e.session.id == id))
                .map(|e| e.session.clone())
        })
    }

    /// A session's title, tracked (for rendering).
    pub fn title_of(self, id: &str) -> String {
        self.sessions
            .with(|r| {
                r.as_ref()
                    .and_then(|r| r.as_ref().ok())
                    .and_then(|list| list.iter().find(|e| e.session.id == id))
                    .map(|e| e.session.title.clone())
            })
            .unwrap_or_default()
    }

    /// Reloads the week's slots (after a change made outside the grid).
    pub fn reload_slots(self) {
        self.version.update(|v| *v += 1);
    }

    /// Reloads the session list (after a save or a slot change).
    pub fn reload_sessions(self) {
        self.sessions_version.update(|v| *v += 1);
    }
}

/// The instants a local week covers, Monday 00:00 to the next Monday 00:00.
pub fn week_range(tz: Tz, monday: NaiveDate) -> (chrono::DateTime<Utc>, chrono::DateTime<Utc>) {
    let next = monday.checked_add_days(Days::new(7)).unwrap_or(monday);
    (start_of_day(tz, monday), start_of_day(tz, next))
}

/// The teacher's sessions, each with its status over all upcoming slots.
async fn load_sessions() -> Result<Vec<SessionEntry>, AppError> {
    let now = Utc::now();
    let sessions = my_sessions().await?;
    let upcoming = my_slots(now, now + Duration::days(UPCOMING_DAYS)).await?;
    Ok(sessions
        .into_iter()
        .map(|session| SessionEntry {
            status: SessionStatus::of(&session, &upcoming),
            session,
        })
        .collect())
}

pub fn use_studio() -> StudioState {
    expect_context::<StudioState>()
}
