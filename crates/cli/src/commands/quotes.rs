//! `catalogue`: the article catalogue (code, description, unit, price before VAT, VAT rate) with
//! search as you type. `quote`: preventivi — new (numbered offline), lines, show, list, send
//! (its PDF attached to the outbox message), accept with the customer's signature (JSON strokes,
//! as `report sign`), refuse, pdf, verify.

use std::path::PathBuf;

use clap::Subcommand;
use rapportino_core::catalogue::{self, Article, ArticleInput};
use rapportino_core::format::{euro, parse_euro};
use rapportino_core::ids::ClientId;
use rapportino_core::quotes::{
    self, AcceptInput, NewQuote, Quote, QuoteFilter, QuoteLineInput, QuoteLineKind, QuotePatch,
    QuoteState, RefuseInput,
};
use rapportino_core::vat::VatTotals;
use rapportino_core::{Code, Error, Result, Store};
use rapportino_pdf::{attachments, export, Renderer};

use crate::output::{cell, or_dash, Out};

#[derive(Subcommand)]
pub enum CatalogueCommand {
    /// Add an article.
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        description: String,
        /// pz, m, h, conf… (default pz)
        #[arg(long)]
        unit: Option<String>,
        /// Unit price before VAT in euro (12,50 or 12.50).
        #[arg(long)]
        price: String,
        /// VAT rate in percent (default 22).
        #[arg(long)]
        vat: Option<i64>,
    },
    /// Edit an article (by code): every field is given again.
    Edit {
        code: String,
        /// A new code.
        #[arg(long)]
        new_code: Option<String>,
        #[arg(long)]
        description: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        price: Option<String>,
        #[arg(long)]
        vat: Option<i64>,
    },
    /// Articles whose code starts with, or whose code or description contains, the text.
    List {
        #[arg(long, default_value = "")]
        search: String,
        /// Archived articles too.
        #[arg(long)]
        archived: bool,
    },
    /// Archive an article (it leaves the picker; lines that used it keep it).
    Archive { code: String },
    /// Bring an archived article back.
    Restore { code: String },
}

