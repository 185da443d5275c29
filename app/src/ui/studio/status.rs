//! A session's status in the studio list: 🌑 draft, 🌓 published, 🌕 full.

use serde::{Deserialize, Serialize};

use crate::i18n::Strings;
use crate::model::session::{Session, Slot, SlotAvailability, Visibility};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SessionStatus {
    Draft,
    Published,
    /// Published, with upcoming slots and no seat left on any of them.
    Full,
}

impl SessionStatus {
    /// `upcoming`: the teacher's slots from now on (any session).
    pub fn of(session: &Session, upcoming: &[Slot]) -> SessionStatus {
        if session.visibility == Visibility::Draft {
            return SessionStatus::Draft;
        }
        let mut own = upcoming
            .iter()
            .filter(|s| s.session_id == session.id && s.availability != SlotAvailability::Past)
            .peekable();
        if own.peek().is_some() && own.all(|s| s.seats_left == 0) {
            SessionStatus::Full
        } else {
            SessionStatus::Published
        }
    }

    pub fn icon(self) -> &'static str {
        match self {
            SessionStatus::Draft => "🌑",
            SessionStatus::Published => "🌓",
            SessionStatus::Full => "🌕",
        }
    }

    pub fn label(self, t: &Strings) -> &'static str {
        match self {
            SessionStatus::Draft => t.status_draft,
            SessionStatus::Published => t.status_published,
            SessionStatus::Full => t.status_full,
        }
    }
}

/// A session with its status, as the studio list loads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionEntry {
    pub session: Session,
    pub status: SessionStatus,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::session::Currency;
    use chrono::{DateTime, TimeZone, Utc};

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 5, 6, h, 0, 0)
            .single()
            .expect("valid")
    }

    fn session(visibility: Visibility) -> Session {
        Session {
            id: "s".into(),
            teacher_id: "t".into(),
            teacher_name: "Luna".into(),
            title: "Yoga".into(),
            description: String::new(),
            start_at: None,
            end_at: None,
            capacity: 2,
            price_cents: 0,
            currency: Currency::SEK,
            visibility,
            next_slot_at: None,
            has_recording: false,
            recording_url: None,
            room_url: None,
        }
    }

    fn slot(session_id: &str, h: u32, taken: i64) -> Slot {
        Slot::new(
            format!("{session_id}-{h}"),
            session_id.into(),
            at(h),
            at(h + 1),
            2,
            taken,
            at(0),
        )
    }

    #[test]
    fn status_follows_visibility_and_seats() {
        let published = session(Visibility::Published);
        assert_eq!(
            SessionStatus::of(&session(Visibility::Draft), &[]),
            SessionStatus::Draft
        );
        assert_eq!(SessionStatus::of(&published, &[]), SessionStatus::Published);
        let full = [slot("s", 10, 2), slot("s", 12, 2), slot("other", 14, 0)];
        assert_eq!(SessionStatus::of(&published, &full), SessionStatus::Full);
        let one_free = [slot("s", 10, 2), slot("s", 12, 1)];
        assert_eq!(
            SessionStatus::of(&published, &one_free),
            SessionStatus::Published
        );
    }
}
