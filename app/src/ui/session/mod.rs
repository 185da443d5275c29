//! The parts of the student's session page (`/sessions/:id`): the slot
//! calendar in a month and a week view, the plain list, the booking modal.

pub mod booking_modal;
pub mod calendar;
pub mod day_moon;
pub mod format;
pub mod month_view;
pub mod slot_chip;
pub mod upcoming_list;
pub mod week_view;

use crate::model::session::Slot;

/// A slot someone chose to book, and the element that chose it (focus goes
/// back there when the modal closes).
#[derive(Debug, Clone, PartialEq)]
pub struct Picked {
    pub slot: Slot,
    pub opener_id: String,
}

/// The slots that start on a local date, in time order.
pub fn slots_on(slots: &[Slot], tz: chrono_tz::Tz, date: chrono::NaiveDate) -> Vec<Slot> {
    slots
        .iter()
        .filter(|slot| crate::model::calendar::local_date(tz, slot.start_at) == date)
        .cloned()
        .collect()
}
