//! The IMAP collector (feature `imap`): one or more mailboxes, each read over TLS (implicit or
//! STARTTLS; rustls with Mozilla's roots and, for a self-hosted server, a CA file), its unseen
//! messages turned into requests and handed to a [`Sink`] — the hub's storage or a device's
//! database — which decides and records each one in one transaction. Only then is the mail
//! flagged `\Seen` (or moved to a processed folder): a crash in between leaves it unseen, the
//! next round fetches it again, the sink finds its idempotency key and it is only flagged. After
//! a round the collector waits with IMAP IDLE where the server has it (woken by new mail), else
//! it polls.
//!
//! Passwords never live in the configuration file: each mailbox names a `password_file` or an
//! environment variable (`password_env`, default `RAPPORTINO_INTAKE_PASSWORD`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rapportino_model::vocab::RequestStatus;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use serde::{Deserialize, Serialize};
use tokio::net::TcpStream;
use tokio_rustls::rustls;
use tokio_rustls::TlsConnector;

mod round;

pub use round::{process, SinkThread, BATCH, BATCH_BYTES};

use crate::decide::Rules;
use crate::error::IntakeError;
use crate::request::IncomingRequest;

/// The default environment variable of a mailbox's password.
pub const PASSWORD_ENV: &str = "RAPPORTINO_INTAKE_PASSWORD";
/// The default size cap of one mail (its RFC822.SIZE), past which only its header is fetched.
pub const DEFAULT_MESSAGE_MAX: u64 = 64 * 1024 * 1024;
/// Connecting, TLS and logging in must be done within this.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// How TLS is set up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsMode {
    /// TLS from the first byte (port 993).
    #[default]
    Implicit,
    /// Plain connection upgraded with STARTTLS (port 143).
    Starttls,
}

fn default_port() -> u16 {
    993
}
fn default_folder() -> String {
    "INBOX".to_owned()
}
fn default_poll() -> u64 {
    60
}
fn default_message_max() -> u64 {
    DEFAULT_MESSAGE_MAX
}
fn default_kept() -> u64 {
    rapportino_model::schema::INCOMING_ATTACHMENT_KEPT_MAX as u64
}

/// One mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxConfig {
    /// Its name: the requests' source (`assistenza`).
    pub name: String,
    pub host: String,
    #[serde(default = "default_port")]
    pub port: u16,
    #[serde(default)]
    pub tls: TlsMode,
    pub user: String,
    /// Filled from `password_file` or `password_env` by [`load_config`]; never written out.
    #[serde(skip)]
    pub password: String,
    #[serde(default)]
    pub password_file: Option<PathBuf>,
    #[serde(default)]
    pub password_env: Option<String>,
    #[serde(default = "default_folder")]
    pub folder: String,
    /// Move processed mail here (else it is flagged `\Seen` where it is).
    #[serde(default)]
    pub processed_folder: Option<String>,
    /// Given to the tickets of this mailbox.
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub service: Option<String>,
    /// Seconds between polls (and the longest IDLE before a fresh round).
    #[serde(default = "default_poll")]
    pub poll_secs: u64,
    /// A PEM file of extra certificate authorities (a self-hosted server).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Attachments larger than this are listed, their content not kept.
    #[serde(default = "default_kept")]
    pub kept_max: u64,
    /// A mail larger than this (its RFC822.SIZE, asked before fetching) is not fetched: its
    /// header alone becomes a request saying "message too large".
    #[serde(default = "default_message_max")]
    pub message_max: u64,
}

/// The intake configuration file: the mailboxes and the shop's rules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeConfig {
    #[serde(default)]
    pub mailboxes: Vec<MailboxConfig>,
    #[serde(default)]
    pub rules: Rules,
}

