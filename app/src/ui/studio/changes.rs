//! Optimistic slot changes: what the grid shows is the last list loaded from
//! the server with the changes sent since laid over it. A refused change is
//! dropped (the rollback); an accepted one stays until a reload that already
//! contains it arrives, so nothing flickers in between.

use chrono::{DateTime, Utc};

use crate::model::session::Slot;

/// Ids of slots the server has not confirmed yet start with this.
pub const PENDING_PREFIX: &str = "pending-";

pub fn is_pending(slot_id: &str) -> bool {
    slot_id.starts_with(PENDING_PREFIX)
}

#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Add(Slot),
    Move {
        id: String,
        start_at: DateTime<Utc>,
        end_at: DateTime<Utc>,
    },
    Delete(String),
}

/// A change sent to the server.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub key: u64,
    pub change: Change,
    /// The reload version that includes it, once the server accepted it.
    pub settled_in: Option<u32>,
}

impl Pending {
    /// Whether the list loaded at `loaded_version` still lacks this change.
    pub fn still_needed(&self, loaded_version: u32) -> bool {
        self.settled_in.is_none_or(|v| v > loaded_version)
    }
}

/// The slots to show: `loaded` (fetched at `loaded_version`) with the
/// changes it does not contain yet applied in the order they were made.
pub fn apply(loaded: &[Slot], loaded_version: u32, pending: &[Pending]) -> Vec<Slot> {
    let mut slots = loaded.to_vec();
    for p in pending.iter().filter(|p| p.still_needed(loaded_version)) {
        match &p.change {
            Change::Add(slot) => slots.push(slot.clone()),
            Change::Move {
                id,
                start_at,
                end_at,
            } => {
                if let Some(slot) = slots.iter_mut().find(|s| s.id == *id) {
                    slot.start_at = *start_at;
                    slot.end_at = *end_at;
                }
            }
            Change::Delete(id) => slots.retain(|s| s.id != *id),
        }
    }
    slots
}

/// Whether `[start_at, end_at)` overlaps one of `slots` other than `except`.
pub fn overlaps(
    slots: &[Slot],
    start_at: DateTime<Utc>,
    end_at: DateTime<Utc>,
    except: Option<&str>,
) -> bool {
    slots
        .iter()
        .filter(|s| Some(s.id.as_str()) != except)
        .any(|s| s.start_at < end_at && start_at < s.end_at)
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

    fn slot(id: &str, h: u32) -> Slot {
        Slot::new(id.into(), "s".into(), at(h, 0), at(h, 45), 12, 0, at(0, 0))
    }

    fn pending(key: u64, change: Change, settled_in: Option<u32>) -> Pending {
        Pending {
            key,
            change,
            settled_in,
        }
    }

    #[test]
    fn changes_show_until_a_reload_contains_them() {
        let loaded = vec![slot("a", 10), slot("b", 12)];
        let changes = vec![
            pending(1, Change::Add(slot("pending-1", 14)), None),
            pending(
                2,
                Change::Move {
                    id: "a".into(),
                    start_at: at(11, 0),
                    end_at: at(11, 45),
                },
                Some(3),
            ),
            pending(3, Change::Delete("b".into()), Some(2)),
        ];
        let shown = apply(&loaded, 2, &changes);
        let ids: Vec<_> = shown.iter().map(|s| s.id.as_str()).collect();
        // The delete is already in version 2; the move (version 3) is not.
        assert_eq!(ids, ["a", "b", "pending-1"]);
        assert_eq!(shown[0].start_at, at(11, 0));
        assert_eq!(apply(&loaded, 3, &changes)[0].start_at, at(10, 0));
        assert!(is_pending(&shown[2].id));
    }

    #[test]
    fn overlap_is_half_open_and_ignores_the_moving_slot() {
        let slots = vec![slot("a", 10)];
        assert!(overlaps(&slots, at(10, 30), at(11, 0), None));
        assert!(!overlaps(&slots, at(10, 45), at(11, 30), None));
        assert!(!overlaps(&slots, at(9, 15), at(10, 0), None));
        assert!(!overlaps(&slots, at(10, 15), at(11, 0), Some("a")));
    }
}
