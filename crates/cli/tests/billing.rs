//! Issue 17, items 2, 3 and 9 through the real binary: a contract that bills priority on demand,
//! the surcharge on the allocation, the month's billable lines as JSON, text and CSV (Italian
//! and plain), the shop's default VAT rate, and channel-bound free hours refused on another kind.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;

#[test]
fn priority_on_demand_is_billed_and_the_month_is_exported_for_the_accountant() {
    let s = shop();
    let db = &s.db;
    let c = json(
        db,
        &[
            "client",
            "add",
            "--name",
            "Studio Bianchi",
            "--city",
            "Monza",
        ],
    );
    let client = id(&c);
    let k = json(
        db,
        &[
            "contract",
            "create",
            "--client",
            &client,
            "--kind",
            "time_materials",
            "--from",
            "01/01/2026",
            "--remote-rate",
            "60",
            "--rounding",
            "15",
            "--minimum",
            "30",
            "--priority-fee",
            "25",
            "--priority-pct",
            "20",
        ],
    );
    assert_eq!(
        (
            k["priority_fee_cents"].as_i64(),
            k["priority_surcharge_pct"].as_i64()
        ),
        (Some(2_500), Some(20))
    );
    let shown = text(db, &["contract", "show", &id(&k)]);
    assert!(
        shown.contains("priorità su richiesta: 25,00 € per ticket + 20 % della manodopera"),
        "{shown}"
    );
    // Channels bind free hours only.
    assert_eq!(
        error_code(
            db,
            &["contract", "edit", &id(&k), "--free-hours-channel", "email"]
        ),
        "OUT_OF_RANGE"
    );

    // A non-urgent ticket the customer wants first: 80 minutes remote, billed 90 = 90,00 €;
    // surcharge 25,00 € + 20 % of 90,00 = 18,00 €.
    let t = json(
        db,
        &[
            "--now",
            "2026-11-17 09:00",
            "ticket",
            "open",
            "--client",
            &client,
            "--title",
            "Stampante di rete ferma",
            "--origin",
            "phone",
            "--severity",
            "request",
            "--priority-requested",
        ],
    );
    let number = t["number"].as_str().unwrap().to_owned();
    let i = json(
        db,
        &[
            "--now",
            "2026-11-17 09:05",
            "intervention",
            "add",
            "--ticket",
            &number,
            "--mode",
            "remote",
        ],
    );
    let iid = i["intervention"]["id"].as_str().unwrap().to_owned();
    json(db, &["--now", "2026-11-17 09:10", "timer", "start", &iid]);
    json(db, &["--now", "2026-11-17 10:30", "timer", "stop", &iid]);
    let alloc = json(db, &["--now", "2026-11-17 10:31", "allocation", &iid]);
    let prio: Vec<(i64, Option<i64>)> = alloc["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["source"] == "priority")
        .map(|l| {
            (
                l["amount_cents"].as_i64().unwrap(),
                l["surcharge_pct"].as_i64(),
            )
        })
        .collect();
    assert_eq!(prio, [(2_500, None), (1_800, Some(20))], "{alloc}");
    assert_eq!(alloc["charges_cents"], 9_000 + 2_500 + 1_800);
    let human = text(db, &["--now", "2026-11-17 10:31", "allocation", &iid]);
    assert!(human.contains("priorità su richiesta"), "{human}");

    // The month's lines: 1,5 h at 60,00 = 90,00; priority 43,00. Taxable 133,00, VAT 22 %
    // 29,26, total 162,26.
    let m = json(
        db,
        &[
            "--now",
            "2026-12-01 09:00",
            "billing",
            "lines",
            "--month",
            "2026-11",
            "--client",
            &client,
        ],
    );
    assert_eq!(m["month"], "2026-11");
    let lines = m["clients"][0]["lines"].as_array().unwrap();
    let got: Vec<(&str, f64, i64)> = lines
        .iter()
        .map(|l| {
            (
                l["kind"].as_str().unwrap(),
                l["quantity"].as_f64().unwrap(),
                l["amount_cents"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, [("hours", 1.5, 9_000), ("priority", 1.0, 4_300)]);
    assert_eq!(m["vat"]["taxable_cents"], 13_300);
    assert_eq!(m["vat"]["vat_cents"], 2_926);
    assert_eq!(m["vat"]["total_cents"], 16_226);
    let human = text(
        db,
        &[
            "--now",
            "2026-12-01 09:00",
            "billing",
            "lines",
            "--month",
            "11/2026",
        ],
    );
    assert!(
        human.contains("Studio Bianchi") && human.contains("162,26 €"),
        "{human}"
    );
    assert!(human.contains("IVA esclusa"), "{human}");
    assert_eq!(
        error_code(db, &["billing", "lines", "--month", "2026-13"]),
        "INVALID_FORMAT"
    );

    // The CSV for the accountant: BOM, `;`, decimal comma; `--plain`: `,` and a point.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("novembre.csv");
    json(
        db,
        &[
            "--now",
            "2026-12-01 09:00",
            "billing",
            "lines",
            "--month",
            "2026-11",
            "--csv",
            file.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with("\u{feff}mese;cliente;".as_bytes()));
    let csv = String::from_utf8(bytes).unwrap();
    assert!(
        csv.contains(&format!(
            "2026-11;Studio Bianchi;priority;Priorità su richiesta, ticket {number};{number};1;;43,00;43,00;22;;"
        )),
        "{csv}"
    );
    assert!(csv.contains("2026-11;Studio Bianchi;totale;Totale cliente;;;;;133,00;;29,26;162,26"));
    let plain = dir.path().join("plain.csv");
    json(
        db,
        &[
            "--now",
            "2026-12-01 09:00",
            "billing",
            "lines",
            "--month",
            "2026-11",
            "--csv",
            plain.to_str().unwrap(),
            "--plain",
        ],
    );
    let plain = std::fs::read_to_string(&plain).unwrap();
    assert!(plain.starts_with("mese,cliente,"));
    assert!(plain.contains("Studio Bianchi,totale,Totale cliente,,,,,133.00,,29.26,162.26"));

    // The shop's default VAT rate: a setting, and the services follow it.
    assert_eq!(json(db, &["billing", "vat"])["default_vat_rate"], 22);
    assert_eq!(
        error_code(db, &["billing", "vat", "--set", "101"]),
        "OUT_OF_RANGE"
    );
    assert_eq!(
        json(db, &["billing", "vat", "--set", "10"])["default_vat_rate"],
        10
    );
    let m = json(
        db,
        &[
            "--now",
            "2026-12-01 09:00",
            "billing",
            "lines",
            "--month",
            "2026-11",
            "--client",
            &client,
        ],
    );
    assert_eq!(m["clients"][0]["lines"][0]["vat_rate"], 10);
    assert_eq!(m["vat"]["vat_cents"], 1_330);
}
