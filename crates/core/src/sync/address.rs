//! Hub addresses: what a user types, checked and tidied before any connection.

use crate::error::{Code, Error, Result};

/// Checks and tidies a hub address, parsed by the URL standard's rules (the `url` crate), never
/// by hand: `https://host[:port]`,
/// or plain `http://` only when the *parsed* host is this machine (127.0.0.0/8, `::1`,
/// `localhost`: a hub on loopback, for trying it out). Refused with `HUB_URL_INVALID`: a user
/// name or password (`http://127.0.0.1:1@hub.example.it` would send the enrolment code in clear
/// to another host), any other scheme, a path, query or fragment, whitespace or control
/// characters, port 0. The result is the origin alone (`https://hub.example.it:8443`, scheme and
/// host in lower case, the default port left out).
pub fn normalise_url(url: &str) -> Result<String> {
    let typed = url.trim();
    let refuse = |why: &str| {
        Error::invalid(
            Code::HubUrlInvalid,
            "hub_url",
            format!("{why} (the hub address looks like https://hub.example.it:8443)"),
        )
    };
    if typed.is_empty() {
        return Err(refuse("the hub address is empty"));
    }
    // The URL standard silently drops tabs and newlines inside an address: refuse them instead.
    if typed.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(refuse(
            "the hub address contains spaces or control characters",
        ));
    }
    // A hub address never has a user name: whatever stands before an `@` is a disguise.
    if typed.contains('@') {
        return Err(refuse(
            "the hub address must not contain a user name or password (@)",
        ));
    }
    let parsed = url::Url::parse(typed).map_err(|e| refuse(&format!("not an address: {e}")))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(refuse(
            "the hub address must not contain a user name or password (@)",
        ));
    }
    let host = parsed
        .host()
        .ok_or_else(|| refuse("the hub address has no host"))?;
    match parsed.scheme() {
        "https" => {}
        "http" => {
            let loopback = match &host {
                url::Host::Ipv4(ip) => ip.is_loopback(),
                url::Host::Ipv6(ip) => ip.is_loopback(),
                url::Host::Domain(name) => *name == "localhost",
            };
            if !loopback {
                return Err(refuse(
                    "use https:// (plain http is allowed only for a hub on this computer: \
                     127.0.0.1, [::1] or localhost)",
                ));
            }
        }
        other => {
            return Err(refuse(&format!(
                "{other}:// is not a hub address: use https://"
            )))
        }
    }
    if parsed.port() == Some(0) {
        return Err(refuse("port 0 is not a port a hub listens on"));
    }
    if parsed.path() != "/" || parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(refuse(
            "the hub address is the server alone, with no path, ? or #",
        ));
    }
    Ok(parsed.origin().ascii_serialization())
}