/// Reads the configuration (JSON) and each mailbox's password. A password written in the file
/// itself is refused: it would end up in copies of the configuration.
pub fn load_config(path: &Path) -> Result<IntakeConfig, IntakeError> {
    let at = |e: &dyn std::fmt::Display| IntakeError::Config(format!("{}: {e}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| at(&e))?;
    let raw: serde_json::Value = serde_json::from_str(&text).map_err(|e| at(&e))?;
    let in_file = raw
        .get("mailboxes")
        .and_then(|m| m.as_array())
        .is_some_and(|l| l.iter().any(|m| m.get("password").is_some()));
    if in_file {
        return Err(at(
            &"no password in the file: use password_file or password_env",
        ));
    }
    let raw_has_webhooks = raw.get("webhooks").map(|_| ());
    let mut config: IntakeConfig = serde_json::from_value(raw).map_err(|e| at(&e))?;
    // A file with only the hub's monitoring webhooks (its `webhooks` section) has no mailbox.
    if config.mailboxes.is_empty() && raw_has_webhooks.is_none() {
        return Err(at(&"no mailbox"));
    }
    for m in &mut config.mailboxes {
        if m.name.trim().is_empty() || m.host.trim().is_empty() || m.user.trim().is_empty() {
            return Err(at(&"every mailbox needs a name, a host and a user"));
        }
        m.password = match &m.password_file {
            Some(p) => std::fs::read_to_string(p)
                .map_err(|e| IntakeError::Config(format!("{}: {e}", p.display())))?
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned(),
            None => {
                std::env::var(m.password_env.as_deref().unwrap_or(PASSWORD_ENV)).unwrap_or_default()
            }
        };
    }
    Ok(config)
}

/// What a sink did with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    /// The record's status; `None` when it was already recorded (nothing done).
    pub status: Option<RequestStatus>,
}

/// Where requests go: decides and records each in one transaction (see the module docs).
pub trait Sink {
    fn take(&mut self, request: &IncomingRequest) -> Result<Recorded, IntakeError>;

    /// Takes a fetched batch in order: what was recorded (the first ones), and the failure that
    /// stopped it. A sink may record the whole batch in one transaction (all or nothing), as
    /// long as what it returns as recorded is committed: the collector flags exactly that.
    fn take_batch(
        &mut self,
        requests: &[(u32, IncomingRequest)],
    ) -> (Vec<(u32, Recorded)>, Option<IntakeError>) {
        let mut out = Vec::with_capacity(requests.len());
        for (uid, request) in requests {
            match self.take(request) {
                Ok(r) => out.push((*uid, r)),
                Err(e) => return (out, Some(e)),
            }
        }
        (out, None)
    }
}

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RoundReport {
    pub mailbox: String,
    pub fetched: usize,
    pub ticketed: usize,
    pub appended: usize,
    pub triage: usize,
    pub ignored: usize,
    pub duplicates: usize,
    /// The server offers IDLE.
    pub idle: bool,
}

type Tls = tokio_rustls::client::TlsStream<TcpStream>;
/// A logged-in IMAP session over TLS.
pub type Session = async_imap::Session<Tls>;

fn imap_err(e: impl std::fmt::Display) -> IntakeError {
    IntakeError::Imap(e.to_string())
}

fn tls_config(cfg: &MailboxConfig) -> Result<Arc<rustls::ClientConfig>, IntakeError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(ca) = &cfg.ca_file {
        let bad = |e: &dyn std::fmt::Display| {
            IntakeError::Config(format!("ca_file {}: {e}", ca.display()))
        };
        for cert in CertificateDer::pem_file_iter(ca).map_err(|e| bad(&e))? {
            roots.add(cert.map_err(|e| bad(&e))?).map_err(|e| bad(&e))?;
        }
    }
    // The ring provider, as the hub and the mail crate (no aws-lc: no cmake, no NASM).
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| IntakeError::Config(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Connects, secures and logs in; the server's capabilities say whether it has IDLE.
pub async fn connect(cfg: &MailboxConfig) -> Result<(Session, bool), IntakeError> {
    tokio::time::timeout(CONNECT_TIMEOUT, connect_inner(cfg))
        .await
        .map_err(|_| IntakeError::Connect(format!("{}:{}: timed out", cfg.host, cfg.port)))?
}

async fn connect_inner(cfg: &MailboxConfig) -> Result<(Session, bool), IntakeError> {
    let unreachable =
        |e: &dyn std::fmt::Display| IntakeError::Connect(format!("{}:{}: {e}", cfg.host, cfg.port));
    let connector = TlsConnector::from(tls_config(cfg)?);
    let name = ServerName::try_from(cfg.host.clone()).map_err(|e| unreachable(&e))?;
    let tcp = TcpStream::connect((cfg.host.as_str(), cfg.port))
        .await
        .map_err(|e| unreachable(&e))?;
    let client = match cfg.tls {
        TlsMode::Implicit => {
            let tls = connector
                .connect(name, tcp)
                .await
                .map_err(|e| unreachable(&e))?;
            let mut client = async_imap::Client::new(tls);
            client
                .read_response()
                .await
                .map_err(|e| unreachable(&e))?
                .ok_or_else(|| unreachable(&"no greeting"))?;
            client
        }
        TlsMode::Starttls => {
            let mut plain = async_imap::Client::new(tcp);
            plain
                .read_response()
                .await
                .map_err(|e| unreachable(&e))?
                .ok_or_else(|| unreachable(&"no greeting"))?;
            plain
                .run_command_and_check_ok("STARTTLS", None)
                .await
                .map_err(|e| unreachable(&e))?;
            let tls = connector
                .connect(name, plain.into_inner())
                .await
                .map_err(|e| unreachable(&e))?;
            async_imap::Client::new(tls)
        }
    };
    let mut session = client
        .login(&cfg.user, &cfg.password)
        .await
        .map_err(|(e, _)| IntakeError::Login(e.to_string()))?;
    let idle = session
        .capabilities()
        .await
        .map_err(imap_err)?
        .has_str("IDLE");
    Ok((session, idle))
}

/// Connects, runs one round and logs out.
pub async fn collect_once(
    cfg: &MailboxConfig,
    sink: &SinkThread,
) -> Result<RoundReport, IntakeError> {
    let (mut session, idle) = connect(cfg).await?;
    let mut report = process(&mut session, cfg, sink).await?;
    report.idle = idle;
    let _ = session.logout().await;
    Ok(report)
}

fn runtime() -> Result<tokio::runtime::Runtime, IntakeError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| IntakeError::Config(format!("runtime: {e}")))
}

