//! `rapportino-hub release add|list|remove`: the app releases the hub offers its devices.

use std::path::PathBuf;

use clap::Subcommand;

use super::{NewRelease, ReleaseStore, DEFAULT_MAX_MIB};
use crate::error::HubError;
use crate::term_output::{escape_text, print_json};

#[derive(clap::Args)]
pub struct ReleaseArgs {
    /// The hub's releases folder (the same as `serve --releases-dir`).
    #[arg(long, env = "RAPPORTINO_HUB_RELEASES_DIR", global = true)]
    releases_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: ReleaseCommand,
}

#[derive(Subcommand)]
enum ReleaseCommand {
    /// Adds a signed release: the app's .deb and its `.sig` from `tauri signer sign` (see the
    /// README, "Updates"). Refused unless the version is newer than every release here, the
    /// signature well-formed and made for this version, the file a .deb within the size limit;
    /// with --public-key, unless the signature verifies over the file.
    Add {
        /// The package (`rapportino_X.Y.Z_amd64.deb`).
        package: PathBuf,
        /// Its signature file.
        #[arg(long)]
        signature: PathBuf,
        /// The app's version inside the package (X.Y.Z).
        #[arg(long)]
        version: String,
        /// What is new, shown to the user before installing.
        #[arg(long, default_value = "")]
        notes: String,
        /// The shop's updater public key file (`.pub` from `tauri signer generate`, the
        /// `plugins.updater.pubkey` the app is built with).
        #[arg(long, value_name = "FILE")]
        public_key: Option<PathBuf>,
        /// Largest package accepted, in MiB.
        #[arg(long, default_value_t = DEFAULT_MAX_MIB)]
        max_mib: u64,
        #[arg(long)]
        json: bool,
    },
    /// Lists the releases offered, oldest first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Stops offering a release and deletes its files.
    Remove {
        version: String,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(args: ReleaseArgs) -> Result<(), HubError> {
    let dir = args.releases_dir.ok_or_else(|| {
        HubError::Config("give --releases-dir (or RAPPORTINO_HUB_RELEASES_DIR)".into())
    })?;
    let store = ReleaseStore::new(dir);
    match args.command {
        ReleaseCommand::Add {
            package,
            signature,
            version,
            notes,
            public_key,
            max_mib,
            json,
        } => {
            let key = match &public_key {
                Some(path) => Some(std::fs::read_to_string(path).map_err(|e| {
                    HubError::Config(format!("--public-key {}: {e}", path.display()))
                })?),
                None => None,
            };
            let release = store.add(&NewRelease {
                package: &package,
                signature: &signature,
                version: &version,
                notes: &notes,
                public_key: key.as_deref(),
                max_bytes: max_mib.saturating_mul(1024 * 1024),
            })?;
            if json {
                return print_json(&release);
            }
            println!(
                "release {} added ({} bytes, sha256 {}){}",
                release.version,
                release.size,
                release.sha256,
                if key.is_some() {
                    ", signature verified"
                } else {
                    ""
                }
            );
            Ok(())
        }
        ReleaseCommand::List { json } => {
            let all = store.list()?;
            if json {
                return print_json(&all);
            }
            if all.is_empty() {
                eprintln!("no release");
            }
            for r in &all {
                println!(
                    "{}  {}  {} bytes  sha256 {}  {}",
                    r.version,
                    r.pub_date,
                    r.size,
                    r.sha256,
                    escape_text(r.notes.lines().next().unwrap_or(""))
                );
            }
            Ok(())
        }
        ReleaseCommand::Remove { version, json } => {
            let gone = store.remove(&version)?;
            if json {
                return print_json(&gone);
            }
            println!("release {} removed", gone.version);
            Ok(())
        }
    }
}
