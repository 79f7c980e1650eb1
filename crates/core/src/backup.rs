//! Backups of the database: now, to a file the user picks; automatically, once a day, into the
//! `backups` folder beside the database, kept for [`KEEP_DAYS`] days; and restoring one.
//!
//! Copies are made with SQLite's online backup API, page by page from a consistent snapshot, while
//! the app keeps working (a file copy of a live WAL database can be torn). A copy is written to a
//! temporary file, checked (`quick_check`, ours, schema known), synced and only then renamed into
//! place: a failed backup leaves nothing behind. Restoring checks the file first (also its schema
//! object by object against a fresh database of its version: the signed-report triggers among
//! them), keeps a safety copy of the current data, then copies the backup into the open database,
//! so the app carries on with the same connection.
//!
//! Every copy (daily, manual, safety copy) is created owner-only (0600 on Unix) and so is the
//! `backups` folder when this module creates it (0700): see `rapportino_model::owner_only`.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{Duration, NaiveDate};
use rusqlite::{backup::Backup, Connection, OpenFlags, MAIN_DB};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Code, Error, Result};
use crate::store::{local_get, local_set, migrations, Store, APPLICATION_ID};

/// `local_state` key of the last failed daily backup (cleared by the next one that works).
const AUTO_FAILURE: &str = "backup.auto_failure";

/// Automatic backups older than this many days are deleted.
pub const KEEP_DAYS: i64 = 14;
/// The folder beside the database.
pub const FOLDER: &str = "backups";
const AUTO_PREFIX: &str = "rapportino-";
const SAFETY_PREFIX: &str = "prima-del-ripristino-";
/// Pages copied per step of the online backup (4 MiB with 4 KiB pages).
const PAGES_PER_STEP: std::os::raw::c_int = 1024;

static COUNTER: AtomicU64 = AtomicU64::new(0);

