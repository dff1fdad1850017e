//! Who is on the other end of a request: the client's address (for the per-client limits and the
//! security log) and whether it reached the portal over https. Both come from the connection
//! itself, unless it comes from one of the reverse proxies the operator trusts
//! (`ECARS_TRUSTED_PROXIES`): only then are `X-Forwarded-For` and `X-Forwarded-Proto` believed,
//! since anybody else could write them.

use std::net::IpAddr;
use std::str::FromStr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The proxies whose forwarding headers are believed: addresses or CIDR networks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl FromStr for TrustedProxies {
    type Err = String;

    /// A comma- or space-separated list, e.g. `127.0.0.1, 10.0.0.0/8, ::1`.
    fn from_str(list: &str) -> Result<Self, Self::Err> {
        list.split([',', ' '])
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("« {entry} » n'est ni une adresse IP ni un réseau CIDR"))
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }
}

impl TrustedProxies {
    fn trust(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|network| network.contains(&ip))
    }
}

/// What the gate found out about the request's sender; put in the request's extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    /// `None` only where no connection is known (unit tests).
    pub ip: Option<IpAddr>,
    pub https: bool,
}

impl Client {
    /// From a trusted proxy, the client is the last address of `X-Forwarded-For` that is not
    /// one of our proxies (the ones before it were written by the client and prove nothing), and
    /// the scheme is the proxy's `X-Forwarded-Proto`. From anybody else, both headers are ignored.
    pub fn of(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &TrustedProxies) -> Client {
        let Some(peer) = peer.map(canonical) else { return Client { ip: None, https: false } };
        if !trusted.trust(peer) {
            return Client { ip: Some(peer), https: false };
        }
        let forwarded: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(|entry| entry.trim().parse::<IpAddr>().map(canonical))
            .collect::<Result<_, _>>()
            // A list we cannot read is not believed at all.
            .unwrap_or_default();
        let ip = forwarded.iter().rev().find(|ip| !trusted.trust(**ip)).or(forwarded.first()).copied().unwrap_or(peer);
        let https = headers
            .get_all("x-forwarded-proto")
            .iter()
            .next_back()
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.rsplit(',').next())
            .is_some_and(|scheme| scheme.trim().eq_ignore_ascii_case("https"));
        Client { ip: Some(ip), https }
    }
}

/// An IPv4 address mapped into IPv6 (a dual-stack listener's view) is the IPv4 address.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        IpAddr::V4(_) => ip,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(name, value)| (name.parse().unwrap(), value.parse().unwrap())).collect()
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn forwarding_headers_are_believed_only_from_a_trusted_proxy() {
        let trusted: TrustedProxies = "10.0.0.0/8, 127.0.0.1".parse().unwrap();
        let forwarded = headers(&[("x-forwarded-for", "203.0.113.9"), ("x-forwarded-proto", "https")]);
        assert_eq!(Client::of(ip("10.1.2.3"), &forwarded, &trusted), Client { ip: ip("203.0.113.9"), https: true });
        assert_eq!(
            Client::of(ip("198.51.100.4"), &forwarded, &trusted),
            Client { ip: ip("198.51.100.4"), https: false }
        );
        assert_eq!(
            Client::of(ip("198.51.100.4"), &forwarded, &TrustedProxies::default()),
            Client { ip: ip("198.51.100.4"), https: false }
        );
    }

    #[test]
    fn a_client_cannot_choose_its_address_by_writing_the_header_itself() {
        let trusted: TrustedProxies = "10.0.0.1 10.0.0.2".parse().unwrap();
        // The client wrote "1.2.3.4"; our proxies appended the address they saw, then each other's.
        let chain = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.0.0.1")]);
        assert_eq!(Client::of(ip("10.0.0.2"), &chain, &trusted).ip, ip("203.0.113.9"));
        // Several header lines are one list; an unreadable list counts as none.
        let lines = headers(&[("x-forwarded-for", "1.2.3.4"), ("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(Client::of(ip("10.0.0.1"), &lines, &trusted).ip, ip("203.0.113.9"));
        let garbage = headers(&[("x-forwarded-for", "203.0.113.9, evil")]);
        assert_eq!(Client::of(ip("10.0.0.1"), &garbage, &trusted).ip, ip("10.0.0.1"));
        // Only proxies in the chain: the first one is the client (a health check from inside).
        let inside = headers(&[("x-forwarded-for", "10.0.0.1")]);
        assert_eq!(Client::of(ip("10.0.0.2"), &inside, &trusted).ip, ip("10.0.0.1"));
    }

    #[test]
    fn the_proxy_list_is_parsed_or_refused_with_the_bad_entry() {
        assert_eq!("".parse::<TrustedProxies>(), Ok(TrustedProxies::default()));
        let parsed: TrustedProxies = "::1,192.168.0.0/16".parse().unwrap();
        assert!(parsed.trust("::ffff:192.168.3.4".parse().unwrap()), "an IPv4-mapped peer is its IPv4 address");
        assert!(!parsed.trust("192.169.0.1".parse().unwrap()));
        let refused = "10.0.0.0/8, proxy.local".parse::<TrustedProxies>().unwrap_err();
        assert!(refused.contains("proxy.local"), "{refused}");
    }
}
