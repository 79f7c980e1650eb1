//! The signed rapporto d'intervento end to end through the real binary: create, refuse while the
//! timer runs, sign (bad signatures write nothing), render to PDF and read it back with poppler
//! (pdftotext, pdffonts, pdfinfo), verify, tamper, amend, list; statements and the monthly batch.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use serde_json::{json as j, Value};

fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} is needed (apt install poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn pdf_text(path: &Path) -> String {
    poppler("pdftotext", &["-enc", "UTF-8", path.to_str().unwrap(), "-"])
}

fn pages(path: &Path) -> usize {
    poppler("pdfinfo", &[path.to_str().unwrap()])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|n| n.trim().parse().unwrap())
        .unwrap()
}

/// Whitespace-insensitive: pdftotext breaks lines where the layout wrapped them.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn write_signature(dir: &Path, name: &str, strokes: Value) -> String {
    let path = dir.join(name);
    let sig = j!({"signer_name": "", "width": 400.0, "height": 150.0, "strokes": strokes});
    std::fs::write(&path, sig.to_string()).unwrap();
    path.to_str().unwrap().to_owned()
}

fn scribble() -> Value {
    let points: Vec<Value> = (0..60)
        .map(|i| {
            let x = 20.0 + f64::from(i) * 6.0;
            j!({"x": x, "y": 75.0 + (x / 17.0).sin() * 45.0, "pressure": 0.2 + f64::from(i % 7) * 0.1, "t": i * 10})
        })
        .collect();
    j!([{ "points": points }])
}