/// [`collect_once`] from synchronous code (its own small runtime: never call it from async code).
pub fn collect_once_blocking(
    cfg: &MailboxConfig,
    sink: &mut (dyn Sink + Send),
) -> Result<RoundReport, IntakeError> {
    let rt = runtime()?;
    SinkThread::run(sink, |sink| rt.block_on(collect_once(cfg, sink)))
}

/// What a connection test found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailboxCheck {
    pub mailbox: String,
    pub messages: u32,
    pub unseen: usize,
    pub uid_validity: u32,
    pub idle: bool,
}

/// Connects, logs in and looks at the folder without changing anything.
pub fn check_blocking(cfg: &MailboxConfig) -> Result<MailboxCheck, IntakeError> {
    runtime()?.block_on(async {
        let (mut session, idle) = connect(cfg).await?;
        let mailbox = session.examine(&cfg.folder).await.map_err(imap_err)?;
        let unseen = session.uid_search("UNSEEN").await.map_err(imap_err)?.len();
        let _ = session.logout().await;
        Ok(MailboxCheck {
            mailbox: cfg.name.clone(),
            messages: mailbox.exists,
            unseen,
            uid_validity: mailbox.uid_validity.unwrap_or(0),
            idle,
        })
    })
}

/// Collects from one mailbox until `stop` says so: a round, then IDLE (or a pause of
/// `poll_secs`) until new mail, then another round; a broken connection is opened again after a
/// pause. Every round's outcome goes to `on_round`. Blocking: run it on a thread of its own.
pub fn run_blocking(
    cfg: &MailboxConfig,
    sink: &mut (dyn Sink + Send),
    stop: &(dyn Fn() -> bool + Sync),
    on_round: &mut dyn FnMut(Result<RoundReport, IntakeError>),
) -> Result<(), IntakeError> {
    let rt = runtime()?;
    SinkThread::run(sink, |sink| {
        rt.block_on(async {
            let poll = Duration::from_secs(cfg.poll_secs.max(1));
            while !stop() {
                let session = match connect(cfg).await {
                    Ok(s) => Some(s),
                    Err(e) => {
                        on_round(Err(e));
                        None
                    }
                };
                let Some((mut session, idle)) = session else {
                    pause(poll, stop).await;
                    continue;
                };
                while !stop() {
                    match process(&mut session, cfg, sink).await {
                        Ok(mut r) => {
                            r.idle = idle;
                            on_round(Ok(r));
                        }
                        Err(e) => {
                            on_round(Err(e));
                            break;
                        }
                    }
                    if idle {
                        match idle_wait(session, poll, stop).await {
                            Ok(s) => session = s,
                            Err(e) => {
                                on_round(Err(e));
                                break;
                            }
                        }
                    } else {
                        pause(poll, stop).await;
                    }
                }
            }
        })
    });
    Ok(())
}

