//! `report`: rapporti d'intervento — create (numbered offline), show, sign with vector signatures
//! given as JSON, render to PDF or HTML, verify the hash, amend, list. `statements`: every
//! client's monthly statement PDF into a folder, with progress.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, Subcommand};
use rapportino_core::format::euro;
use rapportino_core::ids::{ClientId, InterventionId};
use rapportino_core::reports::{
    self, logo, CustomerAbsence, ReportDocument, ReportFilter, ReportStatus, ReportSummary,
    SignInput, Signature, SignatureAbsence, Stroke,
};
use rapportino_core::views::statements;
use rapportino_core::{Code, Error, Result, Store};
use rapportino_pdf::{export, html, Renderer};

use super::labels::hm;
use super::Paging;
use crate::output::{cell, more, or_dash, Out};

#[derive(Subcommand)]
pub enum ReportCommand {
    /// The report of an intervention: its open draft, or a new one with the next RI number.
    Create { intervention: InterventionId },
    /// Show a report's content (draft: as of now; signed: as frozen).
    Show { number: String },
    /// Sign a draft with the customer's and the technician's signatures (JSON files of strokes:
    /// `{"width":400,"height":150,"strokes":[{"points":[{"x":..,"y":..,"pressure":0.5,"t":0}]}]}`).
    /// With `--customer-absent absent|refused` the technician signs alone and the report says why.
    Sign {
        number: String,
        /// The customer's name as typed under the signature.
        #[arg(long, required_unless_present = "customer_absent")]
        customer_name: Option<String>,
        #[arg(long, value_name = "FILE", required_unless_present = "customer_absent")]
        customer_signature: Option<PathBuf>,
        #[arg(long, value_name = "FILE")]
        technician_signature: PathBuf,
        /// The customer did not sign: `absent` (cliente assente) or `refused` (rifiuta di firmare).
        #[arg(long, value_name = "REASON", conflicts_with_all = ["customer_name", "customer_signature"])]
        customer_absent: Option<SignatureAbsence>,
        /// What happened, printed beside the reason.
        #[arg(long, value_name = "TEXT", requires = "customer_absent")]
        absence_note: Option<String>,
    },
    /// Write the report as PDF (atomically: nothing is left behind on error).
    Pdf {
        number: String,
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Write the report as a self-contained HTML page (the app's preview).
    Html {
        number: String,
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Recompute the hash of a signed report's stored snapshot; exit code 1 when it differs.
    Verify { number: String },
    /// A new draft that supersedes a signed report (the amendment).
    Amend { number: String },
    /// Reports, newest first: search by number, client or ticket; filter by dates and status.
    List {
        /// Part of a report number, client name, ticket number or signer.
        query: Option<String>,
        #[arg(long)]
        client: Option<ClientId>,
        /// From this work date (dd/mm/yyyy or YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        /// draft or signed
        #[arg(long)]
        status: Option<ReportStatus>,
        #[command(flatten)]
        paging: Paging,
    },
}

#[derive(Args)]
pub struct StatementsArgs {
    /// The month: 2026-10 or 10/2026.
    #[arg(long)]
    month: String,
    /// Folder to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    dir: PathBuf,
    /// Only the first N clients (name order).
    #[arg(long)]
    limit: Option<usize>,
    /// Also write statements of clients with no work and no contract to report.
    #[arg(long)]
    include_empty: bool,
    /// Write the HTML pages instead of PDFs (benchmark input for other engines).
    #[arg(long)]
    html: bool,
    /// Rendering threads (default: one per core).
    #[arg(long)]
    jobs: Option<usize>,
}

/// A signature file as the app's pad writes it (README): `{"width", "height", "strokes"}`; a
/// `signer_name` in the file is kept, otherwise the name comes from `--customer-name` or, for the
/// technician, from the technician record when the report is signed.
#[derive(serde::Deserialize)]
struct SignatureFile {
    #[serde(default)]
    signer_name: String,
    width: f64,
    height: f64,
    strokes: Vec<Stroke>,
}

pub(crate) fn signature_file(path: &Path, field: &'static str) -> Result<Signature> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::invalid(
            Code::Io,
            field,
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    let file: SignatureFile = serde_json::from_str(&text).map_err(|e| {
        Error::invalid(
            Code::SignatureInvalid,
            field,
            format!("{} is not a signature: {e}", path.display()),
        )
    })?;
    Ok(Signature {
        signer_name: file.signer_name,
        width: file.width,
        height: file.height,
        strokes: file.strokes,
    })
}

fn print_document(d: &ReportDocument) -> String {
    let c = &d.content;
    let mut t = format!(
        "{} — {}{}\n{} · ticket {} {} · {} · {} ({})\nCliente: {}",
        c.number,
        match &d.signed {
            Some(s) => match (&s.customer, &s.customer_absence) {
                (Some(c), _) => format!("firmato il {} da {}", s.signed_at, c.signer_name),
                (None, why) => format!(
                    "firmato il {} dal solo tecnico ({})",
                    s.signed_at,
                    why.as_ref().map_or_else(String::new, |a| a.sentence())
                ),
            },
            None => "BOZZA, non firmato".to_owned(),
        },
        d.superseded_by
            .as_ref()
            .map_or(String::new(), |n| format!(" · sostituito da {n}")),
        c.date,
        c.ticket.number,
        c.ticket.title,
        c.mode.label,
        c.technician_name,
        c.technician_code,
        c.client.name
    );
    if let Some(n) = &c.supersedes {
        t.push_str(&format!("\nSostituisce il rapporto {n}"));
    }
    for p in &c.periods {
        t.push_str(&format!(
            "\n  {} {}–{} {}{}",
            p.date,
            p.start,
            p.end,
            hm(p.minutes),
            p.note.as_ref().map_or(String::new(), |n| format!(" ({n})"))
        ));
    }
    t.push_str(&format!("\nTotale: {}", hm(c.total_minutes)));
    if !c.work_done.is_empty() {
        t.push_str(&format!("\nLavoro svolto: {}", c.work_done));
    }
    if let Some(o) = &c.outcome {
        t.push_str(&format!("\nEsito: {}", o.label));
    }
    if let Some(r) = &c.outcome_reason {
        t.push_str(&format!(" — {r}"));
    }
    for m in &c.materials {
        t.push_str(&format!(
            "\n  {} × {} = {}",
            m.quantity,
            m.description,
            euro(m.total_cents)
        ));
    }
    t.push_str(&format!("\nAddebitato: {}", hm(c.billing.billed_minutes)));
    for l in &c.billing.lines {
        t.push_str(&format!(
            "\n  {} {} — {}{}",
            l.contract_name.as_deref().unwrap_or(&l.source.label),
            hm(l.minutes),
            l.reason.label,
            if l.amount_cents > 0 {
                format!(" · {}", euro(l.amount_cents))
            } else {
                String::new()
            }
        ));
    }
    for b in &c.billing.balances_after {
        t.push_str(&format!(
            "\n  saldo {}: {}",
            b.contract_name,
            b.remaining_minutes.map_or("—".to_owned(), hm)
        ));
    }
    if let Some(s) = &d.signed {
        t.push_str(&format!("\nSHA-256 {}", s.sha256));
    }
    t
}

fn print_list(items: &[ReportSummary]) -> String {
    let mut t = String::new();
    for r in items {
        t.push_str(&format!(
            "{} {} {} {} {}{}\n",
            cell(&r.report.number, 16),
            super::labels::date(&r.report.work_date),
            cell(&r.client_name, 28),
            cell(
                match r.report.status {
                    ReportStatus::Signed => "firmato",
                    ReportStatus::Draft => "bozza",
                },
                8
            ),
            r.report
                .snapshot_sha256
                .as_deref()
                .map_or(String::new(), reports::short_hash),
            r.superseded_by_number
                .as_ref()
                .map_or(String::new(), |n| format!(" → {n}"))
        ));
    }
    if items.is_empty() {
        t.push_str("nessun rapporto");
    }
    t
}

pub fn run(store: &mut Store, out: Out, c: ReportCommand) -> Result<()> {
    match c {
        ReportCommand::Create { intervention } => {
            let r = reports::create(store, intervention)?;
            out.emit(&r, |r| format!("{} (bozza)", r.number));
        }
        ReportCommand::Show { number } => {
            let r = reports::get_by_number(store, &number)?;
            out.emit(&reports::document(store, r.id)?, print_document);
        }
        ReportCommand::Sign {
            number,
            customer_name,
            customer_signature,
            technician_signature,
            customer_absent,
            absence_note,
        } => {
            let r = reports::get_by_number(store, &number)?;
            let customer = match customer_signature {
                Some(path) => {
                    let mut customer = signature_file(&path, "customer_signature")?;
                    customer.signer_name = customer_name.unwrap_or_default();
                    Some(customer)
                }
                None => None,
            };
            let technician = signature_file(&technician_signature, "technician_signature")?;
            let customer_absence = customer_absent.map(|reason| CustomerAbsence {
                reason,
                note: absence_note.unwrap_or_default(),
            });
            let signed = reports::sign(
                store,
                r.id,
                &SignInput {
                    customer,
                    technician,
                    customer_absence,
                },
            )?;
            out.emit(&signed, |r| {
                format!(
                    "{} firmato · SHA-256 {}",
                    r.number,
                    or_dash(&r.snapshot_sha256)
                )
            });
        }
        ReportCommand::Pdf { number, output } => {
            let r = reports::get_by_number(store, &number)?;
            let file = export::report_to_file(store, &Renderer::new()?, r.id, &output)?;
            out.emit(&file, |f| format!("{} ({} byte)", f.path, f.bytes));
        }
        ReportCommand::Html { number, output } => {
            let r = reports::get_by_number(store, &number)?;
            let doc = reports::document(store, r.id)?;
            let page = html::report(&doc, logo::get(store.conn())?.as_ref());
            rapportino_pdf::write_atomic(&output, page.as_bytes())?;
            out.emit(&output.display().to_string(), |p| p.clone());
        }
        ReportCommand::Verify { number } => {
            let r = reports::get_by_number(store, &number)?;
            let v = reports::verify(store, r.id)?;
            out.emit(&v, |v| {
                format!(
                    "{}: {}\n  memorizzato {}\n  ricalcolato {}",
                    v.number,
                    if v.matches {
                        "integro, l'impronta corrisponde"
                    } else {
                        "ALTERATO: l'impronta non corrisponde"
                    },
                    v.stored_sha256,
                    v.computed_sha256
                )
            });
            if !v.matches {
                return Err(Error::invalid(
                    Code::HashMismatch,
                    "snapshot",
                    format!(
                        "the stored snapshot of {} does not match its hash",
                        v.number
                    ),
                ));
            }
        }
        ReportCommand::Amend { number } => {
            let r = reports::amend(store, &number)?;
            out.emit(&r, |r| {
                format!("{} (bozza, sostituisce {number})", r.number)
            });
        }
        ReportCommand::List {
            query,
            client,
            from,
            to,
            status,
            paging,
        } => {
            let page = reports::list(
                store,
                &ReportFilter {
                    query,
                    client_id: client,
                    intervention_id: None,
                    from,
                    to,
                    status,
                },
                &paging.into(),
            )?;
            out.emit(&page, |p| {
                format!(
                    "{}{}",
                    print_list(&p.items),
                    more(p.has_more, p.offset, p.limit)
                )
            });
        }
    }
    Ok(())
}

/// `statement CLIENT MONTH --pdf FILE` / `--html FILE`: one client's statement as a document.
pub fn statement_file(
    store: &Store,
    out: Out,
    client: ClientId,
    month: &str,
    pdf: Option<&Path>,
    html_path: Option<&Path>,
) -> Result<()> {
    let (year, m) = statements::parse_month(month)?;
    if let Some(path) = pdf {
        let file = export::statement_to_file(store, &Renderer::new()?, client, year, m, path)?;
        out.emit(&file, |f| format!("{} ({} byte)", f.path, f.bytes));
    }
    if let Some(path) = html_path {
        let doc = reports::statement::for_client(store, client, year, m)?;
        let page = html::statement(&doc, logo::get(store.conn())?.as_ref());
        rapportino_pdf::write_atomic(path, page.as_bytes())?;
        out.emit(&path.display().to_string(), |p| p.clone());
    }
    Ok(())
}

/// `statements --month M --dir D`: every client's statement, progress on stderr.
pub fn batch(store: &Store, out: Out, a: StatementsArgs) -> Result<()> {
    let (year, month) = statements::parse_month(&a.month)?;
    let started = Instant::now();
    let mut last_report = Instant::now();
    let options = export::BatchOptions {
        limit: a.limit,
        include_empty: a.include_empty,
        html: a.html,
        workers: a.jobs,
    };
    let summary = export::statements_batch(store, year, month, &a.dir, &options, |p| {
        if !out.json && (p.done == p.total || last_report.elapsed().as_millis() >= 500) {
            last_report = Instant::now();
            eprint!(
                "\r{} / {} clienti · {} file scritti · {:.1} s   ",
                p.done,
                p.total,
                p.written,
                started.elapsed().as_secs_f64()
            );
            if p.done == p.total {
                eprintln!();
            }
        }
    })?;
    out.emit(&summary, |s| {
        format!(
            "{} rendiconti di {} in {} ({} clienti senza nulla da riportare saltati) · {:.1} s",
            s.written,
            s.month,
            s.dir,
            s.skipped,
            s.elapsed_ms as f64 / 1000.0
        )
    });
    Ok(())
}
