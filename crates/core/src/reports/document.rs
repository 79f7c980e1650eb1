//! What a rapporto d'intervento and a monthly statement print: plain data, already resolved to the
//! texts that appear on paper (Italian labels, local times, amounts in cents). The PDF and HTML
//! renderers (`rapportino-pdf`) draw these and look nothing up.
//!
//! [`ReportContent`] is also what signing freezes: its canonical JSON (field order as declared
//! here) goes into the signed snapshot, so fields are only ever added, with `#[serde(default)]`.

use rapportino_model::labels::Locale;
pub use rapportino_model::vocab::SignatureAbsence;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A party's name and address as printed (shop, client, site).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Party {
    pub name: String,
    /// Street, then `postcode city (province)`; empty lines left out.
    pub address_lines: Vec<String>,
    #[serde(default)]
    pub vat_number: Option<String>,
    #[serde(default)]
    pub fiscal_code: Option<String>,
    /// Phone and e-mail, as one line each.
    #[serde(default)]
    pub contact_lines: Vec<String>,
}

/// A value with its stable code and the label printed for it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Labelled {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct TicketBlock {
    pub number: String,
    pub title: String,
    pub severity: Labelled,
    pub urgent: bool,
    pub origin: Labelled,
    /// Local date and time the request arrived (`dd/mm/yyyy HH:MM`).
    pub reported_at: String,
    /// The ticket's waits for a third party, oldest first. Left out of the JSON when there are
    /// none, so reports signed before the state existed keep their bytes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<WaitLine>>", optional)]
    pub third_party_waits: Vec<WaitLine>,
}

/// A wait for a third party as printed: "Fastweb (operatore)", from, until, how long.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct WaitLine {
    /// The party's name and kind, `Fastweb (operatore)`.
    pub party: String,
    /// Local `dd/mm/yyyy HH:MM`.
    pub from: String,
    /// Local `dd/mm/yyyy HH:MM`; None while the ticket still waits.
    #[serde(default)]
    pub until: Option<String>,
    /// Wall-clock minutes waited (up to when the report was made, while it still waits).
    pub minutes: i64,
}

/// One stretch of work (a timer segment or a manual entry), in local time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct WorkPeriod {
    /// `dd/mm/yyyy`
    pub date: String,
    /// `HH:MM`
    pub start: String,
    /// `HH:MM`
    pub end: String,
    pub minutes: i64,
    /// "manual entry", "correction"… (None for a plain timer segment).
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct MaterialLine {
    pub description: String,
    pub quantity: f64,
    /// Before VAT ("IVA esclusa").
    pub unit_price_cents: i64,
    /// Before VAT.
    pub total_cents: i64,
    /// VAT rate in percent. Left out of the JSON when absent, so reports signed before rates
    /// existed keep their bytes (they print at the ordinary 22%, what their lines were).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_rate: Option<i64>,
}

impl MaterialLine {
    /// The rate the line is taxed at.
    pub fn rate(&self) -> i64 {
        self.vat_rate.unwrap_or(crate::vat::DEFAULT_VAT_RATE)
    }
}

impl ReportContent {
    /// The materials' totals: imponibile and IVA per rate, totale.
    pub fn materials_vat(&self) -> crate::vat::VatTotals {
        crate::vat::totals(self.materials.iter().map(|m| (m.rate(), m.total_cents)))
    }
}

/// Who paid for some of the billed minutes, and why.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct BillingLine {
    /// Allocation source code (`package`, `sla`, `billed`…) and its label.
    pub source: Labelled,
    /// Why this source paid (`package_earliest_expiry`…) and its label.
    pub reason: Labelled,
    pub contract_name: Option<String>,
    pub minutes: i64,
    pub amount_cents: i64,
}

/// A contract's allowance right after this intervention.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct BalanceAfter {
    pub contract_name: String,
    pub kind: Labelled,
    pub included_minutes: Option<i64>,
    pub remaining_minutes: Option<i64>,
    pub incident_tickets: Option<i64>,
    pub incident_left: Option<i64>,
    /// `dd/mm/yyyy`
    pub ends_on: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct BillingBlock {
    pub worked_minutes: i64,
    pub billed_minutes: i64,
    pub rounding_minutes: i64,
    pub minimum_minutes: i64,
    pub extra_time_minutes: i64,
    pub lines: Vec<BillingLine>,
    pub charges_cents: i64,
    pub balances_after: Vec<BalanceAfter>,
}

/// Everything a rapporto d'intervento prints. Built from the database for a draft; frozen inside
/// the signed snapshot once signed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct ReportContent {
    /// `RI-{year}-{device code}-{seq:04}`
    pub number: String,
    /// The number of the signed report this one amends.
    #[serde(default)]
    pub supersedes: Option<String>,
    pub shop: Party,
    pub client: Party,
    #[serde(default)]
    pub site: Option<Party>,
    pub ticket: TicketBlock,
    /// `on_site` / `remote` and its label.
    pub mode: Labelled,
    pub technician_code: String,
    pub technician_name: String,
    /// Local date of the work (`dd/mm/yyyy`).
    pub date: String,
    pub periods: Vec<WorkPeriod>,
    pub total_minutes: i64,
    pub work_done: String,
    #[serde(default)]
    pub outcome: Option<Labelled>,
    /// Why the cause lies outside the contract (or other outcome notes).
    #[serde(default)]
    pub outcome_reason: Option<String>,
    pub materials: Vec<MaterialLine>,
    pub materials_total_cents: i64,
    pub travel_km: f64,
    pub travel_minutes: i64,
    pub billing: BillingBlock,
    /// The IANA zone the times are in.
    pub time_zone: String,
}

