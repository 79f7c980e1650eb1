//! Hub addresses: parsed as the HTTP client parses them, the plain-http rule applied to the parsed
//! host, no user name, no path. Refusals carry `HUB_URL_INVALID` and nothing is sent anywhere.
#![allow(clippy::unwrap_used)]

use rapportino_core::sync::normalise_url;
use rapportino_core::Code;

#[test]
fn hub_addresses_are_parsed_and_tidied() {
    for (typed, tidy) in [
        ("https://hub.example.it", "https://hub.example.it"),
        ("https://hub.example.it/", "https://hub.example.it"),
        (
            "  https://hub.example.it:8443/  ",
            "https://hub.example.it:8443",
        ),
        ("HTTPS://Hub.Example.IT:8443", "https://hub.example.it:8443"),
        ("https://hub.example.it:443", "https://hub.example.it"),
        ("https://192.168.1.10:8443", "https://192.168.1.10:8443"),
        ("https://[2001:db8::1]:8443", "https://[2001:db8::1]:8443"),
        ("https://[2001:DB8::1]", "https://[2001:db8::1]"),
        // Plain http on this computer only: the parsed host decides.
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("HTTP://LOCALHOST:8080/", "http://localhost:8080"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("http://127.0.0.2:9999", "http://127.0.0.2:9999"),
        // Other spellings of 127.0.0.1 are 127.0.0.1 to the client too.
        ("http://2130706433:8080", "http://127.0.0.1:8080"),
        ("http://0x7f.1:8080", "http://127.0.0.1:8080"),
    ] {
        assert_eq!(normalise_url(typed).unwrap(), tidy, "{typed:?}");
    }
}

#[test]
fn hub_addresses_that_could_mislead_are_refused() {
    for typed in [
        // The reproduction: a loopback-looking user name in front of another host.
        "http://127.0.0.1:1@127.0.0.2:9999",
        "http://127.0.0.1:1@hub.example.it:9999",
        "http://localhost@evil.example.com",
        "https://user:secret@hub.example.it",
        "https://@hub.example.it",
        "http://127.0.0.1\\@evil.example.com",
        // Plain http anywhere but this computer.
        "http://hub.example.it:8080",
        "http://192.168.1.10:8080",
        "http://[2001:db8::1]:8080",
        "http://[::ffff:127.0.0.1]:8080",
        "http://localhost.:8080",
        "http://localhost.evil.example.com",
        "http://127.0.0.1.nip.io",
        "http://0.0.0.0:8080",
        // Not a hub address at all.
        "",
        "   ",
        "hub.example.it:8443",
        "ftp://hub.example.it",
        "file:///etc/passwd",
        "https://",
        "https://hub.example.it:99999",
        "https://hub.example.it:0",
        "https://[::1",
        // A path, query or fragment the client would send somewhere unexpected.
        "https://hub.example.it/v1",
        "https://hub.example.it//",
        "https://hub.example.it?x=1",
        "https://hub.example.it/#frag",
        "https://hub.example.it?",
        // Whitespace and control characters (the URL standard drops tabs and newlines).
        "https://hub.exa\tmple.it",
        "https://hub.example.it\n.evil.example.com",
        "https://hub example.it",
        "https://hub.example.it\u{0}",
    ] {
        let err = normalise_url(typed).expect_err(typed);
        assert_eq!(err.code(), Code::HubUrlInvalid, "{typed:?}: {err}");
        assert_eq!(err.field(), Some("hub_url"));
    }
}
