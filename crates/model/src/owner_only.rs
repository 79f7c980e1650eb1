//! Files and folders only their owner can read: every database, backup, safety copy, PDF and
//! token file the app, the CLI and the hub create goes through here, so none is ever readable by
//! another account on the computer (a shared office PC, a hub on a multi-user server).
//!
//! On Unix new files are created `0600` and new folders `0700` (the process umask can only make
//! them stricter). Existing files and folders are left as they are: a file the user placed
//! somewhere keeps the permissions they gave it. On other systems these are the plain standard
//! library calls: a file inherits the folder's ACL, and the app's folders are in the user's
//! profile.
//!
//! It lives in the model crate because it is the one crate the devices and the hub share.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Permission bits of a file created here (Unix).
pub const FILE_MODE: u32 = 0o600;
/// Permission bits of a folder created here (Unix).
pub const DIR_MODE: u32 = 0o700;

/// `OpenOptions` whose file, if this call creates it, is owner-only. Chain the access flags as
/// usual (`.write(true).create_new(true)`...).
pub fn open_options() -> OpenOptions {
    #[allow(unused_mut)]
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    options
}

/// Creates a new file (refused when `path` exists), owner-only, open for writing.
pub fn create_new(path: &Path) -> io::Result<File> {
    open_options().write(true).create_new(true).open(path)
}

/// Makes sure `path` exists before SQLite opens it: an empty owner-only file when missing, an
/// existing one untouched. SQLite creates its `-wal`, `-shm` and `-journal` files with the
/// permissions of the database file, so they are owner-only too.
pub fn precreate(path: &Path) -> io::Result<()> {
    match create_new(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// `create_dir_all` whose every folder it creates is owner-only; folders that exist are left
/// as they are.
pub fn create_dir_all(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(DIR_MODE);
    }
    builder.create(path)
}

#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "rapportino-owner-only-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn new_files_and_folders_are_owner_only_existing_ones_untouched() {
        let root = temp_dir("modes");
        let deep = root.join("a/b/c");
        create_dir_all(&deep).unwrap();
        for d in [root.join("a"), root.join("a/b"), deep.clone()] {
            assert_eq!(mode(&d), 0o700, "{}", d.display());
        }
        create_dir_all(&deep).unwrap(); // exists: fine

        let f = deep.join("x.db");
        precreate(&f).unwrap();
        assert_eq!(mode(&f), 0o600);
        assert_eq!(std::fs::metadata(&f).unwrap().len(), 0);
        std::fs::write(&f, b"kept").unwrap();
        precreate(&f).unwrap(); // exists: left alone, content kept
        assert_eq!(std::fs::read(&f).unwrap(), b"kept");

        let shared = root.join("shared.txt");
        std::fs::write(&shared, b"x").unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o644)).unwrap();
        precreate(&shared).unwrap();
        assert_eq!(mode(&shared), 0o644, "an existing file keeps its mode");
        assert_eq!(
            create_new(&shared).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );

        let g = root.join("g");
        drop(
            open_options()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&g)
                .unwrap(),
        );
        assert_eq!(mode(&g), 0o600);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
