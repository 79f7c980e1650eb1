//! `mail`: the customer messages of the outbox — what is queued, sent, deferred or failed and
//! why; retry or withdraw one; the shop's settings and templates; a client's choices.

use clap::{Args, Subcommand};
use rapportino_core::ids::ClientId;
use rapportino_core::labels::Locale;
use rapportino_core::outbox::templates::{self, Template};
use rapportino_core::outbox::{
    self, ClientMailPrefs, Message, MessageFilter, MessageKind, MessageStatus,
};
use rapportino_core::{Result, Store};
use serde::Serialize;

use crate::output::{cell, or_dash, Out};

#[derive(Subcommand)]
pub enum MailCommand {
    /// How many messages stand in each state, and the settings in force.
    Status,
    /// Messages, newest first.
    List(ListArgs),
    /// One message whole: recipients, subject, text, attempts, the server's last reply.
    Show { id: String },
    /// Queue a failed, deferred or held message again now ("Rinvia").
    Retry { id: String },
    /// Withdraw a message not sent yet.
    Cancel { id: String },
    /// Turn customer mail on or off and choose what is sent.
    Settings(SettingsArgs),
    /// A client's choices: kinds it does not want, its PEC too, its language.
    Client(ClientArgs),
    /// Show, replace or reset the wording of a kind of message.
    #[command(subcommand)]
    Template(TemplateCommand),
    /// Queue the month's statement for a client (its PDF is added by `mail prepare`).
    Statement {
        client: ClientId,
        /// YYYY-MM
        month: String,
    },
    /// Render and attach the PDFs that queued messages wait for.
    Prepare,
}

#[derive(Args)]
pub struct ListArgs {
    #[arg(long)]
    ticket: Option<rapportino_core::ids::TicketId>,
    #[arg(long)]
    client: Option<ClientId>,
    /// queued, sent, deferred, failed, held, cancelled
    #[arg(long)]
    status: Option<MessageStatus>,
}

#[derive(Args)]
pub struct SettingsArgs {
    #[arg(long, conflicts_with = "off")]
    on: bool,
    #[arg(long)]
    off: bool,
    /// The kinds sent (repeatable): ticket_opened, ticket_taken, ticket_resolved,
    /// report_signed, statement, out_of_contract. Replaces the list.
    #[arg(long = "kind", value_name = "KIND")]
    kinds: Vec<MessageKind>,
    /// A copy of every message to the shop's e-mail (true/false).
    #[arg(long)]
    cc_shop: Option<bool>,
    /// it or en
    #[arg(long)]
    language: Option<Locale>,
}

#[derive(Args)]
pub struct ClientArgs {
    client: ClientId,
    /// A kind the client does not want (repeatable; replaces the list).
    #[arg(long = "off", value_name = "KIND")]
    off: Vec<MessageKind>,
    /// Send to every kind again.
    #[arg(long, conflicts_with = "off")]
    all: bool,
    /// Also to the client's PEC (true/false).
    #[arg(long)]
    pec: Option<bool>,
    /// it or en
    #[arg(long)]
    language: Option<Locale>,
}

#[derive(Subcommand)]
pub enum TemplateCommand {
    /// The wording in use (the shop's own or the default) and the placeholders.
    Show {
        kind: MessageKind,
        #[arg(long, default_value = "it")]
        language: Locale,
    },
    /// Replace the wording (placeholders are checked).
    Set {
        kind: MessageKind,
        #[arg(long, default_value = "it")]
        language: Locale,
        #[arg(long)]
        subject: String,
        #[arg(long)]
        body: String,
    },
    /// Back to the default wording.
    Reset {
        kind: MessageKind,
        #[arg(long, default_value = "it")]
        language: Locale,
    },
}

#[derive(Serialize)]
struct StatusView {
    settings: outbox::MailSettings,
    counts: Vec<(MessageStatus, usize)>,
}

fn one_line(m: &Message) -> String {
    format!(
        "{}  {}  {}  {}  {}",
        cell(&m.created_at, 20),
        cell(m.status.as_str(), 9),
        cell(m.kind.as_str(), 15),
        cell(&m.recipients.join(", "), 28),
        m.subject
    )
}

fn whole(m: &Message) -> String {
    format!(
        "{}  [{}]  {}\nDa: {}  A: {}  Cc: {}\nMessage-ID: {}\nOggetto: {}\n\n{}\n\nTentativi: {}  Prossimo: {}  Inviato: {}\nUltima risposta: {}",
        m.id,
        m.status,
        m.kind,
        m.sender,
        m.recipients.join(", "),
        m.cc.join(", "),
        m.message_id,
        m.subject,
        m.body,
        m.attempts,
        or_dash(&m.next_attempt_at),
        or_dash(&m.sent_at),
        or_dash(&m.last_reply)
    )
}

