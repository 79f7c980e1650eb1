//! CSV export (issue 20, item 2): every kind parses back with the import's reader in both styles
//! (BOM, separator, decimal comma), and clients round-trip: export → import into an empty
//! database → the same rows.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use rapportino_core::clients::{self, ClientFilter};
use rapportino_core::csvfile::{self, CsvStyle, TextEncoding};
use rapportino_core::export::{self, ExportKind, ExportOptions};
use rapportino_core::import::{self, ImportEntity, ImportOptions};
use rapportino_core::{Code, PageRequest, Store};
use rapportino_demo::{generate, DemoOptions};

fn demo() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    generate(
        &mut store,
        &DemoOptions {
            seed: 7,
            clients: 8,
            interventions: 120,
            years: 1,
            until: Some("2026-11-20".into()),
            open_tickets: None,
        },
    )
    .unwrap();
    store
}

fn run(s: &Store, kind: ExportKind, style: CsvStyle, month: Option<&str>) -> export::Exported {
    export::export(
        s,
        &ExportOptions {
            kind,
            style,
            month: month.map(str::to_owned),
        },
    )
    .unwrap()
}

fn read_back(bytes: &[u8]) -> (csvfile::Table, u8) {
    let (text, enc) = csvfile::decode(bytes).unwrap();
    assert_eq!(enc, TextEncoding::Utf8);
    let sep = csvfile::sniff_separator(&text);
    (csvfile::read_table(&text, sep).unwrap(), sep)
}

#[test]
fn every_export_reads_back_in_both_styles_with_its_rows_and_numbers() {
    let s = demo();
    for (kind, table) in [
        // Archived clients are not exported (the demo archives some).
        (ExportKind::Clients, "clients WHERE archived = 0"),
        (ExportKind::Tickets, "tickets"),
        (ExportKind::Interventions, "interventions"),
        (ExportKind::TimeEntries, "time_entries"),
        (ExportKind::Materials, "materials"),
    ] {
        let italian = run(&s, kind, CsvStyle::Italian, None);
        assert!(
            italian.bytes.starts_with("\u{feff}".as_bytes()),
            "{kind}: BOM"
        );
        let (t, sep) = read_back(&italian.bytes);
        assert_eq!(sep, b';', "{kind}");
        let expected = count(&s, table) as usize;
        assert!(expected > 0, "{kind}: the demo has {table}");
        assert_eq!(t.rows.len(), expected, "{kind}: one row per record");
        assert_eq!(italian.rows as usize, expected);
        let plain = run(&s, kind, CsvStyle::Plain, None);
        assert!(!plain.bytes.starts_with("\u{feff}".as_bytes()));
        let (p, sep) = read_back(&plain.bytes);
        assert_eq!(sep, b',', "{kind}");
        assert_eq!(p.rows.len(), expected);
        assert_eq!(p.headers, t.headers);
        // Every number column reads back the same in both styles (decimal comma vs point).
        if let Some(col) = t.column("ore").or_else(|| t.column("quantita")) {
            for (a, b) in t.rows.iter().zip(&p.rows) {
                let x = csvfile::parse_decimal("n", &a.cells[col]).unwrap();
                let y = csvfile::parse_decimal("n", &b.cells[col]).unwrap();
                assert_eq!(x, y, "{kind}: {:?} vs {:?}", a.cells[col], b.cells[col]);
            }
        }
    }
    // The interventions' hours add up to the billable time the app computes.
    let (t, _) = read_back(&run(&s, ExportKind::Interventions, CsvStyle::Italian, None).bytes);
    let col = t.column("ore").unwrap();
    let hours: f64 = t
        .rows
        .iter()
        .map(|r| {
            csvfile::parse_decimal("ore", &r.cells[col])
                .unwrap()
                .unwrap_or(0.0)
        })
        .sum();
    let seconds: i64 = s
        .conn()
        .query_row(
            "SELECT COALESCE(SUM(seconds), 0) FROM time_entries e
             WHERE kind IN ('timer', 'manual', 'adjustment') AND seconds IS NOT NULL
               AND (needs_review = 0 OR EXISTS (SELECT 1 FROM time_entries a WHERE a.corrects_id = e.id AND a.kind = 'approval'))
               AND NOT EXISTS (SELECT 1 FROM time_entries v WHERE v.corrects_id = e.id AND v.kind = 'void')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // Each cell is rounded to three decimals of an hour.
    assert!((hours - seconds as f64 / 3600.0).abs() < 0.002 * t.rows.len() as f64);
}

#[test]
fn a_month_limits_the_rows_and_the_billable_lines_need_one() {
    let s = demo();
    let all = run(&s, ExportKind::Interventions, CsvStyle::Italian, None).rows;
    let month = run(
        &s,
        ExportKind::Interventions,
        CsvStyle::Italian,
        Some("10/2026"),
    )
    .rows;
    assert!(month > 0 && month < all, "{month} of {all}");
    let lines = run(
        &s,
        ExportKind::BillableLines,
        CsvStyle::Italian,
        Some("2026-10"),
    );
    let (t, _) = read_back(&lines.bytes);
    assert_eq!(t.headers[0], "mese");
    let err = export::export(
        &s,
        &ExportOptions {
            kind: ExportKind::BillableLines,
            style: CsvStyle::Italian,
            month: None,
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), Code::Required);
}

/// The app's list of exports: every kind, and it says which need a month — exactly those that
/// refuse to run without one.
#[test]
fn the_list_of_exports_says_which_need_a_month() {
    let s = demo();
    let kinds = export::kinds();
    assert_eq!(
        kinds.iter().map(|k| k.kind).collect::<Vec<_>>(),
        ExportKind::ALL.to_vec()
    );
    for k in &kinds {
        assert!(!k.label_it.is_empty() && !k.label_en.is_empty());
        let done = export::export(
            &s,
            &ExportOptions {
                kind: k.kind,
                style: CsvStyle::Plain,
                month: None,
            },
        );
        assert_eq!(done.is_err(), k.month_required, "{}", k.kind);
    }
}

/// Every client as its form holds it (no id, no timestamps), by name.
fn comparable(s: &Store) -> Vec<clients::ClientInput> {
    let mut all: Vec<clients::ClientInput> =
        clients::list(s, &ClientFilter::default(), &PageRequest::new(500, 0))
            .unwrap()
            .items
            .iter()
            .map(clients::ClientInput::from)
            .collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    all
}

#[test]
fn clients_round_trip_through_an_export_into_an_empty_database() {
    let source = demo();
    for style in [CsvStyle::Italian, CsvStyle::Plain] {
        let file = run(&source, ExportKind::Clients, style, None);
        let (mut empty, _) = store();
        // The shop's customer classes are set up first (a client's class must exist).
        rapportino_core::classes::install_presets(&mut empty).unwrap();
        let info = import::inspect(&empty, &file.bytes, ImportEntity::Clients, None).unwrap();
        let r = import::run(
            &mut empty,
            &file.bytes,
            &ImportOptions {
                entity: ImportEntity::Clients,
                mapping: info.mapping,
                separator: None,
                dry_run: false,
            },
        )
        .unwrap();
        assert!(r.committed, "{style}: {r:?}");
        assert_eq!(r.created, file.rows);
        assert_eq!(comparable(&empty), comparable(&source), "{style}");
    }
}
