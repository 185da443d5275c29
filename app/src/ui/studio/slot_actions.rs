//! Creating, moving and deleting slots: checked here first with the shared
//! rules, shown at once, sent to the server, and rolled back with the
//! server's reason when it refuses.

use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::changes::{is_pending, overlaps, Change, Pending, PENDING_PREFIX};
use super::state::StudioState;
use crate::api::studio::{add_slot, delete_slot, move_slot};
use crate::model::session::{check_slot_times, SessionRule, Slot};
use crate::model::AppError;

impl StudioState {
    /// The rule a slot at these times would break, judged on what is shown.
    pub fn check(
        self,
        start_at: DateTime<Utc>,
        end_at: DateTime<Utc>,
        moving: Option<&str>,
    ) -> Result<(), SessionRule> {
        check_slot_times(start_at, end_at, Utc::now())?;
        let clash = self
            .slots
            .with_untracked(|slots| overlaps(slots, start_at, end_at, moving));
        if clash {
            return Err(SessionRule::SlotOverlap);
        }
        Ok(())
    }

    /// A new slot of the selected session.
    pub fn create(self, start_at: DateTime<Utc>, minutes: i64) {
        let Some(session_id) = self.selected.get_untracked() else {
            self.error
                .set(Some(self.i18n.t().studio_select_session.to_owned()));
            return;
        };
        let end_at = start_at + Duration::minutes(minutes);
        if !self.passes(start_at, end_at, None) {
            return;
        }
        // A session saved a moment ago may not be in the list yet: its seats
        // then show once the week reloads.
        let seats = self.session(&session_id).map_or(0, |s| s.capacity);
        let key = self.next_key();
        let shown = Slot::new(
            format!("{PENDING_PREFIX}{key}"),
            session_id.clone(),
            start_at,
            end_at,
            seats,
            0,
            Utc::now(),
        );
        self.send(key, Change::Add(shown), async move {
            add_slot(session_id, start_at, end_at).await.map(drop)
        });
    }

    /// Moves a slot to a new start, keeping its length.
    pub fn move_to(self, slot_id: &str, start_at: DateTime<Utc>) {
        if is_pending(slot_id) {
            return;
        }
        let Some(slot) = self
            .slots
            .with_untracked(|slots| slots.iter().find(|s| s.id == slot_id).cloned())
        else {
            return;
        };
        if slot.start_at == start_at {
            return;
        }
        let end_at = start_at + (slot.end_at - slot.start_at);
        if !self.passes(start_at, end_at, Some(slot_id)) {
            return;
        }
        let id = slot.id;
        let change = Change::Move {
            id: id.clone(),
            start_at,
            end_at,
        };
        self.send(self.next_key(), change, async move {
            move_slot(id, start_at, end_at).await.map(drop)
        });
    }

    pub fn remove(self, slot_id: &str) {
        if is_pending(slot_id) {
            return;
        }
        let id = slot_id.to_owned();
        let change = Change::Delete(id.clone());
        self.send(
            self.next_key(),
            change,
            async move { delete_slot(id).await },
        );
    }

    /// Checks a slot locally; shows the broken rule when there is one.
    fn passes(self, start_at: DateTime<Utc>, end_at: DateTime<Utc>, moving: Option<&str>) -> bool {
        match self.check(start_at, end_at, moving) {
            Ok(()) => true,
            Err(rule) => {
                self.error.set(Some(rule.message(self.i18n.t()).to_owned()));
                false
            }
        }
    }

    fn next_key(self) -> u64 {
        self.next_key.update_value(|k| *k += 1);
        self.next_key.get_value()
    }

    /// Shows `change` now and sends it; on success reloads the week (and the
    /// list, whose statuses follow the slots), on refusal takes it back.
    fn send(
        self,
        key: u64,
        change: Change,
        request: impl std::future::Future<Output = Result<(), AppError>> + 'static,
    ) {
        self.error.set(None);
        let loaded_version = self.loaded_version();
        self.pending.update(|pending| {
            // Changes a loaded list already contains are done with.
            pending.retain(|p| p.still_needed(loaded_version));
            pending.push(Pending {
                key,
                change,
                settled_in: None,
            });
        });
        spawn_local(async move {
            let result = request.await;
            // Reload either way: a refusal may mean the week on screen is
            // stale. The studio may be gone by now (navigation): then stop.
            let Some(next) = self.version.try_update(|v| {
                *v += 1;
                *v
            }) else {
                return;
            };
            match result {
                Ok(()) => {
                    self.pending.update(|pending| {
                        if let Some(p) = pending.iter_mut().find(|p| p.key == key) {
                            p.settled_in = Some(next);
                        }
                    });
                    self.reload_sessions();
                }
                Err(err) => {
                    self.pending
                        .update(|pending| pending.retain(|p| p.key != key));
                    self.error.set(Some(err.message));
                }
            }
        });
    }
}
