//! The catalogue and quotes end to end through the real binary: articles searched as you type,
//! an out-of-scope ticket whose timer waits for a quote (QUOTE_REQUIRED), a quote with two lines
//! (totals worked by hand), sent with its PDF, accepted with the customer's signature, verified,
//! final; the work charged per the quote with the SLA hours and the package untouched.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::{json as j, Value};

fn write_signature(dir: &std::path::Path) -> String {
    let points: Vec<Value> = (0..60)
        .map(|i| {
            let x = 20.0 + f64::from(i) * 6.0;
            j!({"x": x, "y": 75.0 + (x / 17.0).sin() * 45.0, "pressure": 0.5, "t": i * 10})
        })
        .collect();
    let path = dir.join("cliente.json");
    let sig = j!({"width": 400.0, "height": 150.0, "strokes": [{"points": points}]});
    std::fs::write(&path, sig.to_string()).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn an_out_of_scope_request_is_quoted_accepted_and_charged_per_the_quote() {
    let s = shop();
    let db = &s.db;
    let now = |t: &'static str| ["--now", t];

    // The catalogue.
    let ssd = json(
        db,
        &[
            "catalogue",
            "add",
            "--code",
            "ssd-500",
            "--description",
            "SSD 500 GB SATA",
            "--price",
            "89,90",
        ],
    );
    assert_eq!(
        (ssd["code"].as_str(), ssd["vat_rate"].as_i64()),
        (Some("SSD-500"), Some(22))
    );
    json(
        db,
        &[
            "catalogue",
            "add",
            "--code",
            "LIB-1",
            "--description",
            "Manuale",
            "--price",
            "20",
            "--vat",
            "4",
        ],
    );
    let found = json(db, &["catalogue", "list", "--search", "ssd"]);
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(
        error_code(
            db,
            &[
                "catalogue",
                "add",
                "--code",
                "SSD-500",
                "--description",
                "x",
                "--price",
                "1"
            ]
        ),
        "ALREADY_EXISTS"
    );

    // A request outside the contract: the timer does not start without a quote.
    let t = json(
        db,
        &[
            "--now",
            "2026-03-02 09:00",
            "ticket",
            "open",
            "--client",
            &s.client,
            "--title",
            "Nuovo disco per il server",
            "--origin",
            "phone",
            "--severity",
            "request",
            "--out-of-scope",
        ],
    );
    let number = t["number"].as_str().unwrap().to_owned();
    let i = json(
        db,
        &[
            "--now",
            "2026-03-02 09:30",
            "intervention",
            "add",
            "--ticket",
            &number,
            "--mode",
            "remote",
        ],
    );
    let iid = i["intervention"]["id"].as_str().unwrap().to_owned();
    let before = change_count(db);
    let mut args = now("2026-03-02 09:30").to_vec();
    args.extend(["timer", "start", &iid]);
    assert_eq!(error_code(db, &args), "QUOTE_REQUIRED");
    assert_eq!(change_count(db), before, "nothing written");

    // The quote: 1,5 h at 60,00 = 90,00 and one SSD at 89,90, both at 22%:
    // imponibile 179,90, IVA 39,578 → 39,58, totale 219,48.
    let q = json(
        db,
        &[
            "--now",
            "2026-03-02 09:35",
            "quote",
            "new",
            "--client",
            &s.client,
            "--ticket",
            &number,
            "--notes",
            "Disco e reinstallazione",
        ],
    );
    let qn = q["number"].as_str().unwrap().to_owned();
    assert_eq!(qn, "P-2026-MR-0001");
    assert_eq!(q["valid_until"], "2026-04-01");
    json(
        db,
        &[
            "--now",
            "2026-03-02 09:36",
            "quote",
            "line",
            "add",
            &qn,
            "--kind",
            "labour",
            "--quantity",
            "1,5",
            "--price",
            "60",
        ],
    );
    let q = json(
        db,
        &[
            "--now",
            "2026-03-02 09:36",
            "quote",
            "line",
            "add",
            &qn,
            "--kind",
            "material",
            "--article",
            "SSD-500",
        ],
    );
    assert_eq!(q["totals"]["taxable_cents"], 17_990);
    assert_eq!(q["totals"]["vat_cents"], 3_958);
    assert_eq!(q["totals"]["total_cents"], 21_948);
    let shown = text(db, &["--now", "2026-03-02 09:37", "quote", "show", &qn]);
    assert!(
        shown.contains("Prezzi IVA esclusa") && shown.contains("219,48 €"),
        "{shown}"
    );

    // Sent with its PDF (customer mail on), then accepted on the laptop.
    json(db, &["mail", "settings", "--on"]);
    let sent = json(db, &["--now", "2026-03-02 09:40", "quote", "send", &qn]);
    assert_eq!(sent["quote"]["state"], "sent");
    let message = sent["message_id"].as_str().unwrap().to_owned();
    let messages = json(db, &["mail", "list"]);
    let m = messages["items"]
        .as_array()
        .or(messages.as_array())
        .unwrap()
        .iter()
        .find(|m| m["id"] == message.as_str())
        .cloned()
        .unwrap();
    assert_eq!(
        (m["kind"].as_str(), m["attachments_ready"].as_bool()),
        (Some("quote"), Some(true))
    );
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("p.pdf");
    json(
        db,
        &[
            "--now",
            "2026-03-02 09:41",
            "quote",
            "pdf",
            &qn,
            "-o",
            pdf.to_str().unwrap(),
        ],
    );
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    let sig = write_signature(dir.path());
    let accepted = json(
        db,
        &[
            "--now",
            "2026-03-02 09:45",
            "quote",
            "accept",
            &qn,
            "--customer-name",
            "Dott.ssa Riva",
            "--customer-signature",
            &sig,
        ],
    );
    assert_eq!(accepted["state"], "accepted");
    let v = json(db, &["quote", "verify", &qn]);
    assert_eq!(
        (v["matches"].as_bool(), v["canonical"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(error_code(db, &["quote", "refuse", &qn]), "QUOTE_FINAL");
    let list = json(
        db,
        &[
            "quote", "list", "--client", &s.client, "--state", "accepted",
        ],
    );
    assert_eq!(list.as_array().unwrap().len(), 1);

    // Now the timer starts; 70 minutes of work are charged per the quote, nothing drawn.
    json(db, &["--now", "2026-03-02 10:00", "timer", "start", &iid]);
    json(db, &["--now", "2026-03-02 11:10", "timer", "stop", &iid]);
    let alloc = json(db, &["--now", "2026-03-02 11:15", "allocation", &iid]);
    assert_eq!(alloc["lines"].as_array().unwrap().len(), 1, "{alloc}");
    assert_eq!(alloc["lines"][0]["source"], "quote");
    assert_eq!(alloc["lines"][0]["reason"], "quote_accepted");
    assert_eq!(alloc["lines"][0]["quote_number"], qn.as_str());
    assert_eq!(alloc["lines"][0]["minutes"], 75); // 70 rounded up to 15
    assert_eq!(alloc["charges_cents"], 0);
    let human = text(db, &["--now", "2026-03-02 11:15", "allocation", &iid]);
    assert!(human.contains("preventivo accettato"), "{human}");
    let balances = json(db, &["balances", &s.client, "--as-of", "2026-03-02"]);
    for b in balances["balances"].as_array().unwrap() {
        assert_eq!(b["used_minutes"], 0, "{b}");
    }
}
