//! Who the client is: the socket peer, or the address a chain of trusted proxies vouches for.

use axum::http::HeaderMap;
use std::net::{IpAddr, SocketAddr};

/// The address as Caseport counts it: an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is the IPv4
/// address it carries, so one client is one client whichever socket family it arrived on.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// One `X-Forwarded-For` entry: an address, optionally with a port (`203.0.113.9:4711`,
/// `[2001:db8::1]:443`), as some proxies write it. Anything else (`unknown`, garbage) is `None`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            hop.strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .and_then(|h| h.parse().ok())
        })
        .map(canonical)
}

/// Works out the client address. A peer that is not a trusted proxy is the client, whatever it
/// sends. From a trusted proxy, `X-Forwarded-For` is read from the right (the entry the nearest
/// proxy appended) leftwards, skipping trusted proxies; the first untrusted address is the client.
/// An entry that does not parse stops the walk: the last trusted hop reached is then the client,
/// because nothing to its left can be believed.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let peer = canonical(peer);
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|t| canonical(*t) == *ip);
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .map(|v| v.to_str().unwrap_or("\u{0}"))
        .flat_map(|v| v.split(','))
        .collect();
    let mut last_trusted = peer;
    for hop in hops.iter().rev() {
        match parse_hop(hop) {
            Some(ip) if is_trusted(&ip) => last_trusted = ip,
            Some(ip) => return ip,
            None => return last_trusted,
        }
    }
    last_trusted
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let headers = forwarded(&["203.0.113.9"]);
        assert_eq!(client_ip(ip("192.0.2.1"), &headers, &[]), ip("192.0.2.1"));
        assert_eq!(
            client_ip(ip("192.0.2.1"), &headers, &[ip("192.0.2.2")]),
            ip("192.0.2.1")
        );
    }

    #[test]
    fn the_walk_goes_right_to_left_skipping_trusted_proxies() {
        let trusted = [ip("10.0.0.1"), ip("10.0.0.2")];
        // client forged "1.1.1.1"; the real client 198.51.100.7 was appended by the outer proxy.
        let headers = forwarded(&["1.1.1.1, 198.51.100.7, 10.0.0.2"]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers, &trusted),
            ip("198.51.100.7")
        );
        // Several headers are one list, in order.
        let headers = forwarded(&["1.1.1.1", "198.51.100.7", "10.0.0.2"]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers, &trusted),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn an_entry_that_does_not_parse_stops_at_the_last_trusted_hop() {
        let trusted = [ip("10.0.0.1"), ip("10.0.0.2")];
        let headers = forwarded(&["198.51.100.7, unknown, 10.0.0.2"]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers, &trusted),
            ip("10.0.0.2")
        );
        let headers = forwarded(&["198.51.100.7, not-an-ip"]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers, &trusted),
            ip("10.0.0.1")
        );
        // Only trusted hops, or no header at all: the nearest trusted hop is all we know.
        assert_eq!(
            client_ip(ip("10.0.0.1"), &forwarded(&["10.0.0.2"]), &trusted),
            ip("10.0.0.2")
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), &HeaderMap::new(), &trusted),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn ports_and_brackets_are_understood() {
        let trusted = [ip("10.0.0.1")];
        assert_eq!(
            client_ip(ip("10.0.0.1"), &forwarded(&["203.0.113.9:4711"]), &trusted),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), &forwarded(&["[2001:db8::1]:443"]), &trusted),
            ip("2001:db8::1")
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), &forwarded(&["[2001:db8::2]"]), &trusted),
            ip("2001:db8::2")
        );
    }

    #[test]
    fn ipv4_mapped_addresses_count_as_ipv4_for_peers_hops_and_trusted_proxies() {
        assert_eq!(canonical(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
        assert_eq!(canonical(ip("2001:db8::1")), ip("2001:db8::1"));
        // A proxy configured as IPv4 is recognised when it connects over a dual-stack socket.
        let headers = forwarded(&["::ffff:198.51.100.7"]);
        assert_eq!(
            client_ip(ip("::ffff:10.0.0.1"), &headers, &[ip("10.0.0.1")]),
            ip("198.51.100.7")
        );
        // And a proxy configured in mapped form is recognised when it connects over IPv4.
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers, &[ip("::ffff:10.0.0.1")]),
            ip("198.51.100.7")
        );
        // An untrusted mapped peer is reported as IPv4.
        assert_eq!(
            client_ip(ip("::ffff:192.0.2.9"), &headers, &[]),
            ip("192.0.2.9")
        );
    }
}
