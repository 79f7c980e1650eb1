//! Where the database lives. The app and the CLI agree on one file: the OS app-data folder
//! (`~/.local/share/it.rapportino.desktop/rapportino.db` on Linux), unless `RAPPORTINO_DB` names
//! another file (tests, demos, a second profile).

use std::path::PathBuf;

use crate::error::{Error, Result};

/// The app identifier (also Tauri's `identifier`).
pub const APP_IDENTIFIER: &str = "it.rapportino.desktop";
pub const DATABASE_FILE: &str = "rapportino.db";
pub const DB_ENV: &str = "RAPPORTINO_DB";

pub fn default_database_path() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os(DB_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let base = directories::BaseDirs::new().ok_or_else(|| {
        Error::Io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no home folder to keep the database in",
        ))
    })?;
    Ok(base.data_dir().join(APP_IDENTIFIER).join(DATABASE_FILE))
}
