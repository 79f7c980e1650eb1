//! The quote's PDF, read back with `pdftotext` as a customer would: the lines with their VAT
//! rate, "IVA esclusa", imponibile and IVA per rate, the total; the acceptance with the hash; the
//! mailed PDF byte-identical to the printed one. And a report's materials with their VAT.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use chrono::{TimeZone, Utc};
use rapportino_core::catalogue::{self, ArticleInput};
use rapportino_core::clients::{self, ClientInput};
use rapportino_core::outbox::{self, MailSettings};
use rapportino_core::quotes::{self, AcceptInput, NewQuote, QuoteLineInput, QuoteLineKind};
use rapportino_core::reports::{Signature, Stroke, StrokePoint};
use rapportino_core::setup::{self, OnboardingInput};
use rapportino_core::time::ManualClock;
use rapportino_core::Store;
use rapportino_pdf::{attachments, export, Renderer};

fn signature(name: &str) -> Signature {
    Signature {
        signer_name: name.into(),
        width: 400.0,
        height: 150.0,
        strokes: vec![Stroke {
            points: (0..30)
                .map(|i| StrokePoint {
                    x: 10.0 + f64::from(i) * 12.0,
                    y: 70.0 + (f64::from(i) / 3.0).sin() * 40.0,
                    pressure: 0.5,
                    t: i64::from(i) * 10,
                })
                .collect(),
        }],
    }
}

