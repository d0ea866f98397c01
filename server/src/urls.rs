//! Where a URL points, as the service's rules about plain HTTP need it.

/// Whether `url`'s host is this machine: a loopback IP literal or `localhost`, where
/// plain HTTP crosses no network.
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}
