//! Which paths a command accepts from the web view.
//!
//! The web view is the least trusted part of the app (a script injected through a rendered
//! field would run there). So a path argument is used only when it is
//! - a path the user picked in a native dialog during this session — the dialogs run in Rust,
//!   inside the commands ([`resolve`]), and every path they return is remembered in the
//!   [`AllowedPaths`] list held by the managed `AppState`; or
//! - one of the app's own folders ([`AppFolders`]): the data folder itself (only to open it in
//!   the file manager: the database lives there), and anything under `backups/`, `rapporti/`
//!   and `rendiconti/` beside the database.
//!
//! Anything else is refused with `PATH_NOT_ALLOWED`. Paths are compared lexically: a path must
//! be absolute and hold no `..`, so `backups/../rapportino.db` is refused rather than resolved.
//! The app's folders are computed from the database path made absolute (on Unix its folder is
//! canonicalised) when the app starts, the same way `list_backups` and the statement batch
//! derive the paths they hand to the UI.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use rapportino_core::{Code, Error};
use tauri_plugin_dialog::FilePath;

use crate::error::{CmdResult, CommandError};

/// The app's own folders for one database file: the data folder (allowed itself, not what is in
/// it) and the trees allowed with everything under them (core's layout).
pub use rapportino_core::documents::AppFolders;

/// `path` absolute with its `.` components dropped; `None` when it is relative or holds a `..`
/// (never resolved: `..` after a symbolic link is not the lexical parent).
pub fn normalise(path: &Path) -> Option<PathBuf> {
    if !path.is_absolute() {
        return None;
    }
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => return None,
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    Some(out)
}

/// The rule, without state: `candidate` is allowed when it is one of `picked`, the data folder,
/// or inside one of the app's folder trees.
pub fn is_allowed(
    candidate: &Path,
    folders: Option<&AppFolders>,
    picked: &HashSet<PathBuf>,
) -> bool {
    let Some(path) = normalise(candidate) else {
        return false;
    };
    if picked.contains(&path) {
        return true;
    }
    folders.is_some_and(|f| path == f.data || f.trees.iter().any(|t| path.starts_with(t)))
}

/// The paths picked in native dialogs during this session, and the app's folders.
#[derive(Debug, Default)]
pub struct AllowedPaths {
    folders: Option<AppFolders>,
    picked: Mutex<HashSet<PathBuf>>,
}

impl AllowedPaths {
    /// For the database at `database` (none when its path could not be found).
    pub fn new(database: Option<&Path>) -> AllowedPaths {
        AllowedPaths {
            folders: database.map(AppFolders::for_database),
            picked: Mutex::default(),
        }
    }

    /// Remembers a path the user picked in a native dialog.
    pub fn remember_picked(&self, path: &Path) {
        if let Some(p) = normalise(path) {
            self.picked
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(p);
        }
    }

    /// `path` from the web view, if allowed (see the module); else `PATH_NOT_ALLOWED` on
    /// `field`.
    pub fn check(&self, path: &str, field: &'static str) -> CmdResult<PathBuf> {
        let candidate = Path::new(path);
        let picked = self
            .picked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match normalise(candidate) {
            Some(p) if is_allowed(&p, self.folders.as_ref(), &picked) => Ok(p),
            _ => Err(CommandError::from(Error::invalid(
                Code::PathNotAllowed,
                field,
                format!(
                    "{path:?} was not chosen in a dialog and is not one of Rapportino's folders: \
                     choose it with the dialog"
                ),
            ))),
        }
    }
}

/// What a native dialog returned, as a path remembered as picked (`None`: cancelled).
pub fn picked(allowed: &AllowedPaths, chosen: Option<FilePath>) -> Option<PathBuf> {
    let path = chosen.and_then(|f| f.into_path().ok())?;
    allowed.remember_picked(&path);
    Some(path)
}

/// A path argument: given by the web view (checked), or, when null, chosen in the native dialog
/// `dialog` runs (remembered). `Ok(None)` when the user cancels the dialog.
pub fn resolve(
    allowed: &AllowedPaths,
    given: Option<String>,
    field: &'static str,
    dialog: impl FnOnce() -> Option<FilePath>,
) -> CmdResult<Option<PathBuf>> {
    match given {
        Some(p) => allowed.check(&p, field).map(Some),
        None => Ok(picked(allowed, dialog())),
    }
}

