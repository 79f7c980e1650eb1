//! `rapportino-hub`: serve, and the admin commands that work on the storage directly (on the
//! hub's own machine; a remote admin uses the HTTP admin endpoints from an admin device).
//! Errors print `error: CODE: message` on stderr and exit with status 1.
//!
//! The admin commands never create a hub (a mistyped path is an error, not a new empty hub),
//! wait at most `--lock-timeout-secs` for a lock another process holds (then `STORAGE_BUSY`,
//! nothing changed), and print what devices wrote (names, refused writes) with control
//! characters, terminal escapes and bidirectional overrides escaped.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use rapportino_model::protocol::{DeviceInfo, Role};

use crate::error::HubError;
use crate::logs::init_logs;
use crate::server::{self, ServerConfig, TlsFiles};
use crate::storage::{now_text, OpenOptions, PgConnect, Storage, StorageUrl};
use crate::term_output::{escape_text, print_json};

#[derive(Parser)]
#[command(
    name = "rapportino-hub",
    version,
    about = "Rapportino's office hub: devices sync through it"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    /// A technician's laptop: own time and interventions, tickets, clients' contact data.
    Technician,
    /// The office: every data write (approvals, deletions, contracts, billing terms).
    Office,
    /// The office plus the hub's administration over HTTP.
    Admin,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Technician => Role::Technician,
            RoleArg::Office => Role::Office,
            RoleArg::Admin => Role::Admin,
        }
    }
}

#[derive(clap::Args)]
struct StorageArg {
    /// Settings from a TOML file whose keys are `serve`'s long options (e.g.
    /// /etc/rapportino-hub/hub.toml); options on the command line win.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// `sqlite:/path/hub.db` (or a plain path) or `postgres://user@host/db[?sslmode=verify-full]`
    /// (no password in a URL given here: see --pg-password-file)
    #[arg(long, env = "RAPPORTINO_HUB_STORAGE")]
    storage: String,
    /// PostgreSQL: a file whose first line is the password (else `RAPPORTINO_PG_PASSWORD`, else
    /// `PGPASSWORD`, from the environment).
    #[arg(long)]
    pg_password_file: Option<PathBuf>,
    /// PostgreSQL: the CA certificate(s), PEM, that signed the database server's certificate
    /// (needed with sslmode=require, verify-ca or verify-full).
    #[arg(long, env = "RAPPORTINO_PG_CA_FILE")]
    pg_ca_file: Option<PathBuf>,
}

/// The public request form's options of `serve`.
#[derive(clap::Args)]
struct WebFormArgs {
    /// Serve the public request form at `/request` on this listener (customers send
    /// requests from a browser; authorised contacts get a ticket, others wait for triage).
    #[arg(long)]
    web_form: bool,
    /// The web form's largest attachment, in MiB.
    #[arg(long, default_value_t = 10, requires = "web_form")]
    web_form_attachment_mib: usize,
    /// Posts of the web form one client address may make per hour (more get 429).
    #[arg(long, default_value_t = 20, requires = "web_form")]
    web_form_per_ip: u32,
    /// Requests one e-mail address may send through the web form per hour.
    #[arg(long, default_value_t = 5, requires = "web_form")]
    web_form_per_email: u32,
    #[command(flatten)]
    portal: crate::web::portal::args::PortalArgs,
}

#[derive(clap::Args)]
struct AdminArg {
    #[command(flatten)]
    storage: StorageArg,
    /// Seconds to wait for a lock another process holds on the storage before giving up
    /// (STORAGE_BUSY, nothing changed).
    #[arg(long, default_value_t = 5)]
    lock_timeout_secs: u64,
}

