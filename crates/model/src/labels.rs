//! The words people read for the stored vocabularies — severity, origin, ticket status,
//! intervention mode, outcome — and the month names, written once per language (Italian first).
//!
//! Everything that shows them reads this module: the printed reports and statements (core builds
//! their `Labelled` values from it, the PDF prints the field names), the CLI, the tray (its
//! [`Locale`]) and the UI, through `ui/src/bindings/labels.ts`, which [`typescript`] writes and
//! core's bindings test keeps fresh (`UPDATE_BINDINGS=1 cargo test -p rapportino-core --test
//! bindings`).
//!
//! A shop may rename the three severity classes (core's `SeverityLabels`, whose defaults are the
//! Italian labels here); where it does, its names are shown instead of [`Severity::label`].
//!
//! **How to add a language**: a variant in [`Locale`], a column in every table below (the
//! compiler lists the matches to fill), and the UI's dictionary of the same name.

use crate::status::TicketStatus;
use crate::vocab::{InterventionMode, Origin, Outcome, PartyKind, Severity, SignatureAbsence};

/// A language the labels are written in. Italian is the default: the app speaks Italian first
/// and documents go to Italian clients.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    It,
    En,
}

impl Locale {
    pub const ALL: &'static [Locale] = &[Locale::It, Locale::En];

    /// `it`, `en`: the UI's language codes.
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::It => "it",
            Locale::En => "en",
        }
    }
}

impl std::fmt::Display for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Locale {
    type Err = crate::ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Locale::ALL
            .iter()
            .copied()
            .find(|l| l.as_str() == s.trim().to_lowercase())
            .ok_or_else(|| crate::ParseError {
                field: "locale",
                message: format!("unknown language {s:?}: use it or en"),
            })
    }
}

/// One labelled vocabulary, for the tables written out of Rust (the UI's).
struct Table {
    /// The UI's key prefix: `severity` gives `severity.blocking` and `field.severity`.
    key: &'static str,
    title: fn(Locale) -> &'static str,
    entries: fn(Locale) -> Vec<(&'static str, &'static str)>,
}

macro_rules! labels {
    ($(
        $ty:ident as $key:literal, title ($title_it:literal, $title_en:literal) {
            $($variant:ident => ($it:literal, $en:literal)),* $(,)?
        }
    )*) => {
        $(
            impl $ty {
                /// What people read for this value in `locale`.
                pub fn label(self, locale: Locale) -> &'static str {
                    match locale {
                        Locale::It => match self { $($ty::$variant => $it),* },
                        Locale::En => match self { $($ty::$variant => $en),* },
                    }
                }

                /// What the field holding this vocabulary is called in `locale`.
                pub fn title(locale: Locale) -> &'static str {
                    match locale {
                        Locale::It => $title_it,
                        Locale::En => $title_en,
                    }
                }
            }
        )*

        const TABLES: &[Table] = &[$(
            Table {
                key: $key,
                title: $ty::title,
                entries: |l| $ty::ALL.iter().map(|v| (v.as_str(), v.label(l))).collect(),
            }
        ),*];
    };
}

labels! {
    Severity as "severity", title ("Gravità", "Severity") {
        Blocking => ("Bloccante", "Blocking"),
        Degraded => ("Disservizio", "Degraded"),
        Request => ("Richiesta", "Request"),
    }

    Origin as "origin", title ("Origine", "Origin") {
        Phone => ("Telefono", "Phone"),
        Email => ("E-mail", "E-mail"),
        WebForm => ("Modulo web", "Web form"),
        Monitoring => ("Monitoraggio", "Monitoring"),
        Chat => ("Chat", "Chat"),
        OnSite => ("Di persona", "In person"),
        Other => ("Altro", "Other"),
    }

    TicketStatus as "status", title ("Stato", "Status") {
        New => ("Nuovo", "New"),
        Taken => ("Preso in carico", "Taken in charge"),
        InProgress => ("In lavorazione", "In progress"),
        WaitingClient => ("In attesa del cliente", "Waiting for client"),
        WaitingThirdParty => ("In attesa di terzi", "Waiting for third party"),
        Resolved => ("Risolto", "Resolved"),
        Closed => ("Chiuso", "Closed"),
        Cancelled => ("Annullato", "Cancelled"),
    }

    PartyKind as "party", title ("Terza parte", "Third party") {
        Carrier => ("Corriere", "Carrier"),
        Vendor => ("Fornitore", "Vendor"),
        Provider => ("Operatore", "Provider"),
        Other => ("Altro", "Other"),
    }

    InterventionMode as "mode", title ("Modalità", "Mode") {
        OnSite => ("In sede", "On site"),
        Remote => ("Da remoto", "Remote"),
    }

    Outcome as "outcome", title ("Esito", "Outcome") {
        Resolved => ("Risolto", "Resolved"),
        FollowUp => ("Serve un seguito", "Needs follow-up"),
        OutOfContract => ("Causa esterna al contratto", "Cause outside the contract"),
    }

    SignatureAbsence as "absence", title ("Firma del cliente", "Customer's signature") {
        Absent => ("Cliente assente", "Customer absent"),
        Refused => ("Il cliente rifiuta di firmare", "The customer refuses to sign"),
    }
}

const MONTHS_IT: [&str; 12] = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_SHORT_IT: [&str; 12] = [
    "gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic",
];
const MONTHS_SHORT_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn months(locale: Locale) -> &'static [&'static str; 12] {
    match locale {
        Locale::It => &MONTHS_IT,
        Locale::En => &MONTHS_EN,
    }
}

