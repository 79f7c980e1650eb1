//! Human numbers issued offline: `{prefix}-{year}-{device code}-{seq:04}` (`T-2026-MR-0017`,
//! `RI-2026-MR-0003`). Parsed by the hub (a pushed number must carry the pushing device's own
//! code and a sane sequence) and by devices (a pulled number with their own code moves their
//! counter past it).

/// The largest sequence a device issues in one year: far beyond any shop, far below overflow.
pub const MAX_SEQUENCE: i64 = 999_999;

/// A number's parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HumanNumber<'a> {
    pub prefix: &'a str,
    pub year: i32,
    pub device_code: &'a str,
    pub seq: i64,
}

/// Parses `T-2026-MR-0017`; `None` for anything else (a year outside 2000..=2999, a sequence
/// that is not 1..=[`MAX_SEQUENCE`] in plain digits, a device code that is not a device code).
pub fn parse(number: &str) -> Option<HumanNumber<'_>> {
    let mut parts = number.split('-');
    let (prefix, year, device_code, seq) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || prefix.is_empty()
        || !prefix.bytes().all(|b| b.is_ascii_uppercase())
    {
        return None;
    }
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(year, 4) || !digits(seq, 6) || !is_device_code(device_code) {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let seq: i64 = seq.parse().ok()?;
    ((2000..=2999).contains(&year) && (1..=MAX_SEQUENCE).contains(&seq)).then_some(HumanNumber {
        prefix,
        year,
        device_code,
        seq,
    })
}

/// A device code: 1 to 8 upper-case letters or digits (`MR`, `MR2`, `HUB`).
pub fn is_device_code(code: &str) -> bool {
    (1..=8).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// The prefix an entity's numbers carry.
pub fn prefix_of(entity: crate::Entity) -> Option<&'static str> {
    match entity {
        crate::Entity::Ticket => Some("T"),
        crate::Entity::Report => Some("RI"),
        crate::Entity::Quote => Some("P"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parse_and_insane_ones_do_not() {
        assert_eq!(
            parse("T-2026-MR-0017"),
            Some(HumanNumber {
                prefix: "T",
                year: 2026,
                device_code: "MR",
                seq: 17
            })
        );
        assert!(parse("RI-2026-MR2-123456").is_some());
        assert_eq!(parse("P-2026-MR-0001").map(|n| n.prefix), Some("P"));
        assert_eq!(prefix_of(crate::Entity::Quote), Some("P"));
        for bad in [
            "T-2026-BB-9223372036854775806",
            "T-2026-BB-0000",
            "T-2026-BB-+12",
            "T-2026-BB-1234567",
            "T-1999-BB-0001",
            "T-2026-bb-0001",
            "T-2026-BB-0001-1",
            "T-2026--0001",
            "x-2026-BB-0001",
            "",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
