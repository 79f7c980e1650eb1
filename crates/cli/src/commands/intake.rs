//! `intake`: e-mail to ticket on a shop without a hub — collect the mailboxes of a configuration
//! file, import saved messages, see what came in, and triage the requests nobody authorised sent
//! ("Da smistare"). The same engine as the hub's, through this device's write path (it syncs).

use std::path::PathBuf;

use chrono::Utc;
use clap::{Args, Subcommand};
use rapportino_core::ids::ClientId;
use rapportino_core::intake::{self, imap, Assignment, Envelope, RequestRow, Taken};
use rapportino_core::{Result, Store};
use rapportino_model::vocab::RequestStatus;
use serde::Serialize;

use crate::output::{cell, or_dash, Out};

#[derive(Subcommand)]
pub enum IntakeCommand {
    /// Collect every mailbox of the configuration once (unseen mail → tickets, replies,
    /// requests to triage), or keep collecting with --watch (IDLE, else polling; Ctrl-C stops).
    Run(RunArgs),
    /// Connect to every mailbox of the configuration and look, changing nothing.
    Test(ConfigArgs),
    /// Take saved messages (.eml files) as if they had arrived now in mailbox "file".
    Import { files: Vec<PathBuf> },
    /// How many requests stand in each state, and the latest ones.
    Status,
    /// The requests waiting to be assigned or rejected ("Da smistare").
    #[command(subcommand)]
    Triage(TriageCommand),
}

#[derive(Args)]
pub struct ConfigArgs {
    /// The intake configuration (JSON: mailboxes and rules; passwords from files or the
    /// environment, never in the file).
    #[arg(long)]
    config: PathBuf,
}

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    config: ConfigArgs,
    /// Keep collecting until interrupted.
    #[arg(long)]
    watch: bool,
}

#[derive(Subcommand)]
pub enum TriageCommand {
    /// Waiting requests, urgent first, then oldest first.
    List {
        /// Another state: new, ticketed, assigned, appended, rejected, ignored.
        #[arg(long)]
        status: Option<RequestStatus>,
    },
    /// Assign a request to a client: its ticket is opened, reported at the arrival.
    Assign {
        id: String,
        #[arg(long)]
        client: ClientId,
        /// Also add the sender as an authorised contact of the client.
        #[arg(long)]
        add_contact: bool,
        /// The new contact's name (default: the name in the mail).
        #[arg(long)]
        contact_name: Option<String>,
    },
    /// Reject a request, saying why.
    Reject {
        id: String,
        #[arg(long)]
        reason: String,
    },
}

fn row_line(r: &RequestRow) -> String {
    format!(
        "{}  {}  {}  {}{}  {}",
        cell(&r.id, 36),
        cell(&r.received_at, 20),
        cell(r.status.as_str(), 9),
        if r.urgent { "URGENTE " } else { "" },
        cell(r.sender_email.as_deref().unwrap_or("-"), 28),
        r.subject
    )
}

fn taken_line(t: &Taken) -> String {
    match (&t.status, &t.ticket_number) {
        (None, _) => "già registrata".to_owned(),
        (Some(s), Some(n)) => format!("{s} {n}"),
        (Some(s), None) => format!("{s} {}", or_dash(&t.reason)),
    }
}

#[derive(Serialize)]
struct StatusView {
    counts: Vec<(RequestStatus, usize)>,
    latest: Vec<RequestRow>,
}

pub fn run(store: &mut Store, out: Out, cmd: IntakeCommand) -> Result<()> {
    match cmd {
        IntakeCommand::Run(a) => {
            let config = imap::load_config(&a.config.config).map_err(intake::intake_error)?;
            if a.watch {
                return watch(store, &config);
            }
            let mut reports = Vec::new();
            for m in &config.mailboxes {
                reports.push(intake::collect(store, m, &config.rules)?);
            }
            out.emit(&reports, |rs| {
                rs.iter()
                    .map(|r| {
                        format!(
                            "{}: {} lette, {} ticket, {} risposte, {} da smistare, {} ignorate, {} già registrate",
                            r.mailbox, r.fetched, r.ticketed, r.appended, r.triage, r.ignored,
                            r.duplicates
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        IntakeCommand::Test(a) => {
            let config = imap::load_config(&a.config).map_err(intake::intake_error)?;
            let mut checks = Vec::new();
            for m in &config.mailboxes {
                checks.push(imap::check_blocking(m).map_err(intake::intake_error)?);
            }
            out.emit(&checks, |cs| {
                cs.iter()
                    .map(|c| {
                        format!(
                            "{}: {} messaggi, {} non letti, IDLE {}",
                            c.mailbox,
                            c.messages,
                            c.unseen,
                            if c.idle { "sì" } else { "no" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        IntakeCommand::Import { files } => {
            let rules = intake::Rules::default();
            let mut taken = Vec::new();
            for f in &files {
                let raw = std::fs::read(f)?;
                let env = Envelope {
                    source: "file".into(),
                    received_at: Utc::now(),
                    fallback_key: format!("file:{}", f.display()),
                    category: None,
                    service: None,
                    kept_max: rapportino_model::schema::INCOMING_ATTACHMENT_KEPT_MAX as u64,
                };
                let request = rapportino_intake::from_mime(&raw, &env);
                taken.push(intake::take(store, &request, &rules)?);
            }
            out.emit(&taken, |ts| {
                ts.iter().map(taken_line).collect::<Vec<_>>().join("\n")
            });
        }
        IntakeCommand::Status => {
            let all = intake::list(store, None)?;
            let counts = RequestStatus::ALL
                .iter()
                .map(|&s| (s, all.iter().filter(|r| r.status == s).count()))
                .collect();
            let mut latest = all;
            latest.sort_by(|a, b| b.received_at.cmp(&a.received_at));
            latest.truncate(10);
            out.emit(&StatusView { counts, latest }, |v| {
                let mut t = String::new();
                for (s, n) in &v.counts {
                    t.push_str(&format!("{:<10} {n}\n", s.as_str()));
                }
                for r in &v.latest {
                    t.push_str(&row_line(r));
                    t.push('\n');
                }
                t
            });
        }
        IntakeCommand::Triage(TriageCommand::List { status }) => {
            let rows = intake::list(store, Some(status.unwrap_or(RequestStatus::New)))?;
            out.emit(&rows, |rs| {
                if rs.is_empty() {
                    "Nessuna richiesta da smistare.".to_owned()
                } else {
                    rs.iter().map(row_line).collect::<Vec<_>>().join("\n")
                }
            });
        }
        IntakeCommand::Triage(TriageCommand::Assign {
            id,
            client,
            add_contact,
            contact_name,
        }) => {
            let row = intake::assign(
                store,
                &id,
                &Assignment {
                    client_id: client,
                    add_contact,
                    contact_name,
                },
            )?;
            out.emit(&row, row_line);
        }
        IntakeCommand::Triage(TriageCommand::Reject { id, reason }) => {
            out.emit(&intake::reject(store, &id, &reason)?, row_line);
        }
    }
    Ok(())
}

/// Collects every mailbox for ever (IDLE or polling), one line per round with news.
fn watch(store: &mut Store, config: &imap::IntakeConfig) -> Result<()> {
    intake::watch(store, config, &|| false, &|r| match r {
        Ok(r) if r.fetched > 0 => println!(
            "{}: {} lette, {} ticket, {} risposte, {} da smistare, {} ignorate",
            r.mailbox, r.fetched, r.ticketed, r.appended, r.triage, r.ignored
        ),
        Ok(_) => {}
        Err(e) => eprintln!("{}", intake::intake_error(e)),
    })
}
