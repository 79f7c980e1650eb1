//! `mail`: the customer messages of the outbox — what is queued, sent, deferred or failed and
//! why; retry or withdraw one; the shop's settings and templates; a client's choices.

use clap::{Args, Subcommand};
use rapportino_core::ids::ClientId;
use rapportino_core::labels::Locale;
use rapportino_core::outbox::templates::{self, Template};
use rapportino_core::outbox::{
    self, ClientMailPrefs, Message, MessageFilter, MessageKind, MessageStatus,
};
use rapportino_core::sending::{self, AccountSettings, Security};
use rapportino_core::store::keychain::SecretStore;
use rapportino_core::{Code, Error, Result, Store};
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
    /// This computer's SMTP account (a shop without a hub sends from here): show or set it.
    Account(AccountArgs),
    /// Send a test message through this computer's account.
    Test { to: String },
    /// Send what this computer owes now (PDFs first), over one connection.
    Send,
}

#[derive(Args)]
pub struct AccountArgs {
    /// The SMTP server (smtp.example.it, or a PEC provider's).
    #[arg(long)]
    host: Option<String>,
    #[arg(long)]
    port: Option<u16>,
    /// implicit_tls (465), starttls (587) or plain (only to this computer)
    #[arg(long, value_enum)]
    security: Option<SecurityArg>,
    #[arg(long)]
    username: Option<String>,
    /// The password, read from this environment variable (never from the command line).
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,
    #[arg(long)]
    from: Option<String>,
    #[arg(long)]
    from_name: Option<String>,
    #[arg(long)]
    reply_to: Option<String>,
    /// Forget the account and its password.
    #[arg(long, conflicts_with_all = ["host", "username", "from"])]
    forget: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum SecurityArg {
    ImplicitTls,
    Starttls,
    Plain,
}

impl From<SecurityArg> for Security {
    fn from(s: SecurityArg) -> Self {
        match s {
            SecurityArg::ImplicitTls => Security::ImplicitTls,
            SecurityArg::Starttls => Security::Starttls,
            SecurityArg::Plain => Security::Plain,
        }
    }
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
        MailCommand::Account(a) => account(store, out, a)?,
        MailCommand::Test { to } => {
            let reply = sending::send_test(store, &to)?;
            out.emit(&reply, |r| format!("Inviato: {r}"));
        }
        MailCommand::Send => {
            let renderer = rapportino_pdf::Renderer::new()?;
            rapportino_pdf::attachments::prepare(store, &renderer)?;
            let report = sending::send_due(store)?;
            out.emit(&report, |r| {
                format!(
                    "inviati {}, rinviati {}, non inviati {}, in attesa {}",
                    r.sent, r.deferred, r.failed, r.waiting
                )
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

fn account(store: &mut Store, out: Out, a: AccountArgs) -> Result<()> {
    if a.forget {
        sending::forget_account(store)?;
        out.emit(&sending::account(store)?, |_| {
            "Account dimenticato.".to_owned()
        });
        return Ok(());
    }
    let current = sending::account(store)?.account;
    let changed = a.host.is_some()
        || a.port.is_some()
        || a.security.is_some()
        || a.username.is_some()
        || a.password_env.is_some()
        || a.from.is_some()
        || a.from_name.is_some()
        || a.reply_to.is_some();
    if changed {
        let base = current.unwrap_or(AccountSettings {
            host: String::new(),
            port: None,
            security: Security::Starttls,
            username: String::new(),
            from_address: String::new(),
            from_name: String::new(),
            reply_to: None,
            extra_ca_pem: None,
        });
        let settings = AccountSettings {
            host: a.host.unwrap_or(base.host),
            port: a.port.or(base.port),
            security: a.security.map(Into::into).unwrap_or(base.security),
            username: a.username.unwrap_or(base.username),
            from_address: a.from.unwrap_or(base.from_address),
            from_name: a.from_name.unwrap_or(base.from_name),
            reply_to: a.reply_to.or(base.reply_to),
            extra_ca_pem: base.extra_ca_pem,
        };
        let password = match a.password_env {
            Some(var) => Some(std::env::var(&var).map_err(|_| {
                Error::invalid(
                    Code::Required,
                    "password",
                    format!("the environment variable {var} is not set"),
                )
            })?),
            None => None,
        };
        sending::set_account(store, &settings, password.as_deref())?;
    }
    let view = sending::account(store)?;
    out.emit(&view, |v| match &v.account {
        Some(a) => format!(
            "{}:{} ({:?}) utente {} · mittente {} <{}> · password {}",
            a.host,
            a.port.map_or("predefinita".to_owned(), |p| p.to_string()),
            a.security,
            a.username,
            a.from_name,
            a.from_address,
            match v.password_store {
                Some(SecretStore::Keyring) => "conservata nel portachiavi di sistema",
                Some(SecretStore::File) => "in un file leggibile solo dal tuo utente",
                None => "assente",
            }
        ),
        None => "Nessun account su questo computer.".to_owned(),
    });
    Ok(())
}
