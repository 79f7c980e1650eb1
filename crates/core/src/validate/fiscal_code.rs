//! Codice Fiscale: 16 characters for people (with omocodia substitutions) ending in a check
//! letter, or 11 digits for companies (same algorithm as the Partita IVA).

use super::vat_number::validate_vat_number;
use crate::error::{Code, Error, Result};

/// Letters that replace digits in omocodia cases (0→L … 9→V).
const OMOCODIA: &[u8; 10] = b"LMNPQRSTUV";
const MONTHS: &[u8; 12] = b"ABCDEHLMPRST";
/// Values of characters in odd (1st, 3rd, …) positions, indexed by digit or letter.
const ODD_VALUES: [u32; 26] = [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

pub fn normalize_fiscal_code(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase()
}

fn char_index(c: u8) -> u32 {
    if c.is_ascii_digit() {
        u32::from(c - b'0')
    } else {
        u32::from(c - b'A')
    }
}

/// The check letter for the first fifteen characters of a personal Codice Fiscale
/// (upper-case ASCII letters and digits).
pub fn fiscal_code_check_char(first_fifteen: &[u8]) -> char {
    let sum: u32 = first_fifteen
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let idx = char_index(c) as usize;
            if i % 2 == 0 {
                ODD_VALUES[idx]
            } else {
                idx as u32
            }
        })
        .sum();
    char::from(b'A' + (sum % 26) as u8)
}

/// Validates a Codice Fiscale (personal or numeric) and returns it normalised.
pub fn validate_fiscal_code(field: &'static str, value: &str) -> Result<String> {
    let v = normalize_fiscal_code(value);
    if v.len() == 11 && v.bytes().all(|b| b.is_ascii_digit()) {
        return validate_vat_number(field, &v).map_err(|_| {
            Error::invalid(
                Code::InvalidFiscalCode,
                field,
                format!("{value:?} is not a valid numeric Codice Fiscale: wrong check digit"),
            )
        });
    }
    let bad = |why: &str| {
        Error::invalid(
            Code::InvalidFiscalCode,
            field,
            format!("{value:?} is not a valid Codice Fiscale: {why}"),
        )
    };
    if v.len() != 16 || !v.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(bad(
            "it must be 16 letters and digits (or 11 digits for a company)",
        ));
    }
    let b = v.as_bytes();
    let letter_at = |i: usize| b[i].is_ascii_uppercase();
    let digit_at = |i: usize| b[i].is_ascii_digit() || OMOCODIA.contains(&b[i]);
    let shape_ok = (0..6).all(letter_at)
        && [6, 7, 9, 10, 12, 13, 14].into_iter().all(digit_at)
        && MONTHS.contains(&b[8])
        && letter_at(11)
        && letter_at(15);
    if !shape_ok {
        return Err(bad("the characters are not in the expected places"));
    }
    let day = decode_digit(b[9]) * 10 + decode_digit(b[10]);
    if !(1..=31).contains(&day) && !(41..=71).contains(&day) {
        return Err(bad("the day of birth is out of range"));
    }
    if fiscal_code_check_char(&b[..15]) != char::from(b[15]) {
        return Err(bad("wrong check character"));
    }
    Ok(v)
}

fn decode_digit(c: u8) -> u32 {
    if c.is_ascii_digit() {
        u32::from(c - b'0')
    } else {
        OMOCODIA
            .iter()
            .position(|&o| o == c)
            .map_or(0, |p| p as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_codes() {
        // The Agenzia delle Entrate's own example, and an omocodia variant of it.
        assert_eq!(
            validate_fiscal_code("cf", "RSSMRA85T10A562S").unwrap(),
            "RSSMRA85T10A562S"
        );
        assert!(validate_fiscal_code("cf", "rssmra85t10a562s").is_ok());
        let omocode = "RSSMRA85T10A56NH";
        assert_eq!(fiscal_code_check_char(&omocode.as_bytes()[..15]), 'H');
        assert!(validate_fiscal_code("cf", omocode).is_ok());
    }

    #[test]
    fn bad_codes_are_refused_with_a_code() {
        for bad in [
            "RSSMRA85T10A562T",
            "RSSMRA85Z10A562S",
            "RSSMRA85T99A562S",
            "RSSMRA85T10A562",
            "12345678901",
        ] {
            let err = validate_fiscal_code("cf", bad).unwrap_err();
            assert_eq!(err.code(), Code::InvalidFiscalCode, "{bad}");
        }
    }

    #[test]
    fn numeric_codes_of_companies() {
        assert!(validate_fiscal_code("cf", "00743110157").is_ok());
    }
}