fn months_short(locale: Locale) -> &'static [&'static str; 12] {
    match locale {
        Locale::It => &MONTHS_SHORT_IT,
        Locale::En => &MONTHS_SHORT_EN,
    }
}

/// `3` → `marzo` / `March`; `None` outside 1–12.
pub fn month_name(month: u32, locale: Locale) -> Option<&'static str> {
    months(locale).get(month.checked_sub(1)? as usize).copied()
}

/// `3` → `mar` / `Mar` (charts, narrow columns); `None` outside 1–12.
pub fn month_short(month: u32, locale: Locale) -> Option<&'static str> {
    months_short(locale)
        .get(month.checked_sub(1)? as usize)
        .copied()
}

/// `(2026, 11)` → `novembre 2026` / `November 2026` (`? 2026` for a month outside 1–12).
pub fn month_year(year: i32, month: u32, locale: Locale) -> String {
    format!("{} {year}", month_name(month, locale).unwrap_or("?"))
}

/// `ui/src/bindings/labels.ts`: the tables above for the UI, one dictionary per language
/// (`severity.blocking`, `field.severity`…, merged into the UI's own dictionaries) and the month
/// names.
pub fn typescript() -> String {
    let lit = |s: &str| serde_json::Value::from(s).to_string();
    let mut out = String::from(
        "// Generated from crates/model/src/labels.rs by crates/core/tests/bindings.rs: do not edit.\n\
         // Regenerate: UPDATE_BINDINGS=1 cargo test -p rapportino-core --test bindings\n\n\
         /** The words for the stored vocabularies and their fields, per language (Italian first). */\n\
         export const LABELS = {\n",
    );
    for &locale in Locale::ALL {
        out.push_str(&format!("  {}: {{\n", locale.as_str()));
        for t in TABLES {
            let key = format!("field.{}", t.key);
            out.push_str(&format!("    {}: {},\n", lit(&key), lit((t.title)(locale))));
            for (code, label) in (t.entries)(locale) {
                let key = format!("{}.{code}", t.key);
                out.push_str(&format!("    {}: {},\n", lit(&key), lit(label)));
            }
        }
        out.push_str("  },\n");
    }
    out.push_str("} as const;\n\n/** Month names, January first. */\nexport const MONTHS = {\n");
    for &locale in Locale::ALL {
        let names: Vec<String> = months(locale).iter().map(|m| lit(m)).collect();
        out.push_str(&format!("  {}: [{}],\n", locale.as_str(), names.join(", ")));
    }
    out.push_str("} as const;\n\n/** Short month names (charts), January first. */\nexport const MONTHS_SHORT = {\n");
    for &locale in Locale::ALL {
        let names: Vec<String> = months_short(locale).iter().map(|m| lit(m)).collect();
        out.push_str(&format!("  {}: [{}],\n", locale.as_str(), names.join(", ")));
    }
    out.push_str("} as const;\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_first_english_on_request() {
        assert_eq!(Locale::default(), Locale::It);
        assert_eq!(InterventionMode::OnSite.label(Locale::It), "In sede");
        assert_eq!(Origin::OnSite.label(Locale::It), "Di persona");
        assert_eq!(InterventionMode::OnSite.label(Locale::En), "On site");
        assert_eq!(TicketStatus::InProgress.label(Locale::It), "In lavorazione");
        assert_eq!(Severity::title(Locale::It), "Gravità");
        assert_eq!("en".parse::<Locale>(), Ok(Locale::En));
        assert!("de".parse::<Locale>().is_err());
    }

    #[test]
    fn every_value_has_a_label_in_every_language_and_no_two_collide() {
        for &locale in Locale::ALL {
            for t in TABLES {
                let entries = (t.entries)(locale);
                assert!(!(t.title)(locale).is_empty());
                for (i, (code, label)) in entries.iter().enumerate() {
                    assert!(!label.trim().is_empty(), "{}.{code} in {locale}", t.key);
                    assert!(
                        entries[..i].iter().all(|(_, other)| other != label),
                        "{}: {label:?} twice in {locale}",
                        t.key
                    );
                }
            }
        }
    }

    #[test]
    fn month_names() {
        assert_eq!(month_name(1, Locale::It), Some("gennaio"));
        assert_eq!(month_name(12, Locale::En), Some("December"));
        assert_eq!(month_short(5, Locale::It), Some("mag"));
        assert_eq!(month_name(0, Locale::It), None);
        assert_eq!(month_name(13, Locale::It), None);
        assert_eq!(month_year(2026, 11, Locale::It), "novembre 2026");
        assert_eq!(month_year(2026, 13, Locale::It), "? 2026");
        for &l in Locale::ALL {
            for m in 1..=12 {
                let (long, short) = (month_name(m, l).unwrap(), month_short(m, l).unwrap());
                assert!(long.starts_with(short), "{short} abbreviates {long}");
            }
        }
    }

    #[test]
    fn the_typescript_table_holds_every_label() {
        let ts = typescript();
        for &l in Locale::ALL {
            for s in Severity::ALL {
                assert!(ts.contains(&format!("\"severity.{s}\": \"{}\"", s.label(l))));
            }
            for s in TicketStatus::ALL {
                assert!(ts.contains(&format!("\"status.{s}\": \"{}\"", s.label(l))));
            }
            assert!(ts.contains(&format!("\"{}\"", month_name(9, l).unwrap())));
        }
        assert!(ts.contains("\"field.mode\": \"Modalità\""));
    }
}
