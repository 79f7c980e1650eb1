//! The PDFs checked from the outside with poppler-utils (`pdftotext`, `pdffonts`, `pdfinfo`,
//! `pdfimages`), as a reader would see them.
#![allow(clippy::unwrap_used)]

mod fixtures;

use std::path::{Path, PathBuf};
use std::process::Command;

use rapportino_core::reports::{short_hash, CustomerAbsence, SignatureAbsence};
use rapportino_core::Code;
use rapportino_pdf::Renderer;

const MM: f64 = 2.834_645_7;
const PAGE_W: f64 = 210.0 * MM;
const PAGE_H: f64 = 297.0 * MM;
const RIGHT_MARGIN: f64 = 18.0 * MM;

fn renderer() -> Renderer {
    Renderer::new().unwrap()
}

/// Writes `bytes` to a fresh file in a temporary folder (kept alive by the returned guard).
fn to_file(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

fn run(tool: &str, args: &[&str], file: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(file)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) is needed by these tests: {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn text(file: &Path) -> String {
    run("pdftotext", &[], file)
}

fn page_text(file: &Path, page: usize) -> String {
    let p = page.to_string();
    run("pdftotext", &["-f", &p, "-l", &p], file)
}

fn pages(file: &Path) -> usize {
    let info = run("pdfinfo", &[], file);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// pdftotext's words, with whitespace collapsed (lines broken by the layout join with a space).
fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn assert_contains(haystack: &str, needles: &[&str]) {
    let flat = words(haystack);
    for n in needles {
        assert!(
            flat.contains(&words(n)),
            "{n:?} is missing from:\n{haystack}"
        );
    }
}

#[test]
fn a_signed_report_prints_every_field() {
    let doc = fixtures::signed_report();
    let pdf = renderer()
        .report(&doc, Some(&fixtures::logo()), fixtures::created_at())
        .unwrap();
    let (_dir, file) = to_file(&pdf);
    let t = text(&file);
    assert_contains(
        &t,
        &[
            "Informatica Brambilla S.r.l.",
            "Via Giuseppe Verdi 12",
            "P.IVA 01234567890",
            "assistenza@brambilla-informatica.it",
            "Rapporto d'intervento",
            "RI-2026-MR-0017",
            "Studio Dentistico Ferraù & Associati",
            "P.IVA 09876543210",
            "C.F. FRRLCU70A01A794Z",
            "Sede operativa di Seriate",
            "Via Nazionale 101",
            "TK-2026-MR-0042",
            "Il server non si avvia: perché?",
            "Alta · urgente",
            "Telefono",
            "20/11/2026 09:15",
            "Presso il cliente",
            "Mario Rossi (MR)",
            "21/11/2026",
            "09:05",
            "10:40",
            "1 h 35 min",
            "inserimento manuale",
            "2 h 20 min",
            "Verificato l'avvio del server: il disco di sistema è quasi pieno.",
            "città, più, può, così, virtù",
            "Risolto – causa esterna al contratto",
            "Motivo:",
            "non coperto dal contratto",
            "Alimentatore ATX 650 W modulare",
            "1.234,50 €",
            // Materials before VAT; 1.234,50 × 22% = 271,59; with VAT 1.506,09.
            "Prezzi IVA esclusa",
            "IVA 22%: 271,59 €",
            "Totale IVA inclusa: 1.506,09 €",
            "34,5 km",
            "40 min di viaggio",
            "fatturato 2 h 30 min",
            "arrotondamento a 30 min",
            "minimo fatturabile 1 h 00 min",
            "Pacchetto 20 ore 2026",
            "Assistenza SLA Gold",
            "pacchetto con scadenza più vicina",
            "32,50 €",
            "Saldo dopo l'intervento",
            "0 min di 20 h 00 min",
            "3 di 5",
            "30/06/2027",
            "Firma del cliente",
            "Firma del tecnico",
            "Luca Ferraù",
            "Firmato il 21/11/2026 12:03",
            fixtures::SHA,
            &format!("impronta {}", short_hash(fixtures::SHA)),
            "Pagina 1 di 1",
        ],
    );
    // Accents and the euro sign survive as text (searchable, copyable).
    for s in ["è", "à", "ù", "ò", "ì", "perché", "€"] {
        assert!(t.contains(s), "{s} missing");
    }
    assert!(!t.contains("BOZZA"));
    assert_eq!(pages(&file), 1);
}

/// Issue 17, item 5: the report says who the ticket waited for, from when to when and how long;
/// a wait still under way says so; a ticket that never waited prints no such line.
#[test]
fn a_report_lists_the_waits_for_a_third_party() {
    use rapportino_core::reports::WaitLine;
    let mut doc = fixtures::signed_report();
    doc.content.ticket.third_party_waits = vec![
        WaitLine {
            party: "Ingram Micro (fornitore)".into(),
            from: "20/11/2026 10:00".into(),
            until: Some("20/11/2026 14:30".into()),
            minutes: 270,
        },
        WaitLine {
            party: "BRT (corriere)".into(),
            from: "20/11/2026 16:00".into(),
            until: None,
            minutes: 75,
        },
    ];
    let pdf = renderer()
        .report(&doc, None, fixtures::created_at())
        .unwrap();
    let (_dir, file) = to_file(&pdf);
    let t = text(&file);
    assert_contains(
        &t,
        &[
            "In attesa di terzi",
            "Ingram Micro (fornitore), dal 20/11/2026 10:00 al 20/11/2026 14:30 (4 h 30 min)",
            "BRT (corriere), dal 20/11/2026 16:00 (in corso, 1 h 15 min)",
        ],
    );
    let html = rapportino_pdf::html::report(&doc, None);
    assert!(html.contains("Ingram Micro (fornitore), dal 20/11/2026 10:00"));

    let plain = renderer()
        .report(&fixtures::signed_report(), None, fixtures::created_at())
        .unwrap();
    let (_dir, file) = to_file(&plain);
    assert!(!text(&file).contains("In attesa di terzi"));
}

#[test]
fn the_pdf_carries_title_author_and_the_given_dates() {
    let doc = fixtures::signed_report();
    let (_dir, file) = to_file(
        &renderer()
            .report(&doc, None, fixtures::created_at())
            .unwrap(),
    );
    let info = run("pdfinfo", &["-isodates"], &file);
    assert_contains(
        &info,
        &[
            "Title: RI-2026-MR-0017",
            "Author: Informatica Brambilla S.r.l.",
            "CreationDate: 2026-11-22T17:45:00",
            "ModDate: 2026-11-22T17:45:00",
            "Page size: 595.276 x 841.89 pts (A4)",
        ],
    );
    let st = fixtures::statement();
    let (_dir, file) = to_file(
        &renderer()
            .statement(&st, None, fixtures::created_at())
            .unwrap(),
    );
    let info = run("pdfinfo", &[], &file);
    assert_contains(
        &info,
        &["Title: Rendiconto novembre 2026 – Studio Dentistico Ferraù & Associati"],
    );
}

#[test]
fn every_font_is_embedded_as_a_subset_with_a_unicode_map() {
    let r = renderer();
    let docs = [
        r.report(
            &fixtures::draft_report(),
            Some(&fixtures::logo()),
            fixtures::created_at(),
        )
        .unwrap(),
        r.statement(&fixtures::statement(), None, fixtures::created_at())
            .unwrap(),
    ];
    for pdf in docs {
        let (_dir, file) = to_file(&pdf);
        let fonts = run("pdffonts", &[], &file);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(rows.len() >= 2, "{fonts}");
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            // name type… encoding emb sub uni object-id generation
            let n = cols.len();
            assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "{row}");
            assert!(cols[0].contains("+NotoSans"), "{row}");
        }
    }
}

#[test]
fn the_logo_is_the_only_image_and_keeps_its_alpha() {
    let pdf = renderer()
        .report(
            &fixtures::signed_report(),
            Some(&fixtures::logo()),
            fixtures::created_at(),
        )
        .unwrap();
    let (_dir, file) = to_file(&pdf);
    let list = run("pdfimages", &["-list"], &file);
    let rows: Vec<&str> = list.lines().skip(2).collect();
    // The signatures are vector strokes, not images: only the logo and its soft mask.
    assert_eq!(rows.len(), 2, "{list}");
    assert!(rows[0].contains("image") && rows[0].contains("240") && rows[0].contains("96"));
    assert!(rows[1].contains("smask"));
    // Lossless: not re-encoded as JPEG.
    assert!(!list.contains("jpeg"), "{list}");
}

#[test]
fn a_new_logo_replaces_the_cached_one() {
    let r = renderer();
    let doc = fixtures::signed_report();
    let at = fixtures::created_at();
    r.report(&doc, Some(&fixtures::logo()), at).unwrap();
    // A 1 × 1 opaque PNG (red): no soft mask, another size.
    let tiny = rapportino_core::reports::Logo {
        png: vec![
            0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
            0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00,
            0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78,
            0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00, 0xc9, 0xfe, 0x92,
            0xef, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
        ],
        width: 1,
        height: 1,
    };
    let (_dir, file) = to_file(&r.report(&doc, Some(&tiny), at).unwrap());
    let list = run("pdfimages", &["-list"], &file);
    let rows: Vec<&str> = list.lines().skip(2).collect();
    assert_eq!(rows.len(), 1, "{list}");
    let cols: Vec<&str> = rows[0].split_whitespace().collect();
    assert_eq!(&cols[3..5], &["1", "1"], "{list}");
    // And back: the first logo again, with its soft mask.
    let (_dir, file) = to_file(&r.report(&doc, Some(&fixtures::logo()), at).unwrap());
    assert!(run("pdfimages", &["-list"], &file).contains("smask"));
}

#[test]
fn an_undecodable_logo_is_rejected() {
    let logo = rapportino_core::reports::Logo {
        png: b"not a picture".to_vec(),
        width: 10,
        height: 10,
    };
    let err = renderer()
        .report(
            &fixtures::signed_report(),
            Some(&logo),
            fixtures::created_at(),
        )
        .unwrap_err();
    assert_eq!(err.code(), Code::LogoInvalid);
}

#[test]
fn a_draft_says_so_and_names_the_report_it_replaces() {
    let doc = fixtures::draft_report();
    let (_dir, file) = to_file(
        &renderer()
            .report(&doc, None, fixtures::created_at())
            .unwrap(),
    );
    let n = pages(&file);
    for p in 1..=n {
        // On every page: the footer marks the draft.
        assert_contains(
            &page_text(&file, p),
            &["BOZZA – non firmato", &format!("Pagina {p} di {n}")],
        );
    }
    let t = text(&file);
    assert_contains(
        &t,
        &[
            "Sostituisce il rapporto RI-2026-MR-0011",
            "Firma del cliente",
            "Firma del tecnico",
            "Nome e cognome",
        ],
    );
    assert!(!t.contains("SHA-256"));
    assert!(!t.contains("impronta"));
}

#[test]
fn a_report_signed_by_the_technician_alone_says_why_on_paper_and_in_html() {
    let mut doc = fixtures::signed_report();
    let block = doc.signed.as_mut().unwrap();
    block.customer = None;
    block.customer_absence = Some(CustomerAbsence {
        reason: SignatureAbsence::Refused,
        note: "contesta le ore di viaggio".into(),
    });
    let (_dir, file) = to_file(
        &renderer()
            .report(&doc, None, fixtures::created_at())
            .unwrap(),
    );
    let t = words(&text(&file));
    assert_contains(
        &t,
        &[
            "Il cliente rifiuta di firmare: contesta le ore di viaggio",
            "Firmato dal solo tecnico il 21/11/2026 12:03",
            "Mario Rossi",
        ],
    );
    assert!(
        !t.contains("Luca Ferraù") && !t.contains("Nome e cognome"),
        "{t}"
    );
    let page = rapportino_pdf::html::report(&doc, None);
    assert!(page.contains("Il cliente rifiuta di firmare: contesta le ore di viaggio"));
    assert!(page.contains("Firmato dal solo tecnico"));
    assert_eq!(
        page.matches("<svg").count(),
        1,
        "the technician's signature only"
    );
}

#[test]
fn a_superseded_report_shows_its_successor() {
    let mut doc = fixtures::signed_report();
    doc.superseded_by = Some("RI-2026-MR-0123".into());
    let (_dir, file) = to_file(
        &renderer()
            .report(&doc, None, fixtures::created_at())
            .unwrap(),
    );
    assert_contains(&text(&file), &["Sostituito dal rapporto RI-2026-MR-0123"]);
}

/// The text inside the content area of page `page` (running head and footer cropped off).
fn content_text(file: &Path, page: usize) -> String {
    let top = if page == 1 { 0.0 } else { 23.0 * MM };
    let bottom = PAGE_H - 18.0 * MM;
    let p = page.to_string();
    let (y, h) = (
        format!("{}", top as i64),
        format!("{}", (bottom - top) as i64),
    );
    let w = format!("{}", PAGE_W.ceil() as i64);
    run(
        "pdftotext",
        &["-f", &p, "-l", &p, "-x", "0", "-y", &y, "-W", &w, "-H", &h],
        file,
    )
}

#[test]
fn a_very_long_work_description_flows_over_pages_without_losing_a_word() {
    let doc = fixtures::long_report();
    let pdf = renderer()
        .report(&doc, Some(&fixtures::logo()), fixtures::created_at())
        .unwrap();
    let (_dir, file) = to_file(&pdf);
    let n = pages(&file);
    assert!(n >= 2, "{n} pages");

    // Every page: its number, the total, and the short hash.
    let short = short_hash(fixtures::SHA);
    for p in 1..=n {
        let t = page_text(&file, p);
        assert_contains(
            &t,
            &[
                &format!("Pagina {p} di {n}"),
                &format!("impronta {short}"),
                "RI-2026-MR-0099",
            ],
        );
    }

    // Every word, in order: the content areas joined, whitespace removed (a word broken across
    // lines joins up again), between the section heading and the outcome.
    let all: String = (1..=n).map(|p| content_text(&file, p)).collect();
    let flat: String = all.split_whitespace().collect();
    let start = flat.find("Lavorosvolto").unwrap() + "Lavorosvolto".len();
    let end = flat[start..].find("Esito:").unwrap() + start;
    let expected: String = fixtures::long_work().split_whitespace().collect();
    assert_eq!(flat[start..end].len(), expected.len());
    assert!(
        flat[start..end] == expected,
        "the work description differs from the input"
    );
    for i in [25, 150, 300] {
        assert!(expected.contains(&fixtures::long_word(i)));
    }

    // Nothing beyond the right margin.
    let bbox = run("pdftotext", &["-bbox"], &file);
    let limit = PAGE_W - RIGHT_MARGIN + 0.5;
    let mut count = 0;
    for line in bbox.lines().filter(|l| l.trim_start().starts_with("<word")) {
        let x_max: f64 = line
            .split("xMax=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            x_max <= limit,
            "beyond the margin ({x_max} > {limit}): {line}"
        );
        count += 1;
    }
    assert!(count > 9_000, "{count} words");

    // The signature block stays whole, on the last page, after the text.
    let last = page_text(&file, n);
    assert_contains(
        &last,
        &[
            "Firma del cliente",
            "Firma del tecnico",
            "Luca Ferraù",
            fixtures::SHA,
        ],
    );
    assert_contains(&text(&file), &["Sostituito dal rapporto RI-2026-MR-0123"]);
}

#[test]
fn table_rows_that_do_not_fit_move_to_the_next_page_under_a_repeated_header() {
    let mut doc = fixtures::signed_report();
    doc.content.materials = (1..=90)
        .map(|i| rapportino_core::reports::MaterialLine {
            description: format!("Materiale di consumo n. {i} – cartuccia, cavo o adattatore"),
            quantity: 1.5,
            unit_price_cents: 1_000 + i,
            total_cents: 1_500 + i,
            vat_rate: None,
        })
        .collect();
    let (_dir, file) = to_file(
        &renderer()
            .report(&doc, None, fixtures::created_at())
            .unwrap(),
    );
    let n = pages(&file);
    assert!(n >= 3);
    let mut seen = 0;
    for p in 1..=n {
        let t = page_text(&file, p);
        let rows = (1..=90)
            .filter(|i| t.contains(&format!("Materiale di consumo n. {i} ")))
            .count();
        if rows > 0 {
            assert_contains(&t, &["Descrizione", "Prezzo unitario"]);
        }
        seen += rows;
    }
    assert_eq!(seen, 90, "every row printed once");
    assert_contains(&text(&file), &["1,5", "10,90 €"]);
}

/// The statement fixture adds up as a real month does: the rows' billed minutes per payer are the
/// usage table, their charges the summary's total, which is what "Da fatturare" lists (and its
/// VAT the summary's).
#[test]
fn the_statement_fixture_adds_up() {
    let doc = fixtures::statement();
    for u in &doc.usage {
        let rows = doc.rows.iter().filter(|r| r.paid_by == u.label);
        let (minutes, cents) = rows.fold((0, 0), |(m, c), r| {
            (m + r.billed_minutes, c + r.charges_cents)
        });
        assert_eq!((minutes, cents), (u.minutes, u.amount_cents), "{}", u.label);
    }
    assert_eq!(
        doc.billed_minutes,
        doc.usage.iter().map(|u| u.minutes).sum::<i64>()
    );
    assert_eq!(
        doc.charges_cents,
        doc.rows.iter().map(|r| r.charges_cents).sum::<i64>()
    );
    let to_invoice: i64 = doc.to_invoice.iter().map(|l| l.amount_cents).sum();
    assert_eq!(to_invoice, doc.charges_cents, "no materials nor quotes");
    assert_eq!(doc.to_invoice_vat, doc.vat);
    assert_eq!(
        doc.vat.taxable_cents + doc.vat.vat_cents,
        doc.vat.total_cents
    );
}

#[test]
fn a_statement_prints_rows_totals_balances_and_the_chart() {
    let doc = fixtures::statement();
    let pdf = renderer()
        .statement(&doc, Some(&fixtures::logo()), fixtures::created_at())
        .unwrap();
    let (_dir, file) = to_file(&pdf);
    let t = text(&file);
    assert_contains(
        &t,
        &[
            "Informatica Brambilla S.r.l.",
            "Rendiconto mensile – novembre 2026",
            "Studio Dentistico Ferraù & Associati",
            "P.IVA 09876543210",
            "03/11/2026",
            "TK-2026-MR-0040",
            "TK-2026-MR-0046",
            "Da remoto",
            "Presso il cliente",
            "a consuntivo",
            "7 interventi",
            "9 h 50 min",
            "11 h 15 min",
            "Addebiti (IVA esclusa)",
            "65,00 €",
            "22%: 14,30 € (importi IVA esclusa)",
            "Totale IVA inclusa",
            "79,30 €",
            "Ore per contratto",
            "9 h 15 min",
            "Saldi a fine mese",
            "Pacchetto ore · Attivo",
            "4 h 45 min",
            "senza limite",
            "2 h 00 min",
            "31/12/2026",
            "in scadenza",
            "Ticket incidente usati",
            "Ticket incidente residui",
            "Utilizzo delle ore",
            "usate nei mesi precedenti",
            "usate nel mese",
            "residue",
            "9,3 h nel mese · 15,3 h di 20 h",
            "1 h nel mese · 5 h · senza limite",
            "0 h nel mese · 8 h di 8 h",
            "Pacchetto 10 ore 2025 con un",
            "generato il 01/12/2026",
            "Da fatturare",
            "Assistenza tecnica a 65,00 €/h",
            "Pagina 1 di 2",
        ],
    );
}

#[test]
fn an_empty_month_still_renders() {
    let doc = fixtures::empty_statement();
    let (_dir, file) = to_file(
        &renderer()
            .statement(&doc, None, fixtures::created_at())
            .unwrap(),
    );
    assert_eq!(pages(&file), 1);
    assert_contains(
        &text(&file),
        &[
            "Rendiconto mensile – agosto 2026",
            "Nessun intervento nel mese",
            "0,00 €",
            "Pagina 1 di 1",
            "generato il 01/09/2026",
        ],
    );
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let logo = fixtures::logo();
    let at = fixtures::created_at();
    let a = renderer();
    let b = renderer();
    let doc = fixtures::signed_report();
    let first = a.report(&doc, Some(&logo), at).unwrap();
    assert_eq!(first, a.report(&doc, Some(&logo), at).unwrap());
    assert_eq!(first, b.report(&doc, Some(&logo), at).unwrap());
    let st = fixtures::statement();
    assert_eq!(
        a.statement(&st, Some(&logo), at).unwrap(),
        b.statement(&st, Some(&logo), at).unwrap()
    );
    // Another instant, another file (the dates are in it).
    let later = at + chrono::Duration::seconds(1);
    assert_ne!(first, a.report(&doc, Some(&logo), later).unwrap());
}

#[test]
fn one_renderer_serves_several_threads() {
    let r = renderer();
    let at = fixtures::created_at();
    let expected = r.statement(&fixtures::statement(), None, at).unwrap();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| s.spawn(|| r.statement(&fixtures::statement(), None, at).unwrap()))
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), expected);
        }
    });
}
