//! `rapportino-hub`: serve, and the admin commands that work on the storage directly (on the
//! hub's own machine; a remote admin uses the HTTP admin endpoints from an admin device).
//! Errors print `error: CODE: message` on stderr and exit with status 1.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};
use rapportino_model::protocol::{DeviceInfo, Role};

use crate::error::HubError;
use crate::server::{self, ServerConfig, TlsFiles};
use crate::storage::{now_text, Storage};

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
    /// `sqlite:/path/hub.db` (or a plain path) or `postgres://user@host/db`
    #[arg(long, env = "RAPPORTINO_HUB_STORAGE")]
    storage: String,
}

#[derive(Subcommand)]
enum Command {
    /// Serves the hub over HTTPS until SIGINT/SIGTERM.
    Serve {
        #[command(flatten)]
        storage: StorageArg,
        /// Address and port to listen on.
        #[arg(long, default_value = "0.0.0.0:8443")]
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
        /// Largest request body, in MiB.
        #[arg(long, default_value_t = 32)]
        body_limit_mib: usize,
        /// Seconds in-flight requests get to finish after SIGINT/SIGTERM.
        #[arg(long, default_value_t = 30)]
        shutdown_grace_secs: u64,
    },
    /// Creates a single-use enrolment code and prints it.
    EnrolCode {
        #[command(flatten)]
        storage: StorageArg,
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
        storage: StorageArg,
        #[arg(long)]
        json: bool,
    },
    /// Revokes a device: its token stops working at once.
    Revoke {
        #[command(flatten)]
        storage: StorageArg,
        device_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Lists the latest writes the hub refused (signed reports edited, illegal ticket moves,
    /// time entries changed by another device...), newest first.
    Refusals {
        #[command(flatten)]
        storage: StorageArg,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// Writes a consistent copy of the hub into a new SQLite file (from either storage).
    Backup {
        #[command(flatten)]
        storage: StorageArg,
        /// The new file (refused if it exists).
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}: {e}", e.code());
            ExitCode::FAILURE
        }
    }
}

fn init_logs(json: bool, default_level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<(), HubError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| HubError::Internal(format!("JSON output: {e}")))?;
    println!("{text}");
    Ok(())
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
        "{}  {:<6} {:<10} {}  enrolled {}  {state}{skew}",
        d.device_id,
        d.device_code,
        d.role.as_str(),
        d.name,
        d.enrolled_at
    );
}

fn run(command: Command) -> Result<(), HubError> {
    match command {
        Command::Serve {
            storage,
            listen,
            tls_cert,
            tls_key,
            insecure_http,
            log_json,
            body_limit_mib,
            shutdown_grace_secs,
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
            let storage = Arc::new(Storage::open(&storage.storage)?);
            let mut config = ServerConfig::new(listen, tls);
            config.body_limit = body_limit_mib.saturating_mul(1024 * 1024);
            config.shutdown_grace = std::time::Duration::from_secs(shutdown_grace_secs);
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(|e| HubError::Internal(format!("runtime: {e}")))?;
            runtime.block_on(server::serve(storage, config, server::shutdown_signal()))?;
            tracing::info!("hub stopped");
            Ok(())
        }
        Command::EnrolCode {
            storage,
            role,
            valid_minutes,
            json,
        } => {
            init_logs(false, "warn");
            let storage = Storage::open(&storage.storage)?;
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
        Command::Devices { storage, json } => {
            init_logs(false, "warn");
            let devices = Storage::open(&storage.storage)?.registry().devices()?;
            if json {
                return print_json(&devices);
            }
            if devices.is_empty() {
                eprintln!("no device enrolled");
            }
            devices.iter().for_each(print_device);
            Ok(())
        }
        Command::Refusals {
            storage,
            limit,
            json,
        } => {
            init_logs(false, "warn");
            let refusals = Storage::open(&storage.storage)?
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
                    r.at, r.code, r.detail, r.device_id, r.mutation_id
                );
            }
            Ok(())
        }
        Command::Revoke {
            storage,
            device_id,
            json,
        } => {
            init_logs(false, "warn");
            let storage = Storage::open(&storage.storage)?;
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
        Command::Backup { storage, out, json } => {
            init_logs(false, "warn");
            let summary = Storage::open(&storage.storage)?.backup_to(&out)?;
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
