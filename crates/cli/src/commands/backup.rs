//! `backup FILE`, `restore FILE`, `backups [--auto]`: copies of the database (SQLite online
//! backup), restoring one, and the daily automatic backups kept 14 days.

use std::path::PathBuf;

use clap::Args;
use rapportino_core::backup::{self, BackupFile, KEEP_DAYS};
use rapportino_core::time::local_date;
use rapportino_core::{Result, Store};

use crate::output::Out;

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

pub fn restore(store: &mut Store, out: Out, file: PathBuf) -> Result<()> {
    let dir = backup::folder_of(store)?;
    let done = backup::restore_from(store, &file, &dir)?;
    out.emit(&done, |r| {
        format!(
            "ripristinato da {}\ncopia di sicurezza dei dati precedenti: {}",
            file.display(),
            line(&r.safety_copy)
        )
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