pub fn run(store: &mut Store, out: Out, cmd: MailCommand) -> Result<()> {
    match cmd {
        MailCommand::Status => {
            let all = outbox::list(store, &MessageFilter::default())?;
            let counts = MessageStatus::ALL
                .iter()
                .map(|&s| (s, all.iter().filter(|m| m.status == s).count()))
                .collect();
            let view = StatusView {
                settings: outbox::settings(store.conn())?,
                counts,
            };
            out.emit(&view, |v| {
                let mut t = format!(
                    "Posta ai clienti: {}\n",
                    if v.settings.enabled {
                        "attiva"
                    } else {
                        "spenta"
                    }
                );
                for (s, n) in &v.counts {
                    t.push_str(&format!("{:<10} {n}\n", s.as_str()));
                }
                t
            });
        }
        MailCommand::List(a) => {
            let list = outbox::list(
                store,
                &MessageFilter {
                    ticket_id: a.ticket,
                    client_id: a.client,
                    status: a.status,
                },
            )?;
            out.emit(&list, |l| {
                if l.is_empty() {
                    "Nessun messaggio.".to_owned()
                } else {
                    l.iter().map(one_line).collect::<Vec<_>>().join("\n")
                }
            });
        }
        MailCommand::Show { id } => out.emit(&outbox::get(store, &id)?, whole),
        MailCommand::Retry { id } => out.emit(&outbox::retry(store, &id)?, one_line),
        MailCommand::Cancel { id } => out.emit(&outbox::cancel(store, &id)?, one_line),
        MailCommand::Settings(a) => {
            let mut s = outbox::settings(store.conn())?;
            if a.on {
                s.enabled = true;
            }
            if a.off {
                s.enabled = false;
            }
            if !a.kinds.is_empty() {
                s.kinds = a.kinds;
            }
            if let Some(cc) = a.cc_shop {
                s.cc_shop = cc;
            }
            if let Some(l) = a.language {
                s.language = l;
            }
            outbox::set_settings(store, &s)?;
            out.emit(&s, |s| format!("{s:?}"));
        }
        MailCommand::Client(a) => {
            let mut p: ClientMailPrefs = outbox::client_prefs(store.conn(), a.client)?;
            if a.all {
                p.off.clear();
            } else if !a.off.is_empty() {
                p.off = a.off;
            }
            if let Some(pec) = a.pec {
                p.to_pec = pec;
            }
            if a.language.is_some() {
                p.language = a.language;
            }
            outbox::set_client_prefs(store, a.client, &p)?;
            out.emit(&p, |p| format!("{p:?}"));
        }
        MailCommand::Template(t) => match t {
            TemplateCommand::Show { kind, language } => {
                let tpl = templates::get(store.conn(), kind, language)?;
                out.emit(&tpl, |t| {
                    let names: Vec<String> = templates::PLACEHOLDERS
                        .iter()
                        .map(|(n, what)| format!("  {{{n}}}  {what}"))
                        .collect();
                    format!(
                        "Oggetto: {}\n\n{}\n\nSegnaposto:\n{}",
                        t.subject,
                        t.body,
                        names.join("\n")
                    )
                });
            }
            TemplateCommand::Set {
                kind,
                language,
                subject,
                body,
            } => {
                let tpl = Template { subject, body };
                templates::set(store, kind, language, &tpl)?;
                out.emit(&tpl, |t| format!("Salvato: {}", t.subject));
            }
            TemplateCommand::Reset { kind, language } => {
                templates::reset(store, kind, language)?;
                let tpl = templates::get(store.conn(), kind, language)?;
                out.emit(&tpl, |t| format!("Ripristinato: {}", t.subject));
            }
        },
        MailCommand::Statement { client, month } => {
            let (y, m) = rapportino_core::views::statements::parse_month(&month)?;
            let queued = outbox::queue_statement(store, client, y, m)?;
            out.emit(&queued, |q| match q {
                Some(m) => one_line(m),
                None => "Nessun messaggio: i rendiconti non si inviano o il cliente non li vuole."
                    .to_owned(),
            });
        }
        MailCommand::Prepare => {
            let renderer = rapportino_pdf::Renderer::new()?;
            let n = rapportino_pdf::attachments::prepare(store, &renderer)?;
            out.emit(&n, |n| format!("{n} PDF allegati"));
        }
    }
    Ok(())
}
