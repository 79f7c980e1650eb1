//! The device token, kept out of the database file: backups, safety copies and a database file
//! mailed to support hold no credential.
//!
//! It lives in a file beside the database, `<database file name>.sync-token` (e.g.
//! `rapportino.db.sync-token`), written atomically and created `0600` (owner only) on Unix; on
//! Windows it inherits the ACL of the user's own data folder, as the database does. An in-memory
//! store keeps it in memory.
//!
//! Why a file and not the OS keyring: the keyring needs a per-platform backend (and a D-Bus
//! session on Linux, absent under cron or ssh where the CLI syncs), and an entry there is not tied
//! to one database file, whereas a token belongs to one database (one device identity): two
//! databases on one computer, or a database moved to another folder with its token, stay right.
//! The file is as protected as the database itself and, unlike the database, never copied into
//! a backup.
//!
//! Databases written before this kept the token in `local_state` (`sync.token`): opening one
//! moves the token to the file and deletes it from the database with `secure_delete`, then
//! rewrites the file (`VACUUM`) so no free page keeps a copy. Backups scrub a token they find
//! the same way.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::Connection;

use super::keys;
use super::{local_get, Store};
use crate::error::Result;

/// What follows the database file name.
pub const SUFFIX: &str = ".sync-token";

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// `<database>.sync-token`, in the database's folder.
pub fn path_for(database: &Path) -> PathBuf {
    secret_path(database, SUFFIX)
}

/// This device's token for its hub, when it has one.
pub fn token(store: &Store) -> Result<Option<String>> {
    let Some(database) = store.path() else {
        return Ok(store.memory_token().map(str::to_owned));
    };
    read_file(&path_for(database))
}

/// `<database><suffix>` beside the database: another secret kept the same way as the token
/// (the mail account's password: `.mail-secret`).
pub fn secret_path(database: &Path, suffix: &str) -> PathBuf {
    let mut name = database.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    database.with_file_name(name)
}

/// The secret kept in `<database><suffix>`, if any (None for an in-memory store).
pub fn read_secret(store: &Store, suffix: &str) -> Result<Option<String>> {
    match store.path() {
        Some(database) => read_file(&secret_path(database, suffix)),
        None => Ok(None),
    }
}

/// Writes the secret to `<database><suffix>`, owner-only, atomically. An in-memory store has
/// nowhere to keep one: INCONSISTENT.
pub fn save_secret(store: &Store, suffix: &str, value: &str) -> Result<()> {
    let Some(database) = store.path() else {
        return Err(crate::error::Error::Inconsistent(
            "an in-memory database keeps no secrets".into(),
        ));
    };
    write_file(&secret_path(database, suffix), value)
}

/// Deletes `<database><suffix>` (none is fine).
pub fn forget_secret(store: &Store, suffix: &str) -> Result<()> {
    if let Some(database) = store.path() {
        match fs::remove_file(secret_path(database, suffix)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    Ok(())
}

fn read_file(path: &Path) -> Result<Option<String>> {
    let path = path.to_path_buf();
    match fs::read_to_string(&path) {
        Ok(text) => {
            owner_only(&path)?;
            let token = text.trim();
            Ok((!token.is_empty()).then(|| token.to_owned()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Stores `token` (replacing the previous one).
pub(crate) fn save(store: &mut Store, token: &str) -> Result<()> {
    let Some(database) = store.path() else {
        store.set_memory_token(Some(token.to_owned()));
        return Ok(());
    };
    write_file(&path_for(database), token)
}

fn write_file(path: &Path, value: &str) -> Result<()> {
    let path = path.to_path_buf();
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let tmp = dir.join(format!(
        ".{}.{}-{}.partial",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut file = crate::owner_only::create_new(&tmp)?;
        file.write_all(value.as_bytes())?;
        file.sync_all()?;
        fs::rename(&tmp, &path)?;
        if let Ok(d) = fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// Deletes the token (the device no longer has a hub).
pub(crate) fn forget(store: &mut Store) -> Result<()> {
    let Some(database) = store.path() else {
        store.set_memory_token(None);
        return Ok(());
    };
    match fs::remove_file(path_for(database)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

/// Moves a token kept in the database by an earlier version (or brought back by restoring an old
/// backup) out of it: to the token file when there is none (a token already there is the
/// current one), then off every page of the database.
pub(crate) fn move_out_of_database(store: &mut Store) -> Result<()> {
    let Some(old) = local_get(store.conn(), keys::TOKEN)? else {
        return Ok(());
    };
    if token(store)?.is_none() {
        save(store, &old)?;
    }
    scrub(store.conn(), store.path().is_some())
}

/// Deletes `sync.token` from `conn`'s `local_state`, zeroing its bytes, and rewrites a file
/// database so that no free page or freed cell keeps a copy (once: later tokens never enter it).
pub(crate) fn scrub(conn: &Connection, on_disk: bool) -> Result<()> {
    if local_get(conn, keys::TOKEN)?.is_none() {
        return Ok(());
    }
    conn.pragma_update(None, "secure_delete", true)?;
    let deleted = conn.execute("DELETE FROM local_state WHERE key = ?1", [keys::TOKEN]);
    conn.pragma_update(None, "secure_delete", false)?;
    deleted?;
    if on_disk {
        conn.execute("VACUUM", [])?;
        // The old pages may still sit in the write-ahead log: fold it in and empty it.
        let journal: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if journal.eq_ignore_ascii_case("wal") {
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
    }
    Ok(())
}

/// A token file readable by others (copied by hand, a lax umask) is made owner-only again.
#[cfg(unix)]
fn owner_only(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path)?.permissions().mode();
    if mode & 0o077 != 0 {
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn owner_only(_path: &Path) -> Result<()> {
    Ok(())
}
