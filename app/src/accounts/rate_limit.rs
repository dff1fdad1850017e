//! Per-address limits on login attempts and code requests, counted in a sliding window in
//! memory. (Accounts are protected by their own lock, kept in the database; this only slows
//! down one address trying many accounts.)

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limited {
    Login,
    CodeRequest,
}

impl Limited {
    /// (requests allowed, window)
    fn quota(self) -> (usize, Duration) {
        match self {
            Limited::Login => (30, Duration::from_secs(5 * 60)),
            Limited::CodeRequest => (10, Duration::from_secs(15 * 60)),
        }
    }
}

/// The times of the recent requests of each kind from each address, oldest first.
type Windows = HashMap<(Limited, IpAddr), VecDeque<Instant>>;

#[derive(Clone, Default)]
pub struct RateLimiter {
    recent: Arc<Mutex<Windows>>,
}

impl RateLimiter {
    /// Counts one request; refuses it, saying how long to wait, when the quota is used up.
    pub fn check(&self, what: Limited, ip: Option<IpAddr>) -> Result<(), AppError> {
        let Some(ip) = ip else { return Ok(()) };
        self.check_at(what, ip, Instant::now())
    }

    fn check_at(&self, what: Limited, ip: IpAddr, now: Instant) -> Result<(), AppError> {
        let (allowed, window) = what.quota();
        let mut recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if recent.len() > 10_000 {
            recent.retain(|_, times| times.back().is_some_and(|last| now.duration_since(*last) < window));
        }
        let times = recent.entry((what, ip)).or_default();
        while times.front().is_some_and(|first| now.duration_since(*first) >= window) {
            times.pop_front();
        }
        if times.len() >= allowed {
            let oldest = times.front().copied().unwrap_or(now);
            let wait = window.saturating_sub(now.duration_since(oldest));
            return Err(AppError::TooManyRequests { retry_after_seconds: wait.as_secs().max(1) });
        }
        times.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_31st_login_in_five_minutes_waits_for_the_window() {
        let limiter = RateLimiter::default();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let start = Instant::now();
        for _ in 0..30 {
            limiter.check_at(Limited::Login, ip, start).unwrap();
        }
        let refused = limiter.check_at(Limited::Login, ip, start + Duration::from_secs(60));
        assert_eq!(refused, Err(AppError::TooManyRequests { retry_after_seconds: 240 }));
        // Another address and another kind of request are counted apart.
        assert!(limiter.check_at(Limited::Login, "192.0.2.2".parse().unwrap(), start).is_ok());
        assert!(limiter.check_at(Limited::CodeRequest, ip, start).is_ok());
        // Once the window has passed, logins are accepted again.
        assert!(limiter.check_at(Limited::Login, ip, start + Duration::from_secs(301)).is_ok());
    }
}
