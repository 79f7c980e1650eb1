//! Input validation shared by every use case: text limits, e-mail, codes, and the Italian tax ids
//! (Partita IVA, Codice Fiscale) with their check characters.

mod fiscal_code;
mod vat_number;

pub use fiscal_code::{fiscal_code_check_char, normalize_fiscal_code, validate_fiscal_code};
pub use vat_number::{normalize_vat_number, validate_vat_number, vat_check_digit};

use crate::error::{Code, Error, Result};

/// Length limits, in characters. Generous for people, tight enough that a pasted log file or a
/// runaway script is refused instead of bloating the database.
pub mod limits {
    pub const NAME: usize = 200;
    pub const SHORT: usize = 120;
    pub const ADDRESS: usize = 300;
    pub const NOTES: usize = 10_000;
    pub const DESCRIPTION: usize = 20_000;
    pub const EMAIL: usize = 254;
    pub const PHONE: usize = 40;
    pub const QUERY: usize = 200;
    /// A record's id in another tool (CSV import).
    pub const EXTERNAL_ID: usize = 64;
}

/// Trims `value` and checks it is not empty and within `max` characters.
pub fn required_text(field: &'static str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::required(field));
    }
    check_len(field, v, max)?;
    Ok(v.to_owned())
}

/// Trims `value`; an empty value becomes `None`; checks the length.
pub fn optional_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => {
            check_len(field, v, max)?;
            Ok(Some(v.to_owned()))
        }
    }
}

fn check_len(field: &'static str, v: &str, max: usize) -> Result<()> {
    let n = v.chars().count();
    if n > max {
        return Err(Error::invalid(
            Code::TooLong,
            field,
            format!("is {n} characters long, the limit is {max}"),
        ));
    }
    Ok(())
}

/// A plausible e-mail address: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn optional_email(field: &'static str, value: Option<&str>) -> Result<Option<String>> {
    let Some(v) = optional_text(field, value, limits::EMAIL)? else {
        return Ok(None);
    };
    let v = v.to_lowercase();
    let ok = match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
                && !v.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if !ok {
        return Err(Error::invalid(
            Code::InvalidFormat,
            field,
            format!("{v:?} is not a valid e-mail address"),
        ));
    }
    Ok(Some(v))
}

/// A phone number: digits with the usual separators and an optional leading `+`.
pub fn optional_phone(field: &'static str, value: Option<&str>) -> Result<Option<String>> {
    let Some(v) = optional_text(field, value, limits::PHONE)? else {
        return Ok(None);
    };
    let ok = v.chars().any(|c| c.is_ascii_digit())
        && v.chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || " ./-()".contains(c) || (c == '+' && i == 0));
    if !ok {
        return Err(Error::invalid(
            Code::InvalidFormat,
            field,
            format!("{v:?} is not a valid phone number"),
        ));
    }
    Ok(Some(v))
}

/// A technician's short code: 2–4 letters, stored upper-case (e.g. `MR`).
pub fn technician_code(field: &'static str, value: &str) -> Result<String> {
    let v = required_text(field, value, 4)?.to_uppercase();
    if !(2..=4).contains(&v.len()) || !v.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(Error::invalid(
            Code::InvalidFormat,
            field,
            format!("{v:?} must be 2 to 4 letters (A–Z)"),
        ));
    }
    Ok(v)
}

/// A device code: 2–4 letters optionally followed by 1–2 digits (e.g. `MR`, `MR2`). It goes into
/// every ticket and report number this device issues.
pub fn device_code(field: &'static str, value: &str) -> Result<String> {
    let v = required_text(field, value, 6)?.to_uppercase();
    let letters = v.chars().take_while(|c| c.is_ascii_uppercase()).count();
    let digits = &v[letters..];
    if !(2..=4).contains(&letters)
        || digits.len() > 2
        || !digits.chars().all(|c| c.is_ascii_digit())
    {
        return Err(Error::invalid(
            Code::InvalidFormat,
            field,
            format!("{v:?} must be 2 to 4 letters optionally followed by up to 2 digits"),
        ));
    }
    Ok(v)
}

