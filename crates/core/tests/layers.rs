//! Core's layers (ARCHITECTURE.md, "Core in layers"): every top-level module of `src/` belongs to
//! one layer, may import only from its own layer or those below it, and the modules form no
//! import circle. Read from the source text, so a new `use crate::…` that climbs a layer or
//! closes a circle fails here, naming the file and the import.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Bottom to top. The model crate (vocabulary, ids' wire forms, HLC, protocol) is below all.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundation",
        &[
            "error", "ids", "time", "paging", "validate", "format", "paths", "macros", "address",
            "vat", "csvfile",
        ],
    ),
    ("store", &["store"]),
    (
        "entities",
        &[
            "technicians",
            "setup",
            "clients",
            "sites",
            "contacts",
            "classes",
            "calendars",
            "contracts",
            "tickets",
            "interventions",
            "outbox",
            "catalogue",
        ],
    ),
    ("rules", &["sla", "ledger", "entitlement"]),
    (
        "services",
        &[
            "sync",
            "backup",
            "sending",
            "intake",
            "diagnostics",
            "import",
        ],
    ),
    (
        "read models and documents",
        &[
            "views",
            "search",
            "reports",
            "quotes",
            "documents",
            "export",
        ],
    ),
    ("tooling", &["bindings"]),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, mods)| mods.contains(&module))
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments and without its unit tests (which may reach anywhere).
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Names right after `prefix` (`crate::a`, `crate::{a, b::c}`), nested groups included.
fn imported_modules(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            // Top-level names of the group: split at commas outside nested braces.
            let mut depth = 0;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        found.insert(first_ident(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 || c != '{' {
                    item.push(c);
                }
            }
            found.insert(first_ident(&item));
        } else {
            found.insert(first_ident(rest));
        }
    }
    found.retain(|m| !m.is_empty());
    found
}

fn first_ident(s: &str) -> String {
    s.trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// module → (imported module → the files that import it).
fn import_graph() -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let top_level: BTreeSet<String> = fs::read_dir(&src)
        .expect("read src")
        .map(|e| {
            let p = e.expect("dir entry").path();
            p.file_stem().expect("name").to_string_lossy().into_owned()
        })
        .filter(|m| m != "lib")
        .collect();
    let mut graph: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).expect("under src");
        let mut parts = rel.iter().map(|p| p.to_string_lossy().into_owned());
        let first = parts.next().expect("a file");
        if first == "lib.rs" {
            continue;
        }
        let module = first.trim_end_matches(".rs").to_owned();
        let code = code_of(&fs::read_to_string(&file).expect("read"));
        let mut imports = imported_modules(&code, "crate::");
        // In a top-level file, `super::` is the crate root.
        let top_file = rel.components().count() == 1
            || rel.ends_with("mod.rs") && rel.components().count() == 2;
        if top_file {
            imports.extend(imported_modules(&code, "super::"));
        }
        let edges = graph.entry(module.clone()).or_default();
        for imported in imports {
            if imported != module && top_level.contains(&imported) {
                edges
                    .entry(imported)
                    .or_default()
                    .insert(rel.display().to_string());
            }
        }
    }
    graph
}

#[test]
fn every_module_has_a_layer() {
    let unplaced: Vec<String> = import_graph()
        .into_keys()
        .filter(|m| layer_of(m).is_none())
        .collect();
    assert!(
        unplaced.is_empty(),
        "modules without a layer (add them to LAYERS here and to ARCHITECTURE.md): {unplaced:?}"
    );
}

#[test]
fn no_module_imports_from_a_layer_above() {
    let mut upward = Vec::new();
    for (module, edges) in import_graph() {
        let Some(own) = layer_of(&module) else {
            continue;
        };
        for (imported, files) in edges {
            let Some(theirs) = layer_of(&imported) else {
                continue;
            };
            if theirs > own {
                upward.push(format!(
                    "{module} ({}) imports {imported} ({}) in {files:?}",
                    LAYERS[own].0, LAYERS[theirs].0
                ));
            }
        }
    }
    assert!(upward.is_empty(), "upward imports:\n{}", upward.join("\n"));
}

#[test]
fn no_import_circle() {
    let graph = import_graph();
    // Depth-first search; a grey module met again closes a circle.
    fn visit(
        m: &str,
        graph: &BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(m) {
            Some(1) => {
                let from = path.iter().position(|p| p == m).unwrap_or(0);
                let mut circle = path[from..].to_vec();
                circle.push(m.to_owned());
                return Some(circle);
            }
            Some(_) => return None,
            None => {}
        }
        state.insert(m.to_owned(), 1);
        path.push(m.to_owned());
        for next in graph.get(m).into_iter().flat_map(|e| e.keys()) {
            if let Some(c) = visit(next, graph, state, path) {
                return Some(c);
            }
        }
        path.pop();
        state.insert(m.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for m in graph.keys() {
        if let Some(circle) = visit(m, &graph, &mut state, &mut Vec::new()) {
            panic!("import circle: {}", circle.join(" → "));
        }
    }
}

#[test]
fn the_reader_sees_imports_the_way_rustc_does() {
    let code = code_of(
        "use crate::a::B;\n// use crate::comment;\nuse crate::{c, d::{E, F}, g};\nlet x = crate::h::f();\nnotcrate::i;\n#[cfg(test)]\nuse crate::j;",
    );
    let found = imported_modules(&code, "crate::");
    let expected: BTreeSet<String> = ["a", "c", "d", "g", "h"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(found, expected);
}