/// Collects from every mailbox at once until `stop` says so: [`run_blocking`] on a thread per
/// mailbox, each with its own sink (`sinks[i]` for `mailboxes[i]`); every round's outcome goes
/// to `on_round`. Returns when all of them have stopped.
pub fn run_all_blocking<S: Sink + Send>(
    mailboxes: &[MailboxConfig],
    sinks: Vec<S>,
    stop: &(dyn Fn() -> bool + Sync),
    on_round: &(dyn Fn(Result<RoundReport, IntakeError>) + Sync),
) -> Result<(), IntakeError> {
    if sinks.len() != mailboxes.len() {
        return Err(IntakeError::Config("one sink per mailbox".into()));
    }
    std::thread::scope(|scope| {
        let running: Vec<_> = mailboxes
            .iter()
            .zip(sinks)
            .map(|(cfg, mut sink)| {
                scope.spawn(move || run_blocking(cfg, &mut sink, stop, &mut |r| on_round(r)))
            })
            .collect();
        let mut first_error = Ok(());
        for r in running {
            let outcome = r
                .join()
                .unwrap_or_else(|_| Err(IntakeError::Record("a collector panicked".into())));
            if first_error.is_ok() {
                first_error = outcome;
            }
        }
        first_error
    })
}

async fn pause(d: Duration, stop: &(dyn Fn() -> bool + Sync)) {
    let step = Duration::from_millis(200);
    let mut waited = Duration::ZERO;
    while waited < d && !stop() {
        tokio::time::sleep(step).await;
        waited += step;
    }
}

/// IDLE until the server says something, `poll` passes or `stop` says so; the session back.
async fn idle_wait(
    session: Session,
    poll: Duration,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Session, IntakeError> {
    let mut handle = session.idle();
    handle.init().await.map_err(imap_err)?;
    {
        let (wait, interrupt) = handle.wait_with_timeout(poll);
        tokio::pin!(wait);
        let mut interrupt = Some(interrupt);
        loop {
            tokio::select! {
                r = &mut wait => {
                    r.map_err(imap_err)?;
                    break;
                }
                _ = tokio::time::sleep(Duration::from_millis(200)) => {
                    if stop() {
                        interrupt.take();
                    }
                }
            }
        }
    }
    handle.done().await.map_err(imap_err)
}
