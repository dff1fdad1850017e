//! Per-client limits on login attempts and code requests (the `governor` crate's GCRA, kept in
//! memory). Accounts are protected by their own lock, kept in the database; this only slows down
//! one client trying many accounts. The client is the one [`super::client`] found, IPv6
//! addresses counted by /64 since one home or office is given a whole /64.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::Quota;

use crate::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limited {
    Login,
    CodeRequest,
}

impl Limited {
    /// (requests allowed at once, period over which that many come back)
    fn quota(self) -> (u32, Duration) {
        match self {
            Limited::Login => (30, Duration::from_secs(5 * 60)),
            Limited::CodeRequest => (10, Duration::from_secs(15 * 60)),
        }
    }

    /// `allowed` requests at once, then one more each `period / allowed`.
    fn governor_quota(self) -> Quota {
        let (allowed, period) = self.quota();
        let burst = NonZeroU32::new(allowed).unwrap_or(NonZeroU32::MIN);
        Quota::with_period(period / burst.get())
            .map(|quota| quota.allow_burst(burst))
            .unwrap_or(Quota::per_second(burst))
    }
}

type Keyed<C> = governor::RateLimiter<IpAddr, DefaultKeyedStateStore<IpAddr>, C, NoOpMiddleware<<C as Clock>::Instant>>;

/// Above this many clients remembered, those whose every request is forgotten are dropped.
const REMEMBERED_CLIENTS: usize = 10_000;

#[derive(Clone)]
pub struct RateLimiter<C: Clock + Clone = DefaultClock> {
    login: Arc<Keyed<C>>,
    code_request: Arc<Keyed<C>>,
    clock: C,
}

impl Default for RateLimiter {
    fn default() -> Self {
        RateLimiter::with_clock(DefaultClock::default())
    }
}

impl<C: Clock + Clone> RateLimiter<C> {
    fn with_clock(clock: C) -> Self {
        let keyed =
            |what: Limited| Arc::new(governor::RateLimiter::dashmap_with_clock(what.governor_quota(), clock.clone()));
        RateLimiter { login: keyed(Limited::Login), code_request: keyed(Limited::CodeRequest), clock }
    }

    /// Counts one request; refuses it, saying how long to wait, when the quota is used up.
    pub fn check(&self, what: Limited, ip: Option<IpAddr>) -> Result<(), AppError> {
        let Some(ip) = ip else { return Ok(()) };
        let limiter = match what {
            Limited::Login => &self.login,
            Limited::CodeRequest => &self.code_request,
        };
        if limiter.len() > REMEMBERED_CLIENTS {
            limiter.retain_recent();
        }
        limiter.check_key(&bucket(ip)).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            AppError::TooManyRequests { retry_after_seconds: wait.as_secs_f64().ceil().max(1.0) as u64 }
        })
    }
}

/// The key a client is counted under: its IPv4 address, or the /64 network of its IPv6 address
/// (an IPv4 address mapped into IPv6 counts as itself).
pub fn bucket(ip: IpAddr) -> IpAddr {
    match super::client::canonical(ip) {
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    #[test]
    fn the_31st_login_waits_and_logins_come_back_one_every_ten_seconds() {
        let clock = FakeRelativeClock::default();
        let limiter = RateLimiter::with_clock(clock.clone());
        let ip = Some("192.0.2.1".parse().unwrap());
        for _ in 0..30 {
            limiter.check(Limited::Login, ip).unwrap();
        }
        assert_eq!(limiter.check(Limited::Login, ip), Err(AppError::TooManyRequests { retry_after_seconds: 10 }));
        // Another address and another kind of request are counted apart.
        assert!(limiter.check(Limited::Login, Some("192.0.2.2".parse().unwrap())).is_ok());
        assert!(limiter.check(Limited::CodeRequest, ip).is_ok());
        clock.advance(Duration::from_secs(10));
        assert!(limiter.check(Limited::Login, ip).is_ok());
        assert!(limiter.check(Limited::Login, ip).is_err(), "one login came back, not more");
        // After the whole period, the whole quota is back.
        clock.advance(Duration::from_secs(300));
        for _ in 0..30 {
            limiter.check(Limited::Login, ip).unwrap();
        }
    }

    #[test]
    fn an_ipv6_network_is_one_client() {
        let limiter = RateLimiter::with_clock(FakeRelativeClock::default());
        for host in 0..10u16 {
            let ip: IpAddr = format!("2001:db8:1:2::{host:x}").parse().unwrap();
            limiter.check(Limited::CodeRequest, Some(ip)).unwrap();
        }
        let same_network: IpAddr = "2001:db8:1:2:ffff::1".parse().unwrap();
        assert!(limiter.check(Limited::CodeRequest, Some(same_network)).is_err());
        let next_network: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert!(limiter.check(Limited::CodeRequest, Some(next_network)).is_ok());
        assert_eq!(bucket("::ffff:192.0.2.7".parse().unwrap()), "192.0.2.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn a_request_without_a_known_address_is_not_counted() {
        let limiter = RateLimiter::with_clock(FakeRelativeClock::default());
        for _ in 0..100 {
            assert!(limiter.check(Limited::Login, None).is_ok());
        }
    }
}
