//! What is being dragged, as it travels in `dataTransfer`, and the grid cell
//! under the pointer.

use chrono::NaiveDate;

use super::layout::{parse_cell_id, STEP};

/// The `dataTransfer` type the studio uses (plain text, so every browser
/// starts the drag).
pub const DATA_TYPE: &str = "text/plain";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drag {
    /// A new block from the palette.
    New { minutes: i64 },
    /// An existing slot, grabbed `grab_rows` rows below its top.
    Move {
        slot_id: String,
        minutes: i64,
        grab_rows: u32,
    },
}

impl Drag {
    pub fn to_data(&self) -> String {
        match self {
            Drag::New { minutes } => format!("aveli-new:{minutes}"),
            Drag::Move {
                slot_id,
                minutes,
                grab_rows,
            } => format!("aveli-move:{minutes}:{grab_rows}:{slot_id}"),
        }
    }

    pub fn parse(data: &str) -> Option<Drag> {
        if let Some(minutes) = data.strip_prefix("aveli-new:") {
            return Some(Drag::New {
                minutes: minutes.parse().ok()?,
            });
        }
        let mut parts = data.strip_prefix("aveli-move:")?.splitn(3, ':');
        let minutes = parts.next()?.parse().ok()?;
        let grab_rows = parts.next()?.parse().ok()?;
        let slot_id = parts.next().filter(|id| !id.is_empty())?.to_owned();
        Some(Drag::Move {
            slot_id,
            minutes,
            grab_rows,
        })
    }

    pub fn minutes(&self) -> i64 {
        match self {
            Drag::New { minutes } | Drag::Move { minutes, .. } => *minutes,
        }
    }

    /// The start minute when the pointer is over the cell at `minute`: a
    /// moved slot keeps the spot where it was grabbed under the pointer.
    pub fn start_minute(&self, minute: u32) -> u32 {
        match self {
            Drag::New { .. } => minute,
            Drag::Move { grab_rows, .. } => minute.saturating_sub(grab_rows * STEP),
        }
    }

    pub fn slot_id(&self) -> Option<&str> {
        match self {
            Drag::New { .. } => None,
            Drag::Move { slot_id, .. } => Some(slot_id),
        }
    }
}

/// Where a dragged block would land, drawn under the pointer; red when the
/// slot would be refused (it overlaps another, or is in the past).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ghost {
    pub date: NaiveDate,
    pub minute: u32,
    pub minutes: u32,
    pub conflict: bool,
}

/// The grid cell under a drag event: its target when that is a cell (as
/// when events are dispatched to it), else whatever cell lies under the
/// pointer beneath slots and the ghost. Browser only: runs in event handlers.
pub fn cell_under(ev: &web_sys::DragEvent) -> Option<(NaiveDate, u32)> {
    use leptos::wasm_bindgen::JsCast;

    let cell_of = |el: &web_sys::Element| {
        el.closest(".studio-cell")
            .ok()
            .flatten()
            .and_then(|cell| parse_cell_id(&cell.id()))
    };
    if let Some(found) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| cell_of(&el))
    {
        return Some(found);
    }
    let x = ev.client_x() as f32;
    let y = ev.client_y() as f32;
    leptos::prelude::document()
        .elements_from_point(x, y)
        .iter()
        .filter_map(|el| el.dyn_into::<web_sys::Element>().ok())
        .find_map(|el| cell_of(&el))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drags_travel_as_text() {
        for drag in [
            Drag::New { minutes: 45 },
            Drag::Move {
                slot_id: "0190-abc".into(),
                minutes: 60,
                grab_rows: 2,
            },
        ] {
            assert_eq!(Drag::parse(&drag.to_data()), Some(drag));
        }
        assert_eq!(Drag::parse("45"), None);
        assert_eq!(Drag::parse("aveli-move:60:2:"), None);
    }

    #[test]
    fn a_moved_slot_keeps_its_grab_point() {
        let drag = Drag::Move {
            slot_id: "a".into(),
            minutes: 60,
            grab_rows: 2,
        };
        assert_eq!(drag.start_minute(630), 600);
        assert_eq!(drag.start_minute(15), 0);
        assert_eq!(Drag::New { minutes: 30 }.start_minute(630), 630);
    }
}