#[derive(Subcommand)]
pub enum QuoteCommand {
    /// A new draft quote for a client (and a ticket), numbered P-{year}-{device}-{seq}.
    New {
        #[arg(long)]
        client: ClientId,
        /// The ticket (id or number) the quote is for.
        #[arg(long)]
        ticket: Option<String>,
        /// dd/mm/yyyy or YYYY-MM-DD (default: 30 days from today).
        #[arg(long)]
        valid_until: Option<String>,
        #[arg(long)]
        notes: Option<String>,
    },
    /// Lines of a draft.
    #[command(subcommand)]
    Line(LineCommand),
    /// A draft's validity and notes.
    Edit {
        number: String,
        #[arg(long)]
        valid_until: Option<String>,
        #[arg(long)]
        notes: Option<String>,
    },
    /// A quote's lines, VAT per rate and totals, state and dates.
    Show { number: String },
    /// Quotes, newest first.
    List {
        #[arg(long)]
        client: Option<ClientId>,
        /// A ticket (id or number).
        #[arg(long)]
        ticket: Option<String>,
        /// draft, sent, accepted, refused or expired
        #[arg(long)]
        state: Option<QuoteState>,
    },
    /// Send the quote: it becomes `sent`, its message is queued with the PDF attached (when
    /// customer mail is on).
    Send { number: String },
    /// The customer accepts, signing (a JSON file of strokes, as `report sign`).
    Accept {
        number: String,
        #[arg(long)]
        customer_name: String,
        #[arg(long, value_name = "FILE")]
        customer_signature: PathBuf,
    },
    /// The customer refuses (today, or on --date), with an optional reason.
    Refuse {
        number: String,
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Write the quote as PDF.
    Pdf {
        number: String,
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Recompute the hash of an accepted quote's snapshot; exit code 1 when it differs.
    Verify { number: String },
}

#[derive(Subcommand)]
pub enum LineCommand {
    /// Add a line: labour (hours × rate, the shop's on-site rate by default), material (from the
    /// catalogue with --article, or free text), fixed (a flat price).
    Add {
        number: String,
        #[arg(long)]
        kind: QuoteLineKind,
        #[arg(long)]
        description: Option<String>,
        /// Hours for labour, units for a material (default 1); 1,5 or 1.5.
        #[arg(long, value_parser = decimal)]
        quantity: Option<f64>,
        #[arg(long)]
        unit: Option<String>,
        /// Unit price (hourly rate for labour) before VAT, in euro.
        #[arg(long)]
        price: Option<String>,
        /// VAT rate in percent.
        #[arg(long)]
        vat: Option<i64>,
        /// A catalogue article's code (material lines).
        #[arg(long)]
        article: Option<String>,
    },
    /// Remove line N (as numbered by `quote show`, from 1).
    Remove { number: String, line: usize },
}

/// `1,5` or `1.5`.
fn decimal(s: &str) -> std::result::Result<f64, String> {
    s.trim()
        .replace(',', ".")
        .parse::<f64>()
        .map_err(|_| format!("{s:?} is not a number (1,5 or 1.5)"))
}

fn article_by_code(store: &Store, code: &str) -> Result<Article> {
    catalogue::find(store, code)?.ok_or_else(|| {
        Error::invalid(
            Code::NotFound,
            "article",
            format!("no article with code {code:?}"),
        )
    })
}

fn price(field: &'static str, p: Option<&str>) -> Result<Option<i64>> {
    p.map(|p| parse_euro(field, p)).transpose()
}

fn article_line(a: &Article) -> String {
    format!(
        "{} {} {:>12}/{} IVA {:>3}%{}",
        cell(&a.code, 14),
        cell(&a.description, 40),
        euro(a.unit_price_cents),
        a.unit,
        a.vat_rate,
        if a.archived { "  (archiviato)" } else { "" }
    )
}

pub fn catalogue(store: &mut Store, out: Out, c: CatalogueCommand) -> Result<()> {
    match c {
        CatalogueCommand::Add {
            code,
            description,
            unit,
            price: p,
            vat,
        } => {
            let a = catalogue::create(
                store,
                &ArticleInput {
                    code,
                    description,
                    unit,
                    unit_price_cents: parse_euro("price", &p)?,
                    vat_rate: vat,
                },
            )?;
            out.emit(&a, article_line);
        }
        CatalogueCommand::Edit {
            code,
            new_code,
            description,
            unit,
            price: p,
            vat,
        } => {
            let a = article_by_code(store, &code)?;
            let a = catalogue::update(
                store,
                a.id,
                &ArticleInput {
                    code: new_code.unwrap_or(a.code),
                    description: description.unwrap_or(a.description),
                    unit: Some(unit.unwrap_or(a.unit)),
                    unit_price_cents: price("price", p.as_deref())?.unwrap_or(a.unit_price_cents),
                    vat_rate: Some(vat.unwrap_or(a.vat_rate)),
                },
            )?;
            out.emit(&a, article_line);
        }
        CatalogueCommand::List { search, archived } => {
            let list = catalogue::search(store, &search, archived)?;
            out.emit(&list, |l| {
                if l.is_empty() {
                    "Nessun articolo.".to_owned()
                } else {
                    l.iter().map(article_line).collect::<Vec<_>>().join("\n")
                }
            });
        }
        CatalogueCommand::Archive { code } => {
            let a = article_by_code(store, &code)?;
            let a = catalogue::set_archived(store, a.id, true)?;
            out.emit(&a, article_line);
        }
        CatalogueCommand::Restore { code } => {
            let a = article_by_code(store, &code)?;
            let a = catalogue::set_archived(store, a.id, false)?;
            out.emit(&a, article_line);
        }
    }
    Ok(())
}

fn totals_text(t: &VatTotals) -> String {
    let mut s = String::new();
    for r in &t.per_rate {
        s.push_str(&format!(
            "\n  IVA {:>3}% su {:>12}: {:>12}",
            r.rate,
            euro(r.taxable_cents),
            euro(r.vat_cents)
        ));
    }
    s.push_str(&format!(
        "\n  Imponibile {}  IVA {}  Totale {}",
        euro(t.taxable_cents),
        euro(t.vat_cents),
        euro(t.total_cents)
    ));
    s
}

fn show(q: &Quote) -> String {
    let mut t = format!(
        "{} — {} · {} · valido fino al {}{}",
        q.number,
        q.state.label(),
        q.client_name,
        q.valid_until,
        q.ticket_number
            .as_ref()
            .map_or(String::new(), |n| format!(" · ticket {n}"))
    );
    for (i, l) in q.lines.iter().enumerate() {
        t.push_str(&format!(
            "\n  {:>2}. {} {} × {} {} a {} = {} (IVA {}%)",
            i + 1,
            l.kind.label(),
            l.quantity,
            l.unit,
            l.description,
            euro(l.unit_price_cents),
            euro(l.total_cents),
            l.vat_rate
        ));
    }
    t.push_str("\n  Prezzi IVA esclusa");
    t.push_str(&totals_text(&q.totals));
    if let Some(n) = &q.notes {
        t.push_str(&format!("\nNote: {n}"));
    }
    if let Some(at) = &q.sent_at {
        t.push_str(&format!("\nInviato: {at}"));
    }
    if let (Some(at), Some(who)) = (&q.accepted_at, &q.signer_name) {
        t.push_str(&format!(
            "\nAccettato: {at} da {who} · SHA-256 {}",
            or_dash(&q.snapshot_sha256)
        ));
    }
    if let Some(at) = &q.refused_at {
        t.push_str(&format!(
            "\nRifiutato: {at}{}",
            q.refusal_reason
                .as_ref()
                .map_or(String::new(), |r| format!(" — {r}"))
        ));
    }
    t
}

fn summary(q: &Quote) -> String {
    format!(
        "{} {} {} {:>12} {}",
        cell(&q.number, 18),
        cell(q.state.label(), 10),
        q.valid_until,
        euro(q.totals.total_cents),
        cell(&q.client_name, 30)
    )
}

pub fn quote(store: &mut Store, out: Out, c: QuoteCommand) -> Result<()> {
    match c {
        QuoteCommand::New {
            client,
            ticket,
            valid_until,
            notes,
        } => {
            let ticket_id = ticket
                .map(|t| super::tickets::resolve(store, &t))
                .transpose()?;
            let q = quotes::create(
                store,
                &NewQuote {
                    client_id: client,
                    ticket_id,
                    valid_until,
                    notes,
                },
            )?;
            out.emit(&q, show);
        }
        QuoteCommand::Line(LineCommand::Add {
            number,
            kind,
            description,
            quantity,
            unit,
            price: p,
            vat,
            article,
        }) => {
            let q = quotes::get_by_number(store, &number)?;
            let article_id = article
                .map(|code| article_by_code(store, &code).map(|a| a.id))
                .transpose()?;
            let q = quotes::add_line(
                store,
                q.id,
                &QuoteLineInput {
                    kind,
                    description,
                    quantity,
                    unit,
                    unit_price_cents: price("price", p.as_deref())?,
                    vat_rate: vat,
                    article_id,
                },
            )?;
            out.emit(&q, show);
        }
        QuoteCommand::Line(LineCommand::Remove { number, line }) => {
            let q = quotes::get_by_number(store, &number)?;
            if line == 0 {
                return Err(Error::invalid(
                    Code::NotFound,
                    "line",
                    "lines are numbered from 1",
                ));
            }
            let q = quotes::remove_line(store, q.id, line - 1)?;
            out.emit(&q, show);
        }
        QuoteCommand::Edit {
            number,
            valid_until,
            notes,
        } => {
            let q = quotes::get_by_number(store, &number)?;
            let q = quotes::update(store, q.id, &QuotePatch { valid_until, notes })?;
            out.emit(&q, show);
        }
        QuoteCommand::Show { number } => {
            let q = quotes::get_by_number(store, &number)?;
            out.emit(&q, show);
        }
        QuoteCommand::List {
            client,
            ticket,
            state,
        } => {
            let ticket_id = ticket
                .map(|t| super::tickets::resolve(store, &t))
                .transpose()?;
            let list = quotes::list(
                store,
                &QuoteFilter {
                    client_id: client,
                    ticket_id,
                    state,
                },
            )?;
            out.emit(&list, |l| {
                if l.is_empty() {
                    "Nessun preventivo.".to_owned()
                } else {
                    l.iter().map(summary).collect::<Vec<_>>().join("\n")
                }
            });
        }
        QuoteCommand::Send { number } => {
            let q = quotes::get_by_number(store, &number)?;
            let (q, message) = quotes::send(store, q.id)?;
            // The PDF the message waits for, rendered now (byte-identical to `quote pdf`).
            if message.is_some() {
                attachments::prepare(store, &Renderer::new()?)?;
            }
            #[derive(serde::Serialize)]
            struct Sent {
                quote: Quote,
                message_id: Option<String>,
            }
            out.emit(
                &Sent {
                    quote: q,
                    message_id: message,
                },
                |s| match &s.message_id {
                    Some(m) => format!(
                        "{} inviato: messaggio {m} in coda con il PDF allegato",
                        s.quote.number
                    ),
                    None => format!(
                        "{} segnato come inviato (posta ai clienti non attiva: nessun messaggio)",
                        s.quote.number
                    ),
                },
            );
        }
        QuoteCommand::Accept {
            number,
            customer_name,
            customer_signature,
        } => {
            let q = quotes::get_by_number(store, &number)?;
            let mut customer =
                super::reports::signature_file(&customer_signature, "customer_signature")?;
            customer.signer_name = customer_name;
            let q = quotes::accept(store, q.id, &AcceptInput { customer })?;
            out.emit(&q, show);
        }
        QuoteCommand::Refuse {
            number,
            date,
            reason,
        } => {
            let q = quotes::get_by_number(store, &number)?;
            let q = quotes::refuse(store, q.id, &RefuseInput { date, reason })?;
            out.emit(&q, show);
        }
        QuoteCommand::Pdf { number, output } => {
            let q = quotes::get_by_number(store, &number)?;
            let f = export::quote_to_file(store, &Renderer::new()?, q.id, &output)?;
            out.emit(&f, |f| format!("{} ({} byte)", f.path, f.bytes));
        }
        QuoteCommand::Verify { number } => {
            let q = quotes::get_by_number(store, &number)?;
            let v = quotes::verify(store, q.id)?;
            let ok = v.matches && v.canonical;
            out.emit(&v, |v| {
                format!(
                    "{} {}: SHA-256 {}",
                    v.number,
                    if ok { "integro" } else { "ALTERATO" },
                    v.computed_sha256
                )
            });
            if !ok {
                return Err(Error::invalid(
                    Code::HashMismatch,
                    "quote",
                    format!(
                        "{}: the accepted snapshot no longer matches its hash",
                        v.number
                    ),
                ));
            }
        }
    }
    Ok(())
}
