//! Who is asking: the client address every limit and every claim throttle counts by.
//! It is the connection's peer, unless the peer is a proxy the operator trusts, in
//! which case it is the last address that proxy chain appended to `X-Forwarded-For`
//! that is not itself a trusted proxy (the leftmost entries are whatever the client
//! wrote, so they are never believed).

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;

/// A client as the limits count it: an IPv4 address, or an IPv6 /64 network (one
/// host is routinely handed a whole /64, so counting single IPv6 addresses would let
/// one machine rotate through 2⁶⁴ of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientAddress(IpAddr);

impl ClientAddress {
    /// The client behind `ip`.
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => Self(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(IpAddr::V4(v4)),
                None => {
                    let [a, b, c, d, ..] = v6.segments();
                    Self(IpAddr::V6(Ipv6Addr::new(a, b, c, d, 0, 0, 0, 0)))
                }
            },
        }
    }

    /// For a router used without the service's accept loop (no peer known): all such
    /// requests share one client.
    pub fn unknown() -> Self {
        Self(IpAddr::from([0, 0, 0, 0]))
    }

    /// The text stored beside a claim failure.
    pub fn as_key(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for ClientAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            IpAddr::V4(v4) => write!(f, "{v4}"),
            IpAddr::V6(v6) => write!(f, "{v6}/64"),
        }
    }
}

/// The proxies whose `X-Forwarded-For` is believed (`clavepin serve --trusted-proxy`).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpAddr>);

impl TrustedProxies {
    /// These addresses.
    pub fn new(proxies: Vec<IpAddr>) -> Self {
        Self(proxies)
    }

    /// Whether `ip` is one of these proxies.
    pub fn is_trusted(&self, ip: IpAddr) -> bool {
        self.0.contains(&ip) || ip.to_canonical() != ip && self.0.contains(&ip.to_canonical())
    }

    /// The client for a request from `peer` with these headers.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> ClientAddress {
        if !self.is_trusted(peer) {
            return ClientAddress::of(peer);
        }
        // Entries in order of arrival; every proxy appends the address it saw. Walk
        // back from the nearest while the hop is one of ours.
        let forwarded: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in forwarded.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(ip) => {
                    client = ip;
                    if !self.is_trusted(ip) {
                        break;
                    }
                }
                // A garbled entry: stop at the last address we could trust.
                Err(_) => break,
            }
        }
        ClientAddress::of(client)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<ClientAddress>().copied().unwrap_or_else(ClientAddress::unknown))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let proxies = TrustedProxies::new(vec![ip("10.0.0.1")]);
        let client = proxies.client(ip("203.0.113.9"), &headers(&["198.51.100.1"]));
        assert_eq!(client, ClientAddress::of(ip("203.0.113.9")));
    }

    #[test]
    fn behind_a_trusted_proxy_the_nearest_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::new(vec![ip("10.0.0.1"), ip("10.0.0.2")]);
        // The client forged the first entry; the two proxies appended the rest.
        let h = headers(&["1.2.3.4, 198.51.100.7", "10.0.0.2"]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &h), ClientAddress::of(ip("198.51.100.7")));
        // A trusted proxy that forwards nothing is itself the client.
        assert_eq!(
            proxies.client(ip("10.0.0.1"), &HeaderMap::new()),
            ClientAddress::of(ip("10.0.0.1"))
        );
        // Garbage stops the walk at the last trusted hop.
        let h = headers(&["198.51.100.7, not-an-address"]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &h), ClientAddress::of(ip("10.0.0.1")));
    }

    #[test]
    fn an_ipv6_client_is_its_64_network() {
        let a = ClientAddress::of(ip("2001:db8:1:2:aaaa::1"));
        let b = ClientAddress::of(ip("2001:db8:1:2:bbbb::2"));
        assert_eq!(a, b);
        assert_ne!(a, ClientAddress::of(ip("2001:db8:1:3::1")));
        assert_eq!(a.to_string(), "2001:db8:1:2::/64");
        assert_eq!(ClientAddress::of(ip("::ffff:192.0.2.1")), ClientAddress::of(ip("192.0.2.1")));
    }
}