#[derive(Debug, Clone, Serialize, TS)]
pub struct BackupFile {
    pub name: String,
    pub path: String,
    pub bytes: u64,
    /// `YYYY-MM-DD` for the automatic daily backups.
    pub day: Option<String>,
    pub automatic: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AutoBackup {
    /// The backup made now (none when today's already existed).
    pub made: Option<BackupFile>,
    /// Automatic backups deleted as older than [`KEEP_DAYS`] days.
    pub removed: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Restored {
    /// The copy of the data as it was before the restore.
    pub safety_copy: BackupFile,
    pub schema_version: i64,
    /// Restored as a new device ([`RestoreOptions::as_new_device`]): set it up and enrol it again.
    pub new_device: bool,
}

/// What the backups tab shows: the folder, how many days automatic backups are kept, the files.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Backups {
    pub folder: String,
    pub keep_days: i64,
    pub files: Vec<BackupFile>,
}

/// The backups of the database at `database`, newest first, with their folder.
pub fn overview(database: &Path) -> Result<Backups> {
    let folder = folder_for(database);
    Ok(Backups {
        files: list(&folder)?,
        folder: folder.display().to_string(),
        keep_days: KEEP_DAYS,
    })
}

/// `<folder of the database>/backups`.
pub fn folder_for(database: &Path) -> PathBuf {
    database
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join(FOLDER)
}

/// The folder of this store's automatic backups (none for an in-memory store).
pub fn folder_of(store: &Store) -> Result<PathBuf> {
    store
        .path()
        .map(folder_for)
        .ok_or_else(|| unwritable(Path::new(":memory:"), "an in-memory database has no folder"))
}

fn unwritable(path: &Path, why: impl std::fmt::Display) -> Error {
    Error::invalid(
        Code::OutputUnwritable,
        "path",
        format!("cannot write the backup {}: {why}", path.display()),
    )
}

fn invalid(path: &Path, why: impl std::fmt::Display) -> Error {
    Error::invalid(
        Code::BackupInvalid,
        "path",
        format!(
            "{} is not a usable Rapportino backup: {why}",
            path.display()
        ),
    )
}

/// Copies the store's database to `target` (replacing it), through the online backup API.
pub fn backup_to(store: &Store, target: &Path) -> Result<BackupFile> {
    copy_from(store.conn(), target)
}

/// Copies the database file `database` to `target` through a connection of its own: the app's
/// connection stays free while a large database is copied.
pub fn backup_file(database: &Path, target: &Path) -> Result<BackupFile> {
    let source = Connection::open_with_flags(
        database,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    source.busy_timeout(std::time::Duration::from_secs(30))?;
    copy_from(&source, target)
}

fn copy_from(source: &Connection, target: &Path) -> Result<BackupFile> {
    let name = target
        .file_name()
        .ok_or_else(|| unwritable(target, "it does not name a file"))?
        .to_string_lossy()
        .into_owned();
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = dir.join(format!(
        ".{name}.{}-{}.partial",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = write_copy(source, &tmp).and_then(|()| {
        fs::rename(&tmp, target).map_err(|e| unwritable(target, e))?;
        if let Ok(d) = fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        describe(target)
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn write_copy(source: &Connection, tmp: &Path) -> Result<()> {
    // Owner-only from the first byte (the rename keeps it): a backup holds all the shop's data.
    crate::owner_only::create_new(tmp).map_err(|e| unwritable(tmp, e))?;
    let mut dest = Connection::open(tmp).map_err(|e| unwritable(tmp, e))?;
    {
        let backup = Backup::new(source, &mut dest).map_err(|e| unwritable(tmp, e))?;
        backup.run_to_completion(PAGES_PER_STEP, std::time::Duration::ZERO, None)?;
    }
    // One self-contained file (no -wal beside it), checked before it takes the final name.
    dest.pragma_update(None, "journal_mode", "DELETE")?;
    // A copy never carries the hub token (a database not yet opened by this version may).
    crate::sync::credential::scrub(&dest, true)?;
    check(&dest, tmp)?;
    drop(dest);
    fs::File::open(tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| unwritable(tmp, e))
}

/// Ours, a schema this binary knows, and sound.
fn check(conn: &Connection, path: &Path) -> Result<i64> {
    let app_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| invalid(path, e))?;
    if app_id != APPLICATION_ID {
        return Err(invalid(path, "not a Rapportino database"));
    }
    let version = migrations::current_version(conn).map_err(|e| invalid(path, e))?;
    if version > migrations::latest_version() {
        return Err(Error::DatabaseTooNew {
            found: version,
            supported: migrations::latest_version(),
        });
    }
    let verdict: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(|e| invalid(path, e))?;
    if verdict != "ok" {
        return Err(invalid(path, format!("damaged ({verdict})")));
    }
    Ok(version)
}

/// Checks that `path` is a backup this binary can restore (read-only: nothing is changed): ours,
/// sound, and with exactly the schema of a Rapportino database of its version — every table,
/// column, index and trigger, among them the ones that keep a signed report from changing.
pub fn inspect(path: &Path) -> Result<i64> {
    if !path.is_file() {
        return Err(invalid(path, "no such file"));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| invalid(path, e))?;
    let version = check(&conn, path)?;
    check_schema(&conn, path, version)?;
    Ok(version)
}

/// The schema objects of a database: (type, name) → its table and its SQL with the whitespace
/// collapsed. The shadow tables of the full-text indexes count by name only: SQLite writes their
/// SQL itself, and a backup made by another SQLite version may word it differently.
fn schema_of(conn: &Connection) -> rusqlite::Result<BTreeMap<(String, String), String>> {
    let shadow = conn
        .prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow'")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<HashSet<String>>>()?;
    let mut stmt = conn.prepare(
        "SELECT type, name, tbl_name, sql FROM main.sqlite_schema
         WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (kind, name, table, sql) = row?;
        let sql = match sql {
            Some(_) if shadow.contains(&name) => String::new(),
            Some(sql) => sql.split_whitespace().collect::<Vec<_>>().join(" "),
            None => String::new(),
        };
        out.insert((kind, name), format!("{table}: {sql}"));
    }
    Ok(out)
}

/// Refuses (`BACKUP_SCHEMA_MISMATCH`) a database whose schema differs from the one a fresh
/// database of `version` has: a dropped trigger would let a signed report be rewritten, a changed
/// table would break sync and the app in ways `quick_check` cannot see.
fn check_schema(conn: &Connection, path: &Path, version: i64) -> Result<()> {
    let reference = Connection::open_in_memory()?;
    migrations::apply_up_to(&reference, version)?;
    let want = schema_of(&reference)?;
    let got = schema_of(conn).map_err(|e| invalid(path, e))?;
    let mut differences = Vec::new();
    for ((kind, name), sql) in &want {
        match got.get(&(kind.clone(), name.clone())) {
            None => differences.push(format!("{kind} {name} is missing")),
            Some(theirs) if theirs != sql => differences.push(format!("{kind} {name} differs")),
            Some(_) => {}
        }
    }
    for (kind, name) in got.keys() {
        if !want.contains_key(&(kind.clone(), name.clone())) {
            differences.push(format!("{kind} {name} is not Rapportino's"));
        }
    }
    if differences.is_empty() {
        return Ok(());
    }
    let shown = differences.len().min(5);
    Err(Error::invalid(
        Code::BackupSchemaMismatch,
        "path",
        format!(
            "{} does not have the structure of a Rapportino database (version {version}): {}{} \
             — it may have been altered (the protection of signed reports is part of it); \
             nothing was changed",
            path.display(),
            differences[..shown].join("; "),
            if differences.len() > shown {
                format!(" and {} more", differences.len() - shown)
            } else {
                String::new()
            }
        ),
    ))
}

/// How a restore goes.
#[derive(Debug, Clone)]
pub struct RestoreOptions {
    /// How long to wait for a sync round running on this database before giving up with
    /// `SYNC_RUNNING` (a round is seconds; one stuck on an unanswering hub times out in minutes).
    pub wait_for_sync: std::time::Duration,
    /// Make the restored database a new device (`sync::become_new_device`): needed to restore
    /// another device's backup on a device enrolled with a hub, refused otherwise
    /// (`FOREIGN_BACKUP`).
    pub as_new_device: bool,
}

impl Default for RestoreOptions {
    fn default() -> Self {
        RestoreOptions {
            wait_for_sync: std::time::Duration::from_secs(30),
            as_new_device: false,
        }
    }
}

/// [`restore_with`] with the default options.
pub fn restore_from(store: &mut Store, source: &Path, safety_dir: &Path) -> Result<Restored> {
    restore_with(store, source, safety_dir, &RestoreOptions::default())
}

/// Replaces the store's data with the backup at `source`, after checking it and copying the
/// current data to `safety_dir` (`prima-del-ripristino-<time>.db`). A backup from an older
/// version is migrated. Holds the database's sync guard (`sync::guard`) throughout: a sync
/// round running on the same database (another connection, another process) is waited for, at
/// most `options.wait_for_sync`, and none starts until the restore is done.
///
/// A backup of *another* device (its device id is not this database's) on a device enrolled
/// with a hub is refused (`FOREIGN_BACKUP`): this computer would pose as that device, and
/// the hub refuses its changes or mixes up two devices' numbers. With
/// `options.as_new_device` it is restored and becomes a new device instead (set it up and enrol
/// it again). Without a hub (a new computer taking over a lost one's data) it is restored as it
/// is, identity included. On a refused file, or a sync that does not end in time, nothing
/// changes.
pub fn restore_with(
    store: &mut Store,
    source: &Path,
    safety_dir: &Path,
    options: &RestoreOptions,
) -> Result<Restored> {
    inspect(source)?;
    let _no_sync = crate::sync::guard::acquire_within(store, options.wait_for_sync)?;
    let was_enrolled = crate::sync::is_enrolled(store)?;
    let theirs = device_of(source)?;
    let foreign = theirs.as_deref() != Some(store.device_id()?.to_string().as_str());
    if foreign && was_enrolled && !options.as_new_device {
        return Err(Error::invalid(
            Code::ForeignBackup,
            "path",
            format!(
                "{} is a backup of another device ({}): restored here, this computer would pose \
                 as that device to the hub. Restore it as a new device (CLI: --as-new-device): \
                 it gets a new identity and must be set up and enrolled again; nothing was changed",
                source.display(),
                theirs.as_deref().unwrap_or("no device id")
            ),
        ));
    }
    crate::owner_only::create_dir_all(safety_dir).map_err(|e| unwritable(safety_dir, e))?;
    let stamp = store
        .now()
        .with_timezone(&store.tz())
        .format("%Y-%m-%d-%H%M%S");
    let safety = backup_to(
        store,
        &safety_dir.join(format!("{SAFETY_PREFIX}{stamp}.db")),
    )?;
    store.restore_database(source)?;
    if options.as_new_device {
        // Scrubbed first: a token the backup may carry belongs to its device.
        crate::sync::credential::scrub(store.conn(), store.path().is_some())?;
        crate::sync::become_new_device(store)?;
    } else {
        crate::sync::after_restore(store, was_enrolled)?;
        // An old backup may still carry a token: the token file, when there is one, is the
        // current one.
        crate::sync::credential::move_out_of_database(store)?;
    }
    let schema_version = migrations::current_version(store.conn())?;
    Ok(Restored {
        safety_copy: safety,
        schema_version,
        new_device: options.as_new_device,
    })
}

/// The device id a backup's database belongs to.
fn device_of(path: &Path) -> Result<Option<String>> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| invalid(path, e))?;
    crate::store::local_get(&conn, "device_id").map_err(|e| invalid(path, e))
}

impl Store {
    /// Copies `source` into this connection's main database (online backup API), then brings
    /// the schema up to date.
    fn restore_database(&mut self, source: &Path) -> Result<()> {
        self.conn_mut()
            .restore(MAIN_DB, source, None::<fn(rusqlite::backup::Progress)>)
            .map_err(|e| invalid(source, e))?;
        self.conn().flush_prepared_statement_cache();
        migrations::apply(self.conn())?;
        Ok(())
    }
}

fn auto_name(day: NaiveDate) -> String {
    format!("{AUTO_PREFIX}{day}.db")
}

fn auto_day(name: &str) -> Option<NaiveDate> {
    let day = name.strip_prefix(AUTO_PREFIX)?.strip_suffix(".db")?;
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

fn describe(path: &Path) -> Result<BackupFile> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = fs::metadata(path)?.len();
    let day = auto_day(&name);
    Ok(BackupFile {
        path: path.display().to_string(),
        bytes,
        day: day.map(|d| d.to_string()),
        automatic: day.is_some(),
        name,
    })
}

/// The daily backup: makes `rapportino-<today>.db` in `dir` unless it exists, and deletes the
/// automatic backups older than `keep_days` days. Other files in the folder are never touched.
pub fn auto_backup(
    database: &Path,
    dir: &Path,
    today: NaiveDate,
    keep_days: i64,
) -> Result<AutoBackup> {
    crate::owner_only::create_dir_all(dir).map_err(|e| unwritable(dir, e))?;
    let target = dir.join(auto_name(today));
    let made = if target.exists() {
        None
    } else {
        Some(backup_file(database, &target)?)
    };
    let oldest_kept = today - Duration::days(keep_days - 1);
    let mut removed = Vec::new();
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if auto_day(&name).is_some_and(|d| d < oldest_kept)
            && fs::remove_file(dir.join(&name)).is_ok()
        {
            removed.push(name);
        }
    }
    removed.sort();
    Ok(AutoBackup { made, removed })
}

/// The backups in `dir` (automatic ones and safety copies), newest first.
pub fn list(dir: &Path) -> Result<Vec<BackupFile>> {
    let mut out = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e.into()),
    };
    for entry in entries {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if auto_day(&name).is_some() || (name.starts_with(SAFETY_PREFIX) && name.ends_with(".db")) {
            out.push(describe(&path)?);
        }
    }
    // Newest first: both kinds of names carry their date (and the safety copies their time).
    let key = |b: &BackupFile| {
        b.name
            .trim_start_matches(AUTO_PREFIX)
            .trim_start_matches(SAFETY_PREFIX)
            .to_owned()
    };
    out.sort_by_key(|b| std::cmp::Reverse(key(b)));
    Ok(out)
}

/// A daily backup that failed: the day it was due and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AutoBackupFailure {
    pub day: String,
    pub message: String,
}

/// Notes that today's daily backup failed (what the backup settings and the notifications
/// show), or clears the note after one that worked (`failure` None).
pub fn record_auto_outcome(store: &Store, failure: Option<&AutoBackupFailure>) -> Result<()> {
    match failure {
        Some(f) => {
            let text = serde_json::to_string(f).map_err(|e| Error::Inconsistent(e.to_string()))?;
            local_set(store.conn(), AUTO_FAILURE, &text)
        }
        None => {
            store
                .conn()
                .execute("DELETE FROM local_state WHERE key = ?1", [AUTO_FAILURE])?;
            Ok(())
        }
    }
}

/// The daily backup's last failure, unless one has worked since.
pub fn last_auto_failure(store: &Store) -> Result<Option<AutoBackupFailure>> {
    Ok(local_get(store.conn(), AUTO_FAILURE)?.and_then(|s| serde_json::from_str(&s).ok()))
}