/// One point of a signature stroke, in the signature box's own units (CSS pixels, y down).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct StrokePoint {
    pub x: f64,
    pub y: f64,
    /// 0–1; 0.5 when the device does not report pressure (a mouse).
    pub pressure: f64,
    /// Milliseconds since the stroke began.
    pub t: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Stroke {
    pub points: Vec<StrokePoint>,
}

/// A signature as captured: vector strokes inside a `width` × `height` box.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Signature {
    pub signer_name: String,
    pub width: f64,
    pub height: f64,
    pub strokes: Vec<Stroke>,
}

/// Why a report is signed by the technician alone, as recorded at signing and printed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CustomerAbsence {
    pub reason: SignatureAbsence,
    /// What happened, in the technician's words (may be empty).
    #[serde(default)]
    pub note: String,
}

impl CustomerAbsence {
    /// The sentence printed in the customer's box: "Cliente assente" (+ the note).
    pub fn sentence(&self) -> String {
        let label = self.reason.label(Locale::It);
        match self.note.trim() {
            "" => label.to_owned(),
            note => format!("{label}: {note}"),
        }
    }
}

/// Draft or signed, as the renderers need to know it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct SignedBlock {
    /// None when the customer was absent or refused to sign (see `customer_absence`).
    pub customer: Option<Signature>,
    #[serde(default)]
    pub customer_absence: Option<CustomerAbsence>,
    pub technician: Signature,
    /// Local date and time of signing (`dd/mm/yyyy HH:MM`).
    pub signed_at: String,
    /// SHA-256 of the signed snapshot, lowercase hex (64 characters).
    pub sha256: String,
}

/// What the report renderers draw: the content, and the signatures once signed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct ReportDocument {
    pub content: ReportContent,
    /// None for a draft (printed as "BOZZA – non firmato").
    #[serde(default)]
    pub signed: Option<SignedBlock>,
    /// The number of the report that amends this one, when there is one.
    #[serde(default)]
    pub superseded_by: Option<String>,
}

impl SignedBlock {
    /// The hash as printed on every page: the first 16 hex digits in groups of four.
    pub fn short_hash(&self) -> String {
        short_hash(&self.sha256)
    }
}

/// `a1b2c3d4…` → `a1b2 c3d4 e5f6 a7b8`.
pub fn short_hash(sha256: &str) -> String {
    sha256
        .chars()
        .take(16)
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// One contract's hours in a statement's chart: what the month used against what was available.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct ChartBar {
    pub label: String,
    /// Minutes used in the month.
    pub used_in_month: i64,
    /// Minutes used earlier in the same accounting period.
    pub used_before: i64,
    /// Minutes still available at the end of the month (None: no limit).
    pub remaining: Option<i64>,
}

/// One intervention of the month as a statement prints it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct StatementRow {
    /// `dd/mm/yyyy`
    pub date: String,
    pub ticket_number: String,
    pub mode: Labelled,
    pub worked_minutes: i64,
    pub billed_minutes: i64,
    /// Who paid: contract names or "a consuntivo", joined.
    pub paid_by: String,
    pub charges_cents: i64,
}

/// One contract's position at the end of the month.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct StatementBalance {
    pub contract_name: String,
    pub kind: Labelled,
    pub status: Labelled,
    pub included_minutes: Option<i64>,
    pub used_minutes: i64,
    pub remaining_minutes: Option<i64>,
    pub forfeited_minutes: i64,
    pub incident_tickets: Option<i64>,
    pub incident_left: Option<i64>,
    /// `dd/mm/yyyy`
    pub ends_on: String,
    /// Ends within 60 days after the month.
    pub expiring: bool,
}

/// Minutes of the month per contract (or billed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct StatementUsage {
    pub label: String,
    pub minutes: i64,
    pub amount_cents: i64,
}

/// Everything a monthly statement (rendiconto mensile) prints.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct StatementDocument {
    pub shop: Party,
    pub client: Party,
    /// `novembre 2026`
    pub month_label: String,
    /// `YYYY-MM`, for file names.
    pub month: String,
    pub rows: Vec<StatementRow>,
    pub usage: Vec<StatementUsage>,
    pub balances: Vec<StatementBalance>,
    pub chart: Vec<ChartBar>,
    pub incident_tickets_used: i64,
    pub incident_tickets_left: i64,
    pub billed_minutes: i64,
    /// Before VAT ("IVA esclusa").
    pub charges_cents: i64,
    /// Local date the statement was produced (`dd/mm/yyyy`).
    pub generated_on: String,
    /// The charges' VAT: services at the shop's default rate (imponibile, IVA, totale).
    #[serde(default)]
    pub vat: crate::vat::VatTotals,
    /// "Da fatturare": the month's billable lines (final work, materials, accepted quotes), as
    /// [`crate::views::billing`] computes them from the same replay.
    #[serde(default)]
    pub to_invoice: Vec<InvoiceRow>,
    /// Their totals: imponibile and IVA per rate, total with VAT.
    #[serde(default)]
    pub to_invoice_vat: crate::vat::VatTotals,
}

/// One line of a statement's "Da fatturare".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct InvoiceRow {
    pub description: String,
    /// Tickets or quote (`T-…`, `P-…`).
    pub reference: String,
    /// `1,5 h`, `34,5 km`, `2 pz`, or empty for a single item.
    pub quantity: String,
    pub unit_price_cents: i64,
    pub amount_cents: i64,
    pub vat_rate: i64,
}

/// The shop's logo as stored: PNG bytes, already validated and scaled down.
#[derive(Debug, Clone, PartialEq)]
pub struct Logo {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
}
