//! Throttling counted in this process's memory, for hot read paths where a database write per
//! request would cost more than the request itself (public case status, the Case Status API's
//! per-second limit). Each server instance counts on its own, so with N instances a client gets
//! up to N times the limit; limits that must hold across instances stay in the database
//! (`rate_limit`, the API's daily quota).

use super::rate_limit::Limit;
use crate::error::AppError;
use std::{collections::HashMap, sync::Mutex};

/// Entries kept before expired windows are swept out.
const SWEEP_ABOVE: usize = 50_000;

/// Fixed-window counters by key, timed by the caller's clock.
#[derive(Debug, Default)]
pub struct LocalLimiter {
    windows: Mutex<HashMap<String, Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started_at: i64,
    length: i64,
    hits: i64,
}

impl LocalLimiter {
    /// An empty limiter.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one hit on `key` at `now`; `Err(RateLimited)` once `limit.max` hits fall in the
    /// current window.
    pub fn hit(&self, key: &str, limit: Limit, now: i64) -> Result<(), AppError> {
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() > SWEEP_ABOVE {
            windows.retain(|_, w| w.started_at + w.length > now);
        }
        let window = windows.entry(key.to_owned()).or_insert(Window {
            started_at: now,
            length: limit.window_secs,
            hits: 0,
        });
        if window.started_at + limit.window_secs <= now || window.started_at > now {
            *window = Window {
                started_at: now,
                length: limit.window_secs,
                hits: 0,
            };
        }
        window.hits += 1;
        if window.hits > limit.max {
            let retry_after = (window.started_at + limit.window_secs - now).max(1) as u64;
            return Err(AppError::RateLimited { retry_after });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const THREE_PER_MINUTE: Limit = Limit {
        max: 3,
        window_secs: 60,
    };

    #[test]
    fn the_hit_after_the_limit_is_refused_until_the_window_ends() {
        let limiter = LocalLimiter::new();
        for _ in 0..3 {
            assert!(limiter.hit("a", THREE_PER_MINUTE, 1_000).is_ok());
        }
        assert_eq!(
            limiter.hit("a", THREE_PER_MINUTE, 1_010),
            Err(AppError::RateLimited { retry_after: 50 })
        );
        assert!(limiter.hit("b", THREE_PER_MINUTE, 1_010).is_ok());
        assert!(limiter.hit("a", THREE_PER_MINUTE, 1_060).is_ok());
    }

    #[test]
    fn many_keys_are_swept_once_their_windows_end() {
        let limiter = LocalLimiter::new();
        for i in 0..=SWEEP_ABOVE {
            limiter.hit(&i.to_string(), THREE_PER_MINUTE, 0).unwrap();
        }
        limiter.hit("late", THREE_PER_MINUTE, 61).unwrap();
        assert_eq!(limiter.windows.lock().unwrap().len(), 1);
    }
}
