//! Partita IVA: 11 digits, the last a Luhn-style check digit.

use crate::error::{Code, Error, Result};

/// Strips spaces and an `IT` prefix, as people paste them from invoices.
pub fn normalize_vat_number(value: &str) -> String {
    let v: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    v.strip_prefix("IT").map(str::to_owned).unwrap_or(v)
}

/// The check digit for the first ten digits of a Partita IVA.
pub fn vat_check_digit(first_ten: &[u8; 10]) -> u8 {
    let mut sum = 0u32;
    for (i, &d) in first_ten.iter().enumerate() {
        let d = u32::from(d);
        if i % 2 == 0 {
            sum += d;
        } else {
            let doubled = d * 2;
            sum += if doubled > 9 { doubled - 9 } else { doubled };
        }
    }
    ((10 - sum % 10) % 10) as u8
}

/// Validates a Partita IVA and returns it normalised (11 digits).
pub fn validate_vat_number(field: &'static str, value: &str) -> Result<String> {
    let v = normalize_vat_number(value);
    if v.len() != 11 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(
            Code::InvalidVatNumber,
            field,
            format!("{value:?} is not a Partita IVA: it must be 11 digits"),
        ));
    }
    let digits: Vec<u8> = v.bytes().map(|b| b - b'0').collect();
    if digits[..7].iter().all(|&d| d == 0) {
        return Err(Error::invalid(
            Code::InvalidVatNumber,
            field,
            format!("{value:?} is not a Partita IVA: the taxpayer number is all zeros"),
        ));
    }
    let mut first_ten = [0u8; 10];
    first_ten.copy_from_slice(&digits[..10]);
    if vat_check_digit(&first_ten) != digits[10] {
        return Err(Error::invalid(
            Code::InvalidVatNumber,
            field,
            format!("{value:?} is not a valid Partita IVA: wrong check digit"),
        ));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vat_numbers() {
        // Published numbers of well-known Italian companies.
        for ok in [
            "00743110157",
            "IT 00743110157",
            "01114601006",
            "00488410010",
        ] {
            assert!(validate_vat_number("vat_number", ok).is_ok(), "{ok}");
        }
        for bad in [
            "00743110158",
            "0074311015",
            "0074311015A",
            "00000000000",
            "",
        ] {
            let err = validate_vat_number("vat_number", bad).unwrap_err();
            assert_eq!(err.code(), Code::InvalidVatNumber, "{bad}");
        }
    }
}