/// The path the app opens its database at: absolute, and on Unix with its folder canonicalised
/// (created first when missing, owner-only), so the app's folders compare with what the UI
/// sends back. The file itself is not resolved: a database that is a symbolic link stays one.
pub fn database_location(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    #[cfg(unix)]
    if let (Some(dir), Some(name)) = (absolute.parent(), absolute.file_name()) {
        let _ = rapportino_core::owner_only::create_dir_all(dir);
        if let Ok(dir) = std::fs::canonicalize(dir) {
            return dir.join(name);
        }
    }
    absolute
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn root() -> PathBuf {
        // An absolute path on every platform.
        std::env::temp_dir().join("shop")
    }

    #[test]
    fn only_picked_paths_and_the_app_folders_pass() {
        let data = root().join("it.rapportino.desktop");
        let folders = AppFolders::for_database(&data.join("rapportino.db"));
        let picked: HashSet<PathBuf> = [root().join("Documenti").join("copia.pdf")].into();
        let ok = |p: PathBuf| is_allowed(&p, Some(&folders), &picked);

        assert!(ok(root().join("Documenti").join("copia.pdf")), "picked");
        assert!(ok(data.clone()), "the data folder itself (open it)");
        assert!(ok(data.join("backups")));
        assert!(ok(data.join("backups").join("rapportino-2026-11-16.db")));
        assert!(ok(data.join("rapporti").join("RI-2026-MR-0001.pdf")));
        assert!(ok(data.join("rendiconti").join("2026-11")));
        assert!(ok(data.join("rendiconti").join(".").join("2026-11")));

        assert!(!ok(data.join("rapportino.db")), "the database itself");
        assert!(!ok(data.join("rapportino.db.sync-token")), "the token");
        assert!(!ok(data.join("backups").join("..").join("rapportino.db")));
        assert!(!ok(data.join("rapporti").join("..").join("..").join("x")));
        assert!(!ok(data.join("backups-old").join("x.db")), "a sibling");
        assert!(
            !ok(root().join("Documenti").join("altro.pdf")),
            "not picked"
        );
        assert!(!ok(root().join("Documenti")), "the folder of a picked file");
        assert!(
            !ok(PathBuf::from("rapporti/RI-2026-MR-0001.pdf")),
            "relative"
        );
        assert!(!ok(PathBuf::new()));
        assert!(
            !is_allowed(&data.join("backups").join("x.db"), None, &HashSet::new()),
            "no database: no app folders"
        );
    }

    #[test]
    fn the_state_remembers_dialog_picks_and_refuses_the_rest() {
        let data = root().join("it.rapportino.desktop");
        let allowed = AllowedPaths::new(Some(&data.join("rapportino.db")));
        let chosen = root().join("Scrivania").join("backup.db");
        let text = chosen.to_str().unwrap();
        let e = allowed.check(text, "path").unwrap_err().0;
        assert_eq!(
            (e.code, e.field.as_deref()),
            (Code::PathNotAllowed, Some("path"))
        );

        let got = picked(&allowed, Some(FilePath::Path(chosen.clone())));
        assert_eq!(got.as_deref(), Some(chosen.as_path()));
        assert_eq!(allowed.check(text, "path").unwrap(), chosen);
        assert_eq!(picked(&allowed, None), None, "cancelled");

        let dialog_never_runs = || -> Option<FilePath> { panic!("no dialog for a given path") };
        let in_backups = data.join("backups").join("b.db");
        assert_eq!(
            resolve(
                &allowed,
                Some(in_backups.display().to_string()),
                "path",
                dialog_never_runs
            )
            .unwrap(),
            Some(in_backups)
        );
        let e = resolve(&allowed, Some("/etc/passwd".into()), "dir", || None)
            .unwrap_err()
            .0;
        assert_eq!(
            (e.code, e.field.as_deref()),
            (Code::PathNotAllowed, Some("dir"))
        );
        let other = root().join("altro.db");
        let from_dialog = resolve(&allowed, None, "path", || {
            Some(FilePath::Path(other.clone()))
        });
        assert_eq!(from_dialog.unwrap(), Some(other.clone()));
        assert!(allowed.check(other.to_str().unwrap(), "path").is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn the_database_location_is_absolute_with_a_canonical_folder() {
        let tmp = std::env::temp_dir().join(format!("rapportino-dbloc-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let nested = tmp.join("new").join("sub");
        let loc = database_location(&nested.join(".").join("x.db"));
        assert_eq!(loc, std::fs::canonicalize(&nested).unwrap().join("x.db"));
        assert!(normalise(&loc).is_some());
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
