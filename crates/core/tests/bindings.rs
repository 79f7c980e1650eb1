//! Fails when the committed TypeScript bindings (ui/src/bindings) differ from what the Rust types
//! generate. Regenerate with: UPDATE_BINDINGS=1 cargo test -p rapportino-core --test bindings

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".ts") {
                out.insert(
                    name,
                    std::fs::read_to_string(e.path()).expect("readable binding"),
                );
            }
        }
    }
    out
}

#[test]
fn typescript_bindings_are_fresh() {
    let committed_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings");
    let tmp = tempfile::tempdir().unwrap();
    rapportino_core::bindings::export_typescript(tmp.path()).unwrap();
    // The demo crate's two types sit in the same folder.
    rapportino_demo::export_typescript(tmp.path()).unwrap();
    let generated = read_dir(tmp.path());
    assert!(
        generated.len() > 20,
        "the export produced {} files",
        generated.len()
    );
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        let _ = std::fs::remove_dir_all(&committed_dir);
        std::fs::create_dir_all(&committed_dir).unwrap();
        for (name, text) in &generated {
            std::fs::write(committed_dir.join(name), text).unwrap();
        }
        return;
    }
    let committed = read_dir(&committed_dir);
    let stale: Vec<&String> = generated
        .iter()
        .filter(|(n, t)| committed.get(*n) != Some(t))
        .map(|(n, _)| n)
        .chain(committed.keys().filter(|n| !generated.contains_key(*n)))
        .collect();
    assert!(
        stale.is_empty(),
        "TypeScript bindings are stale: {stale:?}\nrun: UPDATE_BINDINGS=1 cargo test -p rapportino-core --test bindings"
    );
}
