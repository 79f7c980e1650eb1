//! One postal address for clients, sites and the shop: the same four fields, checked the same
//! way (Italian postcode and province), written to the same four columns and printed the same
//! way on reports and statements. Flattened into its owners, so the JSON and the UI's types keep
//! the fields side by side (`street`, `postcode`, `city`, `province`).

use rusqlite::Row;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::validate::{self, limits};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Address {
    #[serde(default)]
    #[ts(optional = nullable)]
    pub street: Option<String>,
    /// CAP: five digits.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub postcode: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub city: Option<String>,
    /// Sigla: two letters.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub province: Option<String>,
}

/// The columns an address is stored in, in [`Address::from_row`] order.
pub const COLUMNS: [&str; 4] = ["street", "postcode", "city", "province"];

impl Address {
    /// The address as typed, checked and cleaned (trimmed; empty means absent; province upper
    /// case). The error names the field.
    pub fn validated(&self) -> Result<Address> {
        Ok(Address {
            street: validate::optional_text("street", self.street.as_deref(), limits::ADDRESS)?,
            postcode: validate::optional_postcode("postcode", self.postcode.as_deref())?,
            city: validate::optional_text("city", self.city.as_deref(), limits::SHORT)?,
            province: validate::optional_province("province", self.province.as_deref())?,
        })
    }

    /// Each column with its value, for a write.
    pub fn columns(self) -> [(&'static str, Option<String>); 4] {
        let [street, postcode, city, province] = COLUMNS;
        [
            (street, self.street),
            (postcode, self.postcode),
            (city, self.city),
            (province, self.province),
        ]
    }

    /// Reads the four [`COLUMNS`] from column `at` on.
    pub fn from_row(r: &Row<'_>, at: usize) -> rusqlite::Result<Address> {
        Ok(Address {
            street: r.get(at)?,
            postcode: r.get(at + 1)?,
            city: r.get(at + 2)?,
            province: r.get(at + 3)?,
        })
    }

    /// As printed: the street, then `postcode city (province)`; empty lines left out.
    pub fn lines(&self) -> Vec<String> {
        let present = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let mut lines = Vec::new();
        if let Some(s) = present(&self.street) {
            lines.push(s);
        }
        let mut town = [present(&self.postcode), present(&self.city)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(p) = present(&self.province) {
            town = format!("{town} ({p})").trim().to_owned();
        }
        if !town.is_empty() {
            lines.push(town);
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(street: &str, postcode: &str, city: &str, province: &str) -> Address {
        let some = |s: &str| Some(s.to_owned());
        Address {
            street: some(street),
            postcode: some(postcode),
            city: some(city),
            province: some(province),
        }
    }

    #[test]
    fn printed_on_two_lines_without_empty_parts() {
        let a = addr(" Via Roma 1 ", "20121", "Milano", "MI");
        assert_eq!(a.lines(), ["Via Roma 1", "20121 Milano (MI)"]);
        let b = addr("", "", "Milano", "");
        assert_eq!(b.lines(), ["Milano"]);
        assert!(Address::default().lines().is_empty());
    }

    #[test]
    fn checked_field_by_field() {
        let bad = addr("Via Roma 1", "2012", "Milano", "MI");
        let e = bad.validated().unwrap_err();
        assert_eq!(e.field(), Some("postcode"));
        let ok = addr("Via Roma 1", "20121", "Milano", "mi")
            .validated()
            .unwrap();
        assert_eq!(ok.province.as_deref(), Some("MI"));
    }
}