/// 120 numbered paragraphs with accents, € and a 150-character word: several pages of text.
fn long_work_done() -> String {
    (1..=120)
        .map(|n| {
            format!(
                "Paragrafo {n}: verificata la rete è già perché più città, costo 12 € — \
                 controllati switch, cablaggio e stampanti dell'ufficio{}.",
                if n == 60 {
                    format!(" {}", "x".repeat(150))
                } else {
                    String::new()
                }
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

struct Case {
    shop: Shop,
    intervention: String,
    ticket_number: String,
}

fn finished_intervention() -> Case {
    let shop = shop();
    let db = &shop.db;
    let profile = json(
        db,
        &[
            "shop",
            "set",
            "--name",
            "Assistenza Rinaldi",
            "--street",
            "Via Po 12",
            "--postcode",
            "20121",
            "--city",
            "Milano",
            "--province",
            "MI",
            "--vat",
            "01234567897",
            "--phone",
            "02 1234567",
            "--pec",
            "rinaldi@pec.it",
        ],
    );
    assert_eq!(profile["pec"], "rinaldi@pec.it");
    let t = json(
        db,
        &[
            "--now",
            "2026-03-02 09:00",
            "ticket",
            "open",
            "--client",
            &shop.client,
            "--title",
            "Server non parte",
            "--origin",
            "phone",
            "--severity",
            "blocking",
        ],
    );
    let ticket_number = t["number"].as_str().unwrap().to_owned();
    let i = json(
        db,
        &[
            "--now",
            "2026-03-02 09:30",
            "intervention",
            "add",
            "--ticket",
            &ticket_number,
            "--mode",
            "on_site",
        ],
    );
    let intervention = i["intervention"]["id"].as_str().unwrap().to_owned();
    json(
        db,
        &["--now", "2026-03-02 09:30", "timer", "start", &intervention],
    );
    assert_eq!(
        error_code(
            db,
            &[
                "--now",
                "2026-03-02 10:00",
                "report",
                "create",
                &intervention
            ]
        ),
        "TIMER_RUNNING"
    );
    json(
        db,
        &["--now", "2026-03-02 11:17", "timer", "stop", &intervention],
    );
    json(
        db,
        &[
            "intervention",
            "edit",
            &intervention,
            "--work-done",
            &long_work_done(),
            "--outcome",
            "out_of_contract",
            "--reason",
            "Guasto dell'UPS del fornitore, non coperto",
            "--travel-km",
            "18",
            "--travel-minutes",
            "25",
        ],
    );
    json(
        db,
        &[
            "material",
            "add",
            &intervention,
            "--description",
            "Alimentatore 650 W",
            "--quantity",
            "1",
            "--unit-price",
            "1.234,50",
        ],
    );
    Case {
        shop,
        intervention,
        ticket_number,
    }
}

#[test]
fn a_report_is_signed_rendered_verified_and_amended() {
    let case = finished_intervention();
    let db = &case.shop.db;
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name);

    let r = json(
        db,
        &[
            "--now",
            "2026-03-02 11:30",
            "report",
            "create",
            &case.intervention,
        ],
    );
    let number = r["number"].as_str().unwrap().to_owned();
    assert_eq!(number, "RI-2026-MR-0001");
    assert_eq!(r["status"], "draft");

    // The draft prints as such.
    json(
        db,
        &[
            "report",
            "pdf",
            &number,
            "-o",
            out("draft.pdf").to_str().unwrap(),
        ],
    );
    assert!(pdf_text(&out("draft.pdf")).contains("BOZZA"));

    // Bad signatures write nothing.
    let good = write_signature(dir.path(), "good.json", scribble());
    let empty = write_signature(dir.path(), "empty.json", j!([]));
    std::fs::write(out("garbage.json"), "not json").unwrap();
    let before = change_count(db);
    let sign = |name: &str, customer: &str, tech: &str| -> Vec<String> {
        [
            "report",
            "sign",
            &number,
            "--customer-name",
            name,
            "--customer-signature",
            customer,
            "--technician-signature",
            tech,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let cases = [
        (sign("Anna Bellè", &empty, &good), "SIGNATURE_EMPTY"),
        (sign("Anna Bellè", &good, &empty), "SIGNATURE_EMPTY"),
        (sign("  ", &good, &good), "REQUIRED"),
        (
            sign("Anna Bellè", out("garbage.json").to_str().unwrap(), &good),
            "SIGNATURE_INVALID",
        ),
        (
            sign("Anna Bellè", out("missing.json").to_str().unwrap(), &good),
            "IO",
        ),
    ];
    for (a, code) in &cases {
        assert_eq!(error_code(db, &args(a.as_slice())), *code, "{a:?}");
    }
    assert_eq!(
        change_count(db),
        before,
        "nothing written by refused signatures"
    );

    let signed = json(
        db,
        &[
            "--now",
            "2026-03-02 11:40",
            "report",
            "sign",
            &number,
            "--customer-name",
            "Anna Bellè",
            "--customer-signature",
            &good,
            "--technician-signature",
            &good,
        ],
    );
    assert_eq!(signed["status"], "signed");
    let hash = signed["snapshot_sha256"].as_str().unwrap().to_owned();
    let short = rapportino_core::reports::short_hash(&hash);
    assert_eq!(short.len(), 19, "four groups of four hex digits");
    assert_eq!(
        error_code(
            db,
            &sign("Anna", &good, &good)
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
        ),
        "REPORT_ALREADY_SIGNED"
    );

    // The PDF holds every field, accents and € intact, on several pages, fonts embedded.
    let pdf = out("signed.pdf");
    let file = json(db, &["report", "pdf", &number, "-o", pdf.to_str().unwrap()]);
    assert!(file["bytes"].as_u64().unwrap() > 1000);
    let pdf_txt = pdf_text(&pdf);
    let flat = squash(&pdf_txt);
    let n = pages(&pdf);
    assert!(n >= 2, "a long description flows onto more pages ({n})");
    for needle in [
        "Assistenza Rinaldi",
        "Via Po 12",
        "01234567897",
        "Farmacia Centrale S.r.l.",
        "Milano",
        &number,
        &case.ticket_number,
        "Server non parte",
        "Telefono",
        "In sede",
        "Marco Rinaldi",
        "02/03/2026",
        "09:30",
        "11:17",
        "1 h 47 min",
        "Causa esterna al contratto",
        "Guasto dell'UPS del fornitore, non coperto",
        "Alimentatore 650 W",
        "1.234,50 €",
        "18",
        "Assistenza SLA 2026",
        "Anna Bellè",
        &short,
        &hash[..32],
    ] {
        assert!(
            flat.contains(needle),
            "{needle:?} missing from the PDF text:\n{pdf_txt}"
        );
    }
    assert!(
        flat.contains(&format!("Pagina 1 di {n}")) && flat.contains(&format!("Pagina {n} di {n}"))
    );
    assert!(
        flat.matches(short.as_str()).count() >= n,
        "the short hash on every page"
    );
    for p in 1..=120 {
        assert!(
            flat.contains(&format!(
                "Paragrafo {p}: verificata la rete è già perché più città, costo 12 €"
            )),
            "paragraph {p} lost"
        );
    }
    let fonts = poppler("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty());
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let tail = &cols[cols.len() - 5..cols.len() - 2];
        assert_eq!(
            tail,
            ["yes", "yes", "yes"],
            "font embedded, subset, unicode: {row}"
        );
    }
    // Same signed report, same bytes.
    json(
        db,
        &[
            "report",
            "pdf",
            &number,
            "-o",
            out("again.pdf").to_str().unwrap(),
        ],
    );
    assert_eq!(
        std::fs::read(&pdf).unwrap(),
        std::fs::read(out("again.pdf")).unwrap()
    );

    // Unwritable output: a clear code and nothing left behind.
    let blocker = out("a-file");
    std::fs::write(&blocker, "x").unwrap();
    let bad = blocker.join("r.pdf");
    assert_eq!(
        error_code(db, &["report", "pdf", &number, "-o", bad.to_str().unwrap()]),
        "OUTPUT_UNWRITABLE"
    );
    assert_eq!(
        error_code(
            db,
            &[
                "report",
                "pdf",
                &number,
                "-o",
                out("missing-dir/r.pdf").to_str().unwrap()
            ]
        ),
        "OUTPUT_UNWRITABLE"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    // Verify, then tamper with the stored snapshot behind the app's back.
    let v = json(db, &["report", "verify", &number]);
    assert_eq!(v["matches"], true);
    assert!(text_ok(db, &number).contains("integro"));
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute("DROP TRIGGER reports_signed_no_update", [])
        .unwrap();
    conn.execute("UPDATE reports SET snapshot = replace(snapshot, 'Anna Bellè', 'Anna Bella') WHERE number = ?1", [&number]).unwrap();
    drop(conn);
    assert_eq!(
        error_code(db, &["report", "verify", &number]),
        "HASH_MISMATCH"
    );

    // An amendment is a new report naming the old one.
    let a = json(db, &["report", "amend", &number]);
    assert_eq!(a["number"], "RI-2026-MR-0002");
    let shown = text(db, &["report", "show", "RI-2026-MR-0002"]);
    assert!(
        shown.contains("Sostituisce il rapporto RI-2026-MR-0001"),
        "{shown}"
    );
    let listed = json(db, &["report", "list", "farmacia"]);
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    let signed_only = json(db, &["report", "list", "--status", "signed"]);
    assert_eq!(signed_only["items"][0]["number"], number.as_str());
    assert_eq!(
        signed_only["items"][0]["superseded_by_number"],
        "RI-2026-MR-0002"
    );
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn text_ok(db: &Path, number: &str) -> String {
    text(db, &["report", "verify", number])
}

#[test]
fn statements_render_one_by_one_and_in_a_batch() {
    let case = finished_intervention();
    let db = &case.shop.db;
    json(db, &["client", "add", "--name", "Bar Sport"]);
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one.pdf");
    json(
        db,
        &[
            "statement",
            &case.shop.client,
            "2026-03",
            "--pdf",
            one.to_str().unwrap(),
        ],
    );
    let flat = squash(&pdf_text(&one));
    for needle in [
        "Rendiconto mensile",
        "marzo 2026",
        "Farmacia Centrale S.r.l.",
        "Assistenza SLA 2026",
        &case.ticket_number,
        "Pagina 1 di",
    ] {
        assert!(flat.contains(needle), "{needle:?} missing:\n{flat}");
    }

    let out_dir = dir.path().join("marzo");
    let summary = cli(
        db,
        &[
            "--json",
            "statements",
            "--month",
            "03/2026",
            "--dir",
            out_dir.to_str().unwrap(),
        ],
    );
    assert!(
        summary.status.success(),
        "{}",
        String::from_utf8_lossy(&summary.stderr)
    );
    let s: Value = serde_json::from_slice(&summary.stdout).unwrap();
    assert_eq!(s["total"], 2);
    assert_eq!(s["written"], 1, "Bar Sport has nothing to report");
    assert_eq!(s["skipped"], 1);
    let files: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["Rendiconto 2026-03 - Farmacia Centrale S.r.l.pdf"]);
    let human = cli(
        db,
        &[
            "statements",
            "--month",
            "2026-03",
            "--dir",
            out_dir.to_str().unwrap(),
            "--include-empty",
        ],
    );
    assert!(
        String::from_utf8_lossy(&human.stderr).contains("2 / 2 clienti"),
        "progress on stderr"
    );
    assert_eq!(std::fs::read_dir(&out_dir).unwrap().count(), 2);

    assert_eq!(
        error_code(
            db,
            &[
                "statements",
                "--month",
                "2026-13",
                "--dir",
                out_dir.to_str().unwrap()
            ]
        ),
        "INVALID_FORMAT"
    );
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "x").unwrap();
    assert_eq!(
        error_code(
            db,
            &[
                "statements",
                "--month",
                "2026-03",
                "--dir",
                blocker.join("sub").to_str().unwrap()
            ]
        ),
        "OUTPUT_UNWRITABLE"
    );
}

/// The signature format the README documents, taken from the README itself (its `…` filled
/// with more points): no `signer_name` in the file; the technician's name comes from the record.
#[test]
fn the_readme_signature_format_signs_a_report() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let example = readme
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix('`')
                .filter(|l| l.starts_with("{\"width\""))
        })
        .and_then(|l| l.rsplit_once('`').map(|(json, _)| json))
        .expect("the README shows a signature file");
    let filled = example.replace(
        ", …",
        r#", {"x":40,"y":60,"pressure":0.6,"t":20}, {"x":90,"y":95,"pressure":0.5,"t":45}"#,
    );
    let case = finished_intervention();
    let db = &case.shop.db;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("firma.json");
    std::fs::write(&file, &filled).unwrap();
    let file = file.to_str().unwrap();
    let r = json(
        db,
        &[
            "--now",
            "2026-03-02 11:30",
            "report",
            "create",
            &case.intervention,
        ],
    );
    let number = r["number"].as_str().unwrap().to_owned();
    let signed = json(
        db,
        &[
            "--now",
            "2026-03-02 11:40",
            "report",
            "sign",
            &number,
            "--customer-name",
            "Anna Bianchi",
            "--customer-signature",
            file,
            "--technician-signature",
            file,
        ],
    );
    assert_eq!(signed["status"], "signed");
    let shown = text(db, &["report", "show", &number]);
    assert!(shown.contains("da Anna Bianchi"), "{shown}");
    // The signed snapshot verifies (exit 0).
    text_ok(db, &number);
}

#[test]
fn a_technician_signs_alone_when_the_customer_is_absent() {
    let case = finished_intervention();
    let db = &case.shop.db;
    let dir = tempfile::tempdir().unwrap();
    let good = write_signature(dir.path(), "good.json", scribble());
    let r = json(db, &["report", "create", &case.intervention]);
    let number = r["number"].as_str().unwrap().to_owned();
    // A name and a signature with an absence is a contradiction clap refuses before core.
    let refused = cli(
        db,
        &[
            "report",
            "sign",
            &number,
            "--customer-absent",
            "absent",
            "--customer-name",
            "Anna",
            "--technician-signature",
            &good,
        ],
    );
    assert!(!refused.status.success());
    let neither = cli(
        db,
        &["report", "sign", &number, "--technician-signature", &good],
    );
    assert_eq!(
        neither.status.code(),
        Some(2),
        "neither the customer's signature nor a reason: a usage error"
    );
    let signed = json(
        db,
        &[
            "report",
            "sign",
            &number,
            "--customer-absent",
            "absent",
            "--absence-note",
            "ufficio chiuso",
            "--technician-signature",
            &good,
        ],
    );
    assert_eq!(signed["status"], "signed");
    let shown = text(db, &["report", "show", &number]);
    assert!(
        shown.contains("dal solo tecnico (Cliente assente: ufficio chiuso)"),
        "{shown}"
    );
    let pdf = dir.path().join("alone.pdf");
    json(db, &["report", "pdf", &number, "-o", pdf.to_str().unwrap()]);
    let printed = squash(&pdf_text(&pdf));
    assert!(
        printed.contains("Cliente assente: ufficio chiuso"),
        "{printed}"
    );
    assert!(printed.contains("Firmato dal solo tecnico"), "{printed}");
    text_ok(db, &number);
}