fn pdftotext(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed by these tests");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// A shop on Monday 16/11/2026 10:00 (Rome) with mail on, a client, a quote of three lines:
/// labour 2,5 h × 50,00 = 125,00 (22%), 2 × SSD 89,90 = 179,80 (22%), a fixed 50,00 (10%).
/// 22%: 304,80 → IVA 67,06; 10%: 50,00 → IVA 5,00; imponibile 354,80, IVA 72,06, totale 426,86.
fn shop_with_a_quote() -> (
    Store,
    std::sync::Arc<ManualClock>,
    rapportino_core::ids::QuoteId,
) {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 16, 9, 0, 0).unwrap());
    let mut s = Store::open_in_memory().unwrap().with_clock(clock.clone());
    setup::onboard(
        &mut s,
        &OnboardingInput {
            shop_name: "Assistenza Rinaldi".into(),
            technician_name: "Marco Rinaldi".into(),
            technician_code: "MR".into(),
            device_code: Some("MR".into()),
        },
    )
    .unwrap();
    outbox::set_settings(
        &mut s,
        &MailSettings {
            enabled: true,
            ..Default::default()
        },
    )
    .unwrap();
    let c = clients::create(
        &mut s,
        &ClientInput {
            name: "Studio Legale Neri".into(),
            email: Some("segreteria@studioneri.it".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let ssd = catalogue::create(
        &mut s,
        &ArticleInput {
            code: "SSD-500".into(),
            description: "SSD 500 GB SATA".into(),
            unit: None,
            unit_price_cents: 8_990,
            vat_rate: None,
        },
    )
    .unwrap();
    let q = quotes::create(
        &mut s,
        &NewQuote {
            client_id: c.id,
            notes: Some("Consegna in 3 giorni lavorativi.".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let add = |s: &mut Store, l: QuoteLineInput| quotes::add_line(s, q.id, &l).unwrap();
    add(
        &mut s,
        QuoteLineInput {
            kind: QuoteLineKind::Labour,
            description: Some("Sostituzione disco e reinstallazione".into()),
            quantity: Some(2.5),
            ..Default::default()
        },
    );
    add(
        &mut s,
        QuoteLineInput {
            kind: QuoteLineKind::Material,
            quantity: Some(2.0),
            article_id: Some(ssd.id),
            ..Default::default()
        },
    );
    add(
        &mut s,
        QuoteLineInput {
            kind: QuoteLineKind::Fixed,
            description: Some("Smaltimento RAEE".into()),
            unit_price_cents: Some(5_000),
            vat_rate: Some(10),
            ..Default::default()
        },
    );
    (s, clock, q.id)
}

#[test]
fn the_quote_prints_its_vat_per_rate_and_iva_esclusa() {
    let (s, _, q) = shop_with_a_quote();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q.pdf");
    export::quote_to_file(&s, &Renderer::new().unwrap(), q, &path).unwrap();
    if let Ok(keep) = std::env::var("RAPPORTINO_KEEP_QUOTE_PDF") {
        std::fs::copy(&path, keep).unwrap(); // to look at it (pdftoppm)
    }
    let text = pdftotext(&path);
    for needle in [
        "Preventivo",
        "P-2026-MR-0001",
        "Bozza",
        "Studio Legale Neri",
        "16/12/2026",
        "Sostituzione disco e reinstallazione",
        "2,5 h",
        "SSD 500 GB SATA",
        "179,80 €",
        "Smaltimento RAEE",
        "Aliquota 22%",
        "304,80 €",
        "67,06 €",
        "Aliquota 10%",
        "5,00 €",
        "354,80 €",
        "72,06 €",
        "Totale IVA inclusa: 426,86 €",
        "IVA esclusa",
        "Consegna in 3 giorni lavorativi.",
        "Per accettazione",
    ] {
        assert!(text.contains(needle), "{needle:?} missing in:\n{text}");
    }
}

#[test]
fn the_mailed_quote_is_the_printed_one_and_the_accepted_one_carries_the_signature() {
    let (mut s, clock, q) = shop_with_a_quote();
    let renderer = Renderer::new().unwrap();
    clock.set(Utc.with_ymd_and_hms(2026, 11, 16, 10, 0, 0).unwrap());
    let (_, message) = quotes::send(&mut s, q).unwrap();
    let message = message.unwrap();
    // Later, the device renders the PDF the message waits for.
    clock.set(Utc.with_ymd_and_hms(2026, 11, 16, 15, 0, 0).unwrap());
    assert_eq!(attachments::prepare(&mut s, &renderer).unwrap(), 1);
    let attached = outbox::attachment_bytes(&s, &message).unwrap();
    assert_eq!(attached.len(), 1);
    assert_eq!(attached[0].0.name, "Preventivo-P-2026-MR-0001.pdf");
    let printed = export::quote_bytes(&s, &renderer, q).unwrap();
    assert_eq!(
        attached[0].1, printed,
        "byte-identical to the printed quote"
    );
    assert!(outbox::get(&s, &message).unwrap().attachments_ready);

    clock.set(Utc.with_ymd_and_hms(2026, 11, 18, 14, 30, 0).unwrap());
    let accepted = quotes::accept(
        &mut s,
        q,
        &AcceptInput {
            customer: signature("Avv. Giulia Neri"),
        },
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q.pdf");
    export::quote_to_file(&s, &renderer, q, &path).unwrap();
    if let Ok(keep) = std::env::var("RAPPORTINO_KEEP_ACCEPTED_QUOTE_PDF") {
        std::fs::copy(&path, keep).unwrap();
    }
    let text = pdftotext(&path);
    let hash = accepted.snapshot_sha256.unwrap();
    assert!(text.contains("Avv. Giulia Neri"), "{text}");
    assert!(text.contains("18/11/2026 15:30"), "{text}");
    assert!(text.contains(&hash), "the full hash is printed:\n{text}");
    assert!(!text.contains("Bozza"), "{text}");
    // Accepted: the same bytes every time.
    assert_eq!(
        export::quote_bytes(&s, &renderer, q).unwrap(),
        std::fs::read(&path).unwrap()
    );
}

/// A quote's PDF kept to open or print again goes to its own folder, `preventivi/`, not to the
/// reports' `rapporti/`.
#[test]
fn a_quote_is_kept_in_its_own_folder() {
    let (s, _clock, q) = shop_with_a_quote();
    let file = export::quote_to_library(&s, &Renderer::new().unwrap(), q).unwrap();
    let path = std::path::PathBuf::from(&file.path);
    assert_eq!(
        path.parent().unwrap(),
        rapportino_core::documents::quotes_folder(&s)
    );
    assert_eq!(
        path.parent().unwrap().file_name().unwrap(),
        std::ffi::OsStr::new("preventivi")
    );
    assert!(std::fs::read(&path).unwrap().starts_with(b"%PDF-"));
    std::fs::remove_file(&path).unwrap();
}