// Parsed once at start: the size of its largest variant (`serve`'s options) costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Serves the hub over HTTPS until SIGINT/SIGTERM.
    Serve {
        #[command(flatten)]
        storage: StorageArg,
        /// Address and port to listen on: this machine only by default; `0.0.0.0:8443` (or the
        /// LAN address) to serve the shop's devices.
        #[arg(long, default_value = "127.0.0.1:8443")]
        listen: SocketAddr,
        /// The certificate chain, PEM.
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The certificate's private key, PEM.
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Plain HTTP without TLS: only for tests, or behind a TLS proxy on the same machine.
        #[arg(long, conflicts_with_all = ["tls_cert", "tls_key"])]
        insecure_http: bool,
        /// Logs as JSON lines (default: human-readable text). `RUST_LOG` sets the level.
        #[arg(long)]
        log_json: bool,
        /// Largest request body of an authenticated device, in MiB.
        #[arg(long, default_value_t = 32)]
        body_limit_mib: usize,
        /// Largest request body without a valid device token (enrolment), in KiB.
        #[arg(long, default_value_t = 16)]
        unauth_body_limit_kib: usize,
        /// Seconds in-flight requests get to finish after SIGINT/SIGTERM.
        #[arg(long, default_value_t = 30)]
        shutdown_grace_secs: u64,
        /// Seconds for the TLS handshake and then for each request head (also how long an idle
        /// keep-alive connection stays open).
        #[arg(long, default_value_t = 10)]
        header_read_timeout_secs: u64,
        /// Seconds for a whole request body (else 408 REQUEST_TIMEOUT).
        #[arg(long, default_value_t = 60)]
        body_read_timeout_secs: u64,
        /// Seconds from a request's head to the start of its answer (else 503 HUB_BUSY).
        #[arg(long, default_value_t = 120)]
        request_timeout_secs: u64,
        /// Seconds a response may make no write progress (a client that stopped reading)
        /// before its connection is closed.
        #[arg(long, default_value_t = 60)]
        write_timeout_secs: u64,
        /// Connections open at once (more wait); each is a file descriptor.
        #[arg(long, default_value_t = server::DEFAULT_MAX_CONNECTIONS)]
        max_connections: usize,
        /// Connections open at once from one client address (more are closed at once, logged
        /// as TOO_MANY_CONNECTIONS).
        #[arg(long, default_value_t = server::DEFAULT_MAX_CONNECTIONS_PER_IP)]
        max_connections_per_ip: usize,
        /// Snapshots streamed at once (more get 503 HUB_BUSY with Retry-After).
        #[arg(long, default_value_t = server::DEFAULT_MAX_SNAPSHOT_STREAMS)]
        max_snapshot_streams: usize,
        /// Seconds to send one snapshot (a slower reader's stream is cut).
        #[arg(long, default_value_t = 600)]
        snapshot_timeout_secs: u64,
        /// Send the customer messages of enrolled devices through this SMTP account: a JSON
        /// file (host, port, security, username, from_address, from_name, password_file); the
        /// password from its `password_file` or `RAPPORTINO_HUB_SMTP_PASSWORD`.
        #[arg(long, value_name = "FILE")]
        mail_config: Option<PathBuf>,
        /// Seconds between two mail rounds.
        #[arg(long, default_value_t = 30, requires = "mail_config")]
        mail_every_secs: u64,
        /// Turn the mail of these IMAP mailboxes into tickets (e-mail to ticket): a JSON file
        /// of mailboxes (host, port, tls, user, password_file or password_env, folder,
        /// category, service, poll_secs, ca_file) and rules; and/or the monitoring webhook's
        /// sources (`webhooks`: name, client_id, secret_file or secret_env, severity,
        /// max_per_minute, category, service).
        #[arg(long, value_name = "FILE")]
        intake_config: Option<PathBuf>,
        #[command(flatten)]
        web: WebFormArgs,
        /// Offer the app releases of this folder to the devices' updater (`release add`).
        #[arg(long, value_name = "DIR", env = "RAPPORTINO_HUB_RELEASES_DIR")]
        releases_dir: Option<PathBuf>,
    },
    /// Sets up a new hub from its configuration file: creates the storage, a self-signed TLS
    /// certificate when the file's `tls_cert`/`tls_key` do not exist yet, and the first
    /// enrolment code (role admin), and prints what to give the devices. Run again: keeps both,
    /// makes a new code.
    Init {
        /// The hub's settings (the keys of `serve --config`).
        #[arg(long, value_name = "FILE", default_value = crate::config_file::DEFAULT_PATH)]
        config: PathBuf,
        /// A name the new certificate is valid for (the server's host name, its LAN address);
        /// repeat for several. Default: this machine's host name, localhost and 127.0.0.1.
        #[arg(long = "name", value_name = "NAME")]
        names: Vec<String>,
        /// Minutes before the enrolment code expires.
        #[arg(long, default_value_t = 7 * 24 * 60)]
        code_valid_minutes: i64,
        #[arg(long)]
        json: bool,
    },
    /// Logs in to every mailbox of `--intake-config` and prints what it finds, changing nothing.
    IntakeTest {
        #[arg(long, value_name = "FILE")]
        intake_config: PathBuf,
    },
    /// Sends a test message through the mail account of `--mail-config` and prints the reply.
    MailTest {
        #[arg(long, value_name = "FILE")]
        mail_config: PathBuf,
        /// The address to send it to.
        #[arg(long)]
        to: String,
    },
    /// Creates a single-use enrolment code and prints it.
    EnrolCode {
        #[command(flatten)]
        admin: AdminArg,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Minutes before the code expires.
        #[arg(long, default_value_t = crate::auth::DEFAULT_CODE_MINUTES)]
        valid_minutes: i64,
        #[arg(long)]
        json: bool,
    },
    /// Lists the enrolled devices (revoked ones too).
    Devices {
        #[command(flatten)]
        admin: AdminArg,
        #[arg(long)]
        json: bool,
    },
    /// The reserved area's access log, newest first: who (contact, client) did what (action,
    /// record), when, from which address.
    PortalLog {
        #[command(flatten)]
        admin: AdminArg,
        /// Lines shown at most.
        #[arg(long, default_value_t = 200)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// Revokes a device: its token stops working at once.
    Revoke {
        #[command(flatten)]
        admin: AdminArg,
        device_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Lists the latest writes the hub refused (signed reports edited, illegal ticket moves,
    /// time entries changed by another device...), newest first.
    Refusals {
        #[command(flatten)]
        admin: AdminArg,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// The app releases offered to the devices' updater: add (signed .deb), list, remove.
    Release(crate::release::cli::ReleaseArgs),
    /// Writes a consistent copy of the hub into a new SQLite file (from either storage).
    Backup {
        #[command(flatten)]
        admin: AdminArg,
        /// The new file (refused if it exists).
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

pub fn main() -> ExitCode {
    let expanded = match crate::config_file::expand::<Cli>(std::env::args_os().collect()) {
        Ok(e) => e,
        Err(e) => return fail(e),
    };
    let matches = command().get_matches_from(expanded.args);
    // Where `--storage` came from: a password in a URL on the command line is refused.
    let storage_on_argv = matches.subcommand().and_then(|(_, m)| {
        // Not every command opens a storage (mail-test).
        m.ids()
            .any(|id| id.as_str() == "storage")
            .then(|| m.value_source("storage"))
            .flatten()
    }) == Some(ValueSource::CommandLine)
        && !expanded.storage_from_file;
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    match run(cli.command, storage_on_argv) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

/// The command line's grammar. An option given twice keeps its last value: `--config`'s
/// settings come first, so the command line's own options win.
pub fn command() -> clap::Command {
    let mut command = Cli::command();
    let names: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        command = command.mut_subcommand(name, |s| s.args_override_self(true));
    }
    command
}

fn fail(e: HubError) -> ExitCode {
    // Not `eprintln!`: it panics when stderr is closed.
    let _ = writeln!(
        std::io::stderr(),
        "error: {}: {}",
        e.code(),
        escape_text(&e.to_string())
    );
    ExitCode::FAILURE
}

/// The storage URL and how to open it, for a command: the password from a file or the
/// environment (one inside a URL given on the command line is refused: every user of the
/// machine can read a command line), the CA file, and for admin commands the lock timeout and
/// "never create a hub".
fn open_options(
    arg: &StorageArg,
    storage_on_argv: bool,
    admin: Option<Duration>,
) -> Result<OpenOptions, HubError> {
    let url = StorageUrl::parse(&arg.storage)?;
    if storage_on_argv && url.has_password() {
        return Err(HubError::Config(
            "a password in the --storage URL is visible to every user of this machine \
             (ps, /proc): put it in a file for --pg-password-file, or in RAPPORTINO_PG_PASSWORD \
             or PGPASSWORD, or give the whole URL in RAPPORTINO_HUB_STORAGE"
                .into(),
        ));
    }
    let password = match &arg.pg_password_file {
        Some(file) => Some(read_password_file(file)?),
        None => ["RAPPORTINO_PG_PASSWORD", "PGPASSWORD"]
            .iter()
            .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty())),
    };
    Ok(OpenOptions {
        existing_only: admin.is_some(),
        lock_timeout: admin,
        pg: PgConnect {
            password,
            ca_file: arg.pg_ca_file.clone(),
            ..PgConnect::default()
        },
    })
}

fn read_password_file(file: &std::path::Path) -> Result<String, HubError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| HubError::Config(format!("--pg-password-file {}: {e}", file.display())))?;
    let password = text.lines().next().unwrap_or("").trim_end_matches('\r');
    if password.is_empty() {
        return Err(HubError::Config(format!(
            "--pg-password-file {}: the first line is empty",
            file.display()
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(file) {
            if meta.permissions().mode() & 0o077 != 0 {
                tracing::warn!(
                    file = %file.display(),
                    "the PostgreSQL password file can be read by other users: chmod 600 it"
                );
            }
        }
    }
    Ok(password.to_string())
}

fn open_admin(admin: &AdminArg, storage_on_argv: bool) -> Result<Storage, HubError> {
    let wait = Duration::from_secs(admin.lock_timeout_secs);
    let options = open_options(&admin.storage, storage_on_argv, Some(wait))?;
    Storage::open_with(&admin.storage.storage, &options)
}

fn print_device(d: &DeviceInfo) {
    let state = match (&d.revoked_at, &d.last_seen_at) {
        (Some(at), _) => format!("revoked {at}"),
        (None, Some(at)) => format!("last seen {at}"),
        (None, None) => "never seen".to_string(),
    };
    let skew = match &d.clock_skew_flagged_at {
        Some(at) => format!("  clock ahead (flagged {at})"),
        None => String::new(),
    };
    println!(
        "{}  {:<6} {:<10} {}  enrolled {}  {}{}",
        escape_text(&d.device_id),
        escape_text(&d.device_code),
        d.role.as_str(),
        escape_text(&d.name),
        escape_text(&d.enrolled_at),
        escape_text(&state),
        escape_text(&skew),
    );
}

fn run(command: Command, storage_on_argv: bool) -> Result<(), HubError> {
    match command {
        Command::Serve {
            storage,
            listen,
            tls_cert,
            tls_key,
            insecure_http,
            log_json,
            body_limit_mib,
            unauth_body_limit_kib,
            shutdown_grace_secs,
            header_read_timeout_secs,
            body_read_timeout_secs,
            request_timeout_secs,
            write_timeout_secs,
            max_connections,
            max_connections_per_ip,
            max_snapshot_streams,
            snapshot_timeout_secs,
            mail_config,
            mail_every_secs,
            intake_config,
            web,
            releases_dir,
        } => {
            init_logs(log_json, "info");
            let tls = match (tls_cert, tls_key, insecure_http) {
                (Some(cert), Some(key), false) => Some(TlsFiles { cert, key }),
                (None, None, true) => None,
                _ => {
                    return Err(HubError::Config(
                        "give --tls-cert and --tls-key, or --insecure-http".into(),
                    ))
                }
            };
            if tls.is_none() {
                tracing::warn!("serving plain HTTP (--insecure-http): tokens travel in clear");
            }
            let options = open_options(&storage, storage_on_argv, None)?;
            let storage = Arc::new(Storage::open_with(&storage.storage, &options)?);
            let secs = |n: u64| Duration::from_secs(n.max(1));
            let mut config = ServerConfig::new(listen, tls);
            config.body_limit = body_limit_mib.max(1).saturating_mul(1024 * 1024);
            config.unauth_body_limit = unauth_body_limit_kib.max(1).saturating_mul(1024);
            config.shutdown_grace = Duration::from_secs(shutdown_grace_secs);
            config.header_read_timeout = secs(header_read_timeout_secs);
            config.body_read_timeout = secs(body_read_timeout_secs);
            config.request_timeout = secs(request_timeout_secs);
            config.write_timeout = secs(write_timeout_secs);
            config.max_connections = max_connections.max(1);
            config.max_connections_per_ip = max_connections_per_ip.max(1);
            config.max_snapshot_streams = max_snapshot_streams.max(1);
            config.snapshot_timeout = secs(snapshot_timeout_secs);
            config.releases_dir = releases_dir;
            if let Some(path) = &intake_config {
                config.webhooks = crate::intake::webhook::load(path)?.map(Arc::new);
            }
            if web.web_form {
                let attachment = web
                    .web_form_attachment_mib
                    .max(1)
                    .saturating_mul(1024 * 1024);
                let mut form = crate::web::WebFormConfig {
                    max_attachment: attachment,
                    max_body: attachment.saturating_add(256 * 1024),
                    per_ip: web.web_form_per_ip.max(1),
                    per_email: web.web_form_per_email.max(1),
                    ..Default::default()
                };
                if let Some(path) = &intake_config {
                    // The engine's rules (its per-sender limit) as the mailboxes have them.
                    if let Ok(intake) = rapportino_intake::imap::load_config(path) {
                        form.rules = intake.rules;
                    }
                }
                tracing::info!(path = crate::web::form::PATH, "web request form enabled");
                config.web_form = Some(form);
            }
            config.portal = web.portal.config(intake_config.as_deref())?;
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(|e| HubError::Internal(format!("runtime: {e}")))?;
            // The mail sender runs beside the server, on its own thread, until the server stops.
            let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let mailer = match mail_config {
                Some(path) => {
                    let account = crate::mail::load_account(&path)?;
                    let (storage, stop) = (storage.clone(), stop.clone());
                    let every = Duration::from_secs(mail_every_secs.max(1));
                    Some(std::thread::spawn(move || {
                        crate::mail::run_sender(storage, account, every, || {
                            stop.load(std::sync::atomic::Ordering::Relaxed)
                        })
                    }))
                }
                None => None,
            };
            // The intake collectors too: one thread per mailbox (IDLE, else polling).
            let collectors = match intake_config {
                Some(path) => {
                    let intake = rapportino_intake::imap::load_config(&path)
                        .map_err(|e| HubError::Config(e.to_string()))?;
                    crate::intake::run_collectors(storage.clone(), intake, stop.clone())
                }
                None => Vec::new(),
            };
            let signal = {
                let _inside = runtime.enter();
                server::shutdown_signal()
            };
            let served = runtime.block_on(server::serve(storage, config, signal));
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            if let Some(m) = mailer {
                let _ = m.join();
            }
            for c in collectors {
                let _ = c.join();
            }
            served?;
            tracing::info!("hub stopped");
            Ok(())
        }
        Command::Init {
            config,
            names,
            code_valid_minutes,
            json,
        } => {
            init_logs(false, "warn");
            let report = crate::init::init(&crate::init::InitOptions {
                config,
                names,
                code_valid_minutes,
            })?;
            if json {
                print_json(&report)
            } else {
                crate::init::print(&report);
                Ok(())
            }
        }
        Command::IntakeTest { intake_config } => {
            init_logs(false, "warn");
            let intake = rapportino_intake::imap::load_config(&intake_config)
                .map_err(|e| HubError::Config(e.to_string()))?;
            for m in &intake.mailboxes {
                let c = rapportino_intake::imap::check_blocking(m)
                    .map_err(|e| HubError::Config(e.to_string()))?;
                println!(
                    "{}: {} messages, {} unseen, UIDVALIDITY {}, IDLE {}",
                    c.mailbox,
                    c.messages,
                    c.unseen,
                    c.uid_validity,
                    if c.idle { "yes" } else { "no" }
                );
            }
            Ok(())
        }
        Command::MailTest { mail_config, to } => {
            init_logs(false, "warn");
            let account = crate::mail::load_account(&mail_config)?;
            let id = format!("<hub-test-{}@rapportino.invalid>", uuid::Uuid::now_v7());
            match rapportino_mail::send_test_message(&account, &to, &id) {
                rapportino_mail::Outcome::Sent { reply } => {
                    println!("{reply}");
                    Ok(())
                }
                rapportino_mail::Outcome::Deferred { error, .. }
                | rapportino_mail::Outcome::Failed { error } => Err(HubError::Config(format!(
                    "{}: {}",
                    error.code().as_str(),
                    error.message()
                ))),
            }
        }
        Command::EnrolCode {
            admin,
            role,
            valid_minutes,
            json,
        } => {
            init_logs(false, "warn");
            let storage = open_admin(&admin, storage_on_argv)?;
            let code = crate::auth::create_code(
                &storage,
                role.into(),
                Some(valid_minutes),
                chrono::Utc::now(),
            )?;
            if json {
                print_json(&code)
            } else {
                println!("{}", code.code);
                eprintln!(
                    "single use, role {}, valid until {}",
                    code.role.as_str(),
                    code.expires_at
                );
                Ok(())
            }
        }
        Command::PortalLog { admin, limit, json } => {
            init_logs(false, "warn");
            let storage = open_admin(&admin, storage_on_argv)?;
            crate::web::portal::log::print(&storage, limit, json)
        }
        Command::Devices { admin, json } => {
            init_logs(false, "warn");
            let devices = open_admin(&admin, storage_on_argv)?.registry().devices()?;
            if json {
                return print_json(&devices);
            }
            if devices.is_empty() {
                eprintln!("no device enrolled");
            }
            devices.iter().for_each(print_device);
            Ok(())
        }
        Command::Refusals { admin, limit, json } => {
            init_logs(false, "warn");
            let refusals = open_admin(&admin, storage_on_argv)?
                .registry()
                .refusals(limit.clamp(1, 10_000))?;
            if json {
                return print_json(&refusals);
            }
            if refusals.is_empty() {
                eprintln!("no refused write");
            }
            for r in &refusals {
                println!(
                    "{}  {}  {}  (device {}, mutation {})",
                    escape_text(&r.at),
                    escape_text(&r.code),
                    escape_text(&r.detail),
                    escape_text(&r.device_id),
                    escape_text(&r.mutation_id)
                );
            }
            Ok(())
        }
        Command::Revoke {
            admin,
            device_id,
            json,
        } => {
            init_logs(false, "warn");
            let storage = open_admin(&admin, storage_on_argv)?;
            let info = storage
                .registry()
                .revoke(&device_id, &now_text())?
                .ok_or_else(|| HubError::NotFound(format!("device {device_id}")))?;
            if json {
                print_json(&info)
            } else {
                print_device(&info);
                Ok(())
            }
        }
        Command::Release(args) => {
            init_logs(false, "warn");
            crate::release::cli::run(args)
        }
        Command::Backup { admin, out, json } => {
            init_logs(false, "warn");
            let summary = open_admin(&admin, storage_on_argv)?.backup_to(&out)?;
            if json {
                print_json(&summary)
            } else {
                println!(
                    "{}: hub {}, {} changes, {} rows, {} devices",
                    out.display(),
                    summary.hub_id,
                    summary.max_seq,
                    summary.rows,
                    summary.devices
                );
                Ok(())
            }
        }
    }
}
