//! `backup FILE`, `restore FILE [--as-new-device]`, `backups [--auto]`: copies of the database
//! (SQLite online backup), restoring one, and the daily automatic backups kept 14 days.

use std::path::PathBuf;

use clap::Args;
use rapportino_core::backup::{self, BackupFile, RestoreOptions, KEEP_DAYS};
use rapportino_core::time::local_date;
use rapportino_core::{Result, Store};

use crate::output::Out;

#[derive(Args)]
pub struct RestoreArgs {
    file: PathBuf,
    /// Another device's backup on a device enrolled with a hub: make this database a new device
    /// (new identity, disconnected from the hub: run `onboard` and `sync enrol` again).
    #[arg(long)]
    as_new_device: bool,
}

#[derive(Args)]
pub struct BackupsArgs {
    /// Make today's automatic backup now (if missing) and delete those older than 14 days.
    #[arg(long)]
    auto: bool,
}

fn size(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn line(b: &BackupFile) -> String {
    format!("{}  {}", b.path, size(b.bytes))
}

pub fn backup_now(store: &mut Store, out: Out, file: PathBuf) -> Result<()> {
    let made = match store.path() {
        Some(db) => backup::backup_file(db, &file)?,
        None => backup::backup_to(store, &file)?,
    };
    out.emit(&made, |b| format!("backup scritto: {}", line(b)));
    Ok(())
}

pub fn restore(store: &mut Store, out: Out, args: RestoreArgs) -> Result<()> {
    let dir = backup::folder_of(store)?;
    let options = RestoreOptions {
        as_new_device: args.as_new_device,
        ..RestoreOptions::default()
    };
    let done = backup::restore_with(store, &args.file, &dir, &options)?;
    out.emit(&done, |r| {
        let mut s = format!(
            "ripristinato da {}\ncopia di sicurezza dei dati precedenti: {}",
            args.file.display(),
            line(&r.safety_copy)
        );
        if r.new_device {
            s.push_str(
                "\nora è un nuovo dispositivo, scollegato dall'hub: \
                 configuralo con `onboard` e collegalo con `sync enrol`",
            );
        }
        s
    });
    Ok(())
}

pub fn backups(store: &mut Store, out: Out, args: BackupsArgs) -> Result<()> {
    let dir = backup::folder_of(store)?;
    if args.auto {
        let db = store.path().map(|p| p.to_path_buf()).unwrap_or_default();
        let today = local_date(store.now(), store.tz());
        let done = backup::auto_backup(&db, &dir, today, KEEP_DAYS)?;
        out.emit(&done, |d| {
            let mut s = match &d.made {
                Some(b) => format!("backup di oggi: {}\n", line(b)),
                None => "il backup di oggi c'era già\n".into(),
            };
            for r in &d.removed {
                s += &format!("eliminato (più vecchio di {KEEP_DAYS} giorni): {r}\n");
            }
            s
        });
        return Ok(());
    }
    let list = backup::list(&dir)?;
    out.emit(&list, |l| {
        if l.is_empty() {
            return format!("nessun backup in {}", dir.display());
        }
        l.iter().map(|b| line(b) + "\n").collect()
    });
    Ok(())
}