/// An Italian postcode (CAP): five digits.
/// A day of the year without the year: `MM-DD` or `DD/MM`, normalised to `MM-DD`.
pub fn optional_month_day(field: &'static str, value: Option<&str>) -> Result<Option<String>> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let parsed = if let Some((m, d)) = v.split_once('-') {
        m.parse::<u32>().ok().zip(d.parse::<u32>().ok())
    } else if let Some((d, m)) = v.split_once('/') {
        m.parse::<u32>().ok().zip(d.parse::<u32>().ok())
    } else {
        None
    };
    match parsed {
        // 2024 is a leap year: 29 February is a valid day of the year.
        Some((m, d)) if chrono::NaiveDate::from_ymd_opt(2024, m, d).is_some() => {
            Ok(Some(format!("{m:02}-{d:02}")))
        }
        _ => Err(Error::invalid(
            Code::InvalidFormat,
            field,
            format!("{v:?} is not a day of the year (use DD/MM or MM-DD)"),
        )),
    }
}

pub fn optional_postcode(field: &'static str, value: Option<&str>) -> Result<Option<String>> {
    let Some(v) = optional_text(field, value, 5)? else {
        return Ok(None);
    };
    if v.len() != 5 || !v.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid(
            Code::InvalidFormat,
            field,
            format!("{v:?} is not a 5-digit CAP"),
        ));
    }
    Ok(Some(v))
}

/// An Italian province abbreviation: two letters, upper-case (e.g. `MI`).
pub fn optional_province(field: &'static str, value: Option<&str>) -> Result<Option<String>> {
    let Some(v) = optional_text(field, value, 2)? else {
        return Ok(None);
    };
    let v = v.to_uppercase();
    if v.len() != 2 || !v.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(Error::invalid(
            Code::InvalidFormat,
            field,
            format!("{v:?} is not a two-letter province"),
        ));
    }
    Ok(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_limits() {
        assert_eq!(required_text("name", "  Rossi  ", 10).unwrap(), "Rossi");
        assert_eq!(
            required_text("name", "   ", 10).unwrap_err().code(),
            Code::Required
        );
        assert_eq!(
            required_text("name", &"x".repeat(11), 10)
                .unwrap_err()
                .code(),
            Code::TooLong
        );
        // Limits count characters, not bytes.
        assert!(required_text("name", "àèìòù", 5).is_ok());
        assert_eq!(optional_text("notes", Some("  "), 10).unwrap(), None);
    }

    #[test]
    fn emails() {
        assert_eq!(
            optional_email("email", Some(" Info@Rossi.IT "))
                .unwrap()
                .as_deref(),
            Some("info@rossi.it")
        );
        for bad in [
            "info",
            "info@",
            "@rossi.it",
            "a@b",
            "a b@c.it",
            "a@@c.it",
            "a@c..it",
        ] {
            assert!(optional_email("email", Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn codes() {
        assert_eq!(technician_code("code", "mr").unwrap(), "MR");
        assert!(technician_code("code", "M").is_err());
        assert!(technician_code("code", "MARIO").is_err());
        assert!(technician_code("code", "M1").is_err());
        assert_eq!(device_code("code", "mr2").unwrap(), "MR2");
        assert!(device_code("code", "2MR").is_err());
        assert!(device_code("code", "MR123").is_err());
    }

    #[test]
    fn phone_postcode_province() {
        assert!(optional_phone("phone", Some("+39 02 1234.5678")).is_ok());
        assert!(optional_phone("phone", Some("chiamami")).is_err());
        assert!(optional_postcode("cap", Some("20121")).is_ok());
        assert!(optional_postcode("cap", Some("2012")).is_err());
        assert_eq!(
            optional_province("prov", Some("mi")).unwrap().as_deref(),
            Some("MI")
        );
        assert!(optional_province("prov", Some("M1")).is_err());
    }
}
