//! The one clock. Every rule that reads the time (holds, cancellation
//! windows, rate limits, login expiry, worker sweeps, `created_at`) asks the
//! `Clock` in [`crate::backend::AppState`], never the system directly.
//!
//! In production it is the system clock. Tests, and the simulated-mode
//! `POST /_test/clock` hook, move it: the clock keeps running, shifted by an
//! offset, so a test can step past a hold's expiry without sleeping while
//! everything else (timeouts, the simulator's `created`) stays consistent.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};

/// The system time plus an offset that tests may set. Cheap to clone; clones
/// share one offset.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_secs: Arc<AtomicI64>,
}

impl Clock {
    /// The system clock, not shifted.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// Now, as unix seconds (UTC).
    pub fn now(&self) -> i64 {
        Utc::now()
            .timestamp()
            .saturating_add(self.offset_secs.load(Ordering::Relaxed))
    }

    /// Now, as an instant.
    pub fn now_utc(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::seconds(self.offset_secs.load(Ordering::Relaxed))
    }

    /// Moves the clock forward (or back, for a negative `secs`).
    pub fn advance(&self, secs: i64) {
        self.offset_secs.fetch_add(secs, Ordering::Relaxed);
    }

    /// Makes it `at` now; the clock runs on from there.
    pub fn set(&self, at: DateTime<Utc>) {
        let offset = at.timestamp().saturating_sub(Utc::now().timestamp());
        self.offset_secs.store(offset, Ordering::Relaxed);
    }

    /// Back to the system time.
    pub fn reset(&self) {
        self.offset_secs.store(0, Ordering::Relaxed);
    }

    /// The shared offset, for a component that keeps its own time but must
    /// agree with this clock (the Stripe simulator's `SimClock`).
    pub fn offset_handle(&self) -> Arc<AtomicI64> {
        Arc::clone(&self.offset_secs)
    }

    /// How far the clock is shifted from the system time, in seconds.
    pub fn offset_secs(&self) -> i64 {
        self.offset_secs.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_now_and_clones_share_it() {
        let clock = Clock::system();
        let copy = clock.clone();
        let before = clock.now();
        clock.advance(3_600);
        assert!(copy.now() >= before + 3_600);
        assert!(copy.now() < before + 3_610);
        clock.reset();
        assert!(copy.now() < before + 10);
    }

    #[test]
    fn set_jumps_to_an_instant_and_keeps_running() {
        let clock = Clock::system();
        let at = DateTime::parse_from_rfc3339("2027-03-28T00:59:00Z")
            .expect("valid instant")
            .with_timezone(&Utc);
        clock.set(at);
        let now = clock.now();
        assert!((at.timestamp()..at.timestamp() + 5).contains(&now));
        assert!((clock.now_utc() - at).num_seconds() < 5);
    }
}
