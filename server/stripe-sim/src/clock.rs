//! The simulator's clock.
//!
//! The simulator must read the same clock as the app: when the app's test clock is advanced
//! (tests, or a test hook), every timestamp the simulator hands out (`created`, subscription
//! periods, trial ends, account-link expiry, webhook signature timestamps, card expiry years)
//! moves with it. The app's clock is system time plus an offset in seconds held in an
//! `Arc<AtomicI64>`; [`SimClock::shared`] takes that same `Arc`. Nothing else in the
//! simulator reads the system time.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};

/// System time plus an offset in seconds, shared by all clones (and with whoever else holds
/// the `Arc`). The default has its own offset, 0.
#[derive(Debug, Clone, Default)]
pub struct SimClock {
    offset_secs: Arc<AtomicI64>,
}

impl SimClock {
    /// A clock reading system time + `offset` (seconds), e.g. the app's test-clock offset.
    pub fn shared(offset: Arc<AtomicI64>) -> Self {
        Self {
            offset_secs: offset,
        }
    }

    /// The offset in seconds currently applied to system time.
    pub fn offset_secs(&self) -> i64 {
        self.offset_secs.load(Ordering::SeqCst)
    }

    /// Unix seconds.
    pub fn now(&self) -> i64 {
        Utc::now().timestamp() + self.offset_secs()
    }

    /// The current time as a UTC date-time.
    pub fn now_utc(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::seconds(self.offset_secs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_shared_offset() {
        let offset = Arc::new(AtomicI64::new(0));
        let clock = SimClock::shared(Arc::clone(&offset));
        let base = Utc::now().timestamp();
        assert!((clock.now() - base).abs() <= 2);
        offset.store(86_400, Ordering::SeqCst);
        assert!((clock.clone().now() - base - 86_400).abs() <= 2);
        assert!((clock.now_utc().timestamp() - base - 86_400).abs() <= 2);
        assert!((SimClock::default().now() - base).abs() <= 2);
    }
}
