//! Writing a finished document to disk without ever leaving half a file behind.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rapportino_core::{Code, Error, Result};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes bytes to `path` atomically: a temporary file in the same folder, fsync, then rename; the
/// file is owner-only (0600 on Unix): reports and statements carry clients' data. On any
/// failure the temporary file is removed and nothing exists at `path` that was not there before;
/// error code OUTPUT_UNWRITABLE (field "path") with a sentence naming the path and the OS reason.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let unwritable = |e: std::io::Error| {
        Error::invalid(
            Code::OutputUnwritable,
            "path",
            format!("cannot write {}: {e}", path.display()),
        )
    };
    let file_name = path.file_name().ok_or_else(|| {
        Error::invalid(
            Code::OutputUnwritable,
            "path",
            format!("cannot write {}: it does not name a file", path.display()),
        )
    })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = dir.join(format!(
        ".{}.{}-{}.tmp",
        file_name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    // Owner-only (0600 on Unix) from creation; the rename keeps it, whatever mode a file
    // replaced at `path` had.
    let file = rapportino_core::owner_only::create_new(&tmp).map_err(unwritable)?;
    let written = fill(file, bytes).and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(unwritable(e));
    }
    // Make the rename itself durable (best effort: not every platform can open a folder).
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

fn fill(mut file: File, bytes: &[u8]) -> std::io::Result<()> {
    file.write_all(bytes)?;
    file.sync_all()
}
