//! The approximate place of a client address, so that a person can tell their own sign-ins from
//! a stranger's: the country only, looked up in the IPFire Location data embedded in `tor-geoip`
//! (CC BY-SA 4.0; credited in `docs/architecture.md`), named in English by `celes`. Nothing is
//! sent anywhere; private and unknown addresses have no place.

use std::{
    net::IpAddr,
    sync::{Arc, OnceLock},
};
use tor_geoip::GeoipDb;

static DATABASE: OnceLock<Arc<GeoipDb>> = OnceLock::new();

/// The English name of the country `ip` is registered in, if the data knows it.
pub fn country_of(ip: IpAddr) -> Option<String> {
    let database = DATABASE.get_or_init(GeoipDb::new_embedded);
    let code = database.lookup_country_code(ip.to_canonical())?;
    let alpha2: &str = code.as_ref();
    celes::Country::from_alpha2(alpha2)
        .ok()
        .map(|country| country.long_name.to_owned())
}

/// Loads the data (about a second's work) before the first request needs it.
pub fn warm() {
    let _ = DATABASE.get_or_init(GeoipDb::new_embedded);
}

/// `ip` with its country, as the Devices page, the history and emails show an address:
/// `The Netherlands (193.0.6.139)`, or the address alone when the place is not known.
pub fn describe(ip: &str) -> String {
    match ip.parse().ok().and_then(country_of) {
        Some(country) => format!("{country} ({ip})"),
        None => ip.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_addresses_have_a_country_and_private_ones_none() {
        assert_eq!(
            country_of("193.0.6.139".parse().unwrap()).as_deref(),
            Some("The Netherlands")
        );
        assert_eq!(
            country_of("::ffff:193.0.6.139".parse().unwrap()).as_deref(),
            Some("The Netherlands"),
            "an IPv4 address written as IPv6 is the same place"
        );
        for private in ["127.0.0.1", "10.1.2.3", "192.168.0.1", "::1", "fd00::1"] {
            assert_eq!(country_of(private.parse().unwrap()), None, "{private}");
        }
        assert_eq!(describe("193.0.6.139"), "The Netherlands (193.0.6.139)");
        assert_eq!(describe("127.0.0.1"), "127.0.0.1");
        assert_eq!(describe("not an address"), "not an address");
    }
}
