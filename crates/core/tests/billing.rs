//! Issue 17, items 2, 3 and 9: priority on demand billed per the contract, free hours bound to
//! channels, and the month's billable lines (with their CSV). Numbers worked out by hand in the
//! comments; every figure is asserted.
#![allow(clippy::unwrap_used)]

mod common;

use common::services::*;
use common::*;
use rapportino_core::catalogue;
use rapportino_core::classes;
use rapportino_core::clients::{self, ClientInput};
use rapportino_core::contracts::{
    self, BillingTerms, ContractInput, ContractKind, PackageMode, Rates,
};
use rapportino_core::interventions::{self, InterventionMode, MaterialInput};
use rapportino_core::ledger::{self, AllocationReason, Source};
use rapportino_core::quotes::{self, AcceptInput, NewQuote, QuoteLineInput, QuoteLineKind};
use rapportino_core::reports::{self, Signature, Stroke, StrokePoint};
use rapportino_core::tickets::{self, Origin, Severity, TicketTerms};
use rapportino_core::views::billing::{self, BillableKind};
use rapportino_core::views::billing_csv::{self, CsvOptions, CsvStyle};
use rapportino_core::views::statements;
use rapportino_core::{Code, Store};

fn signature(name: &str) -> Signature {
    Signature {
        signer_name: name.into(),
        width: 400.0,
        height: 150.0,
        strokes: vec![Stroke {
            points: (0..30)
                .map(|i| StrokePoint {
                    x: 20.0 + i as f64 * 9.0,
                    y: 70.0 + (i as f64 / 4.0).sin() * 30.0,
                    pressure: 0.5,
                    t: i * 10,
                })
                .collect(),
        }],
    }
}

/// A ticket through `origin`, priority asked by the customer or not, urgent or not.
fn ticket_via(
    s: &mut Store,
    c: &rapportino_core::clients::Client,
    origin: Origin,
    priority: bool,
    urgent: bool,
) -> rapportino_core::ids::TicketId {
    let mut t = new_ticket(c, "Richiesta del cliente");
    t.origin = origin;
    t.severity = Severity::Request;
    t.priority_requested = priority;
    t.urgent = urgent;
    tickets::open(s, &t).unwrap().id
}

/// Item 3. A licence holder has 5 free hours a year bound to e-mail. 60 min from an e-mail
/// ticket: free hours (rounding 15, minimum 30: 60). 90 min from a phone ticket: nothing from the
/// free hours — a line of no minutes says why — and 90 min at the shop's remote rate 40,00 €/h =
/// 60,00 €. The free hours stand at 60 used, 240 left. The statement names the reason, the report
/// too, and the month's billable lines bill the 90 minutes.
#[test]
fn free_hours_bound_to_email_leave_a_phone_ticket_to_the_next_rule() {
    let (mut s, clock) = store();
    classes::install_presets(&mut s).unwrap();
    let c = clients::create(
        &mut s,
        &ClientInput {
            name: "Cartoleria Moretti".into(),
            customer_class: Some("licence".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let free = contracts::create(
        &mut s,
        &ContractInput {
            included_minutes: Some(300),
            customer_class: Some("licence".into()),
            billing: BillingTerms {
                free_hours_channels: vec!["email".into()],
                ..Default::default()
            },
            ..base(&c, ContractKind::FreeHours, "2026-01-01")
        },
    )
    .unwrap();
    assert_eq!(free.terms.billing.free_hours_channels, ["email"]);

    let by_mail = ticket_via(&mut s, &c, Origin::Email, false, false);
    let i1 = work(
        &mut s,
        &clock,
        by_mail,
        InterventionMode::Remote,
        "2026-11-16 09:00",
        60,
    );
    assert_eq!(
        lines(&s, i1),
        [(
            Source::FreeHours,
            AllocationReason::FreeHours,
            Some(free.name.clone()),
            60,
            0
        )]
    );
    let by_phone = ticket_via(&mut s, &c, Origin::Phone, false, false);
    let i2 = work(
        &mut s,
        &clock,
        by_phone,
        InterventionMode::Remote,
        "2026-11-17 09:00",
        90,
    );
    assert_eq!(
        lines(&s, i2),
        [
            (
                Source::FreeHours,
                AllocationReason::FreeHoursChannel,
                Some(free.name.clone()),
                0,
                0
            ),
            (Source::Overage, AllocationReason::Overage, None, 90, 6_000),
        ]
    );
    let b = ledger::client_balances(&s, c.id, Some(day("2026-11-30"))).unwrap();
    assert_eq!(
        (b.balances[0].used_minutes, b.balances[0].remaining_minutes),
        (60, Some(240))
    );

    // The report prints the reason with the ticket's channel.
    let r = reports::create(&mut s, i2).unwrap();
    let doc = reports::document(&s, r.id).unwrap();
    let reasons: Vec<&str> = doc
        .content
        .billing
        .lines
        .iter()
        .map(|l| l.reason.label.as_str())
        .collect();
    assert_eq!(
        reasons[0],
        "ore gratuite non utilizzabili per le richieste via telefono: fatturato con la regola successiva"
    );
    // The statement: the phone ticket's row says the free hours were not for it, and the usage
    // has no empty row for the note.
    let st = reports::statement::for_client(&s, c.id, 2026, 11).unwrap();
    let row = st.rows.iter().find(|r| r.charges_cents == 6_000).unwrap();
    assert_eq!(
        row.paid_by,
        format!("{} (non per questo canale), Oltre il monte ore", free.name)
    );
    let data = statements::monthly(&s, c.id, 2026, 11).unwrap();
    assert!(data
        .usage
        .iter()
        .all(|u| u.minutes > 0 || u.amount_cents > 0));
    // Billed: 1,5 h at 40,00 €/h.
    let bill = billing::for_client(&s, c.id, 2026, 11).unwrap();
    assert_eq!(bill.lines.len(), 1);
    let l = &bill.lines[0];
    assert_eq!(
        (
            l.kind,
            l.quantity,
            l.unit_price_cents,
            l.amount_cents,
            l.vat_rate
        ),
        (BillableKind::Hours, 1.5, 4_000, 6_000, 22)
    );

    // Editing the channels re-allocates: with the phone allowed, the free hours pay both.
    let mut edit = ContractInput {
        included_minutes: Some(300),
        customer_class: Some("licence".into()),
        ..base(&c, ContractKind::FreeHours, "2026-01-01")
    };
    edit.billing.free_hours_channels = vec!["email".into(), "phone".into()];
    contracts::update(&mut s, free.id, &edit).unwrap();
    assert_eq!(lines(&s, i2)[0].1, AllocationReason::FreeHours);
    assert_eq!(lines(&s, i2)[0].3, 90);
    // Bound to e-mail again: back to the next rule.
    edit.billing.free_hours_channels = vec!["email".into()];
    contracts::update(&mut s, free.id, &edit).unwrap();
    let b = ledger::client_balances(&s, c.id, Some(day("2026-11-30"))).unwrap();
    assert_eq!(b.balances[0].used_minutes, 60);

    // Only a free-hours contract is bound to channels; an unknown channel is refused.
    let before = count(&s, "contracts");
    let mut bad = base(&c, ContractKind::TimeMaterials, "2026-01-01");
    bad.billing.free_hours_channels = vec!["email".into()];
    assert_eq!(
        contracts::create(&mut s, &bad).unwrap_err().code(),
        Code::OutOfRange
    );
    edit.billing.free_hours_channels = vec!["fax".into()];
    assert_eq!(
        contracts::update(&mut s, free.id, &edit)
            .unwrap_err()
            .code(),
        Code::InvalidFormat
    );
    assert_eq!(count(&s, "contracts"), before);
}

/// Item 2, and item 9 over two clients.
///
/// Client 1, "Studio Bianchi": time and materials at 60,00 €/h (both modes), priority on demand
/// 25,00 € per ticket + 20 % of the labour. Rounding 15, minimum 30.
/// - Ticket P (priority asked, not urgent), remote 80 min → billed 90 min = 90,00 €; surcharge
///   25,00 € (first intervention) + 20 % of 90,00 = 18,00 €. Second intervention remote 30 min →
///   30,00 €; surcharge 20 % = 6,00 € (no second fee). Priority for P: 49,00 €.
///   Materials on the first: 2 × SSD 89,90 € at 22 % = 179,80 €; a manual 15,00 € at 4 %.
/// - Ticket U (priority asked but urgent): on site 30 min → 30,00 € + call-out 30,00 € (the
///   shop's fee: the contract names none); no surcharge.
/// - Billable: hours 2,5 h at 60,00 = 150,00; priority P 49,00; call-out 30,00; SSD 179,80; manual
///   15,00 (4 %). Taxable at 22 %: 408,80, VAT 89,936 → 89,94; at 4 %: 15,00, VAT 0,60.
///   Taxable 423,80, VAT 90,54, total 514,34.
///
/// Client 2, "Agenzia Sole": a 10-hour package with priority 10 % (no fee), and an out-of-scope
/// ticket with an accepted quote (1,5 h × 50,00 = 75,00 + a fixed 80,00 = 155,00 at 22 %).
/// - Ticket Q (priority asked), remote 60 min: the package pays 60; surcharge 10 % of the labour
///   valued at the shop's remote rate (60 min × 40,00 = 40,00) = 4,00 €.
/// - The quote's ticket, on site 120 min: charged per the quote, the package untouched by it
///   (used 60 of 600).
/// - Billable: priority 4,00; the quote's two lines 75,00 + 80,00. Taxable 159,00, VAT 34,98,
///   total 193,98.
///
/// The month: taxable 582,80, VAT 125,52, total 708,32 (22 %: 567,80 / 124,92; 4 %: 15,00 / 0,60).
#[test]
fn priority_on_demand_and_the_months_billable_lines() {
    let (mut s, clock) = store();
    let c1 = client(&mut s, "Studio Bianchi");
    let tm = contracts::create(
        &mut s,
        &ContractInput {
            rates: Rates {
                on_site_rate_cents: Some(6_000),
                remote_rate_cents: Some(6_000),
                ..Default::default()
            },
            billing: BillingTerms {
                priority_fee_cents: Some(2_500),
                priority_surcharge_pct: Some(20),
                ..Default::default()
            },
            ..base(&c1, ContractKind::TimeMaterials, "2026-01-01")
        },
    )
    .unwrap();
    assert!(tm.terms.billing.bills_priority());
    let p = ticket_via(&mut s, &c1, Origin::Phone, true, false);
    let p1 = work(
        &mut s,
        &clock,
        p,
        InterventionMode::Remote,
        "2026-11-17 09:00",
        80,
    );
    let p2 = work(
        &mut s,
        &clock,
        p,
        InterventionMode::Remote,
        "2026-11-18 09:00",
        30,
    );
    let a1 = ledger::intervention_allocation(&s, p1).unwrap();
    let prio: Vec<(i64, Option<i64>, Option<i64>)> = a1
        .lines
        .iter()
        .filter(|l| l.source == Source::Priority)
        .map(|l| (l.amount_cents, l.surcharge_pct, l.rate_cents))
        .collect();
    assert_eq!(prio, [(2_500, None, None), (1_800, Some(20), Some(6_000))]);
    assert!(a1
        .lines
        .iter()
        .filter(|l| l.source == Source::Priority)
        .all(|l| l.reason == AllocationReason::PriorityOnDemand && l.contract_id == Some(tm.id)));
    assert_eq!(a1.charges_cents, 9_000 + 2_500 + 1_800);
    let a2 = ledger::intervention_allocation(&s, p2).unwrap();
    assert_eq!(
        a2.lines
            .iter()
            .filter(|l| l.source == Source::Priority)
            .map(|l| l.amount_cents)
            .collect::<Vec<_>>(),
        [600]
    );
    for (desc, qty, cents, vat) in [
        ("SSD 500 GB", 2.0, 8_990, None),
        ("Manuale", 1.0, 1_500, Some(4)),
    ] {
        interventions::add_material(
            &mut s,
            p1,
            &MaterialInput {
                description: desc.into(),
                quantity: qty,
                unit_price_cents: cents,
                article_id: None,
                vat_rate: vat,
            },
        )
        .unwrap();
    }
    let u = ticket_via(&mut s, &c1, Origin::Phone, true, true);
    let u1 = work(
        &mut s,
        &clock,
        u,
        InterventionMode::OnSite,
        "2026-11-19 09:00",
        30,
    );
    assert_eq!(
        lines(&s, u1)
            .into_iter()
            .map(|l| (l.0, l.4))
            .collect::<Vec<_>>(),
        [(Source::Overage, 3_000), (Source::Callout, 3_000)],
        "urgent: no surcharge"
    );
    // The report prints the surcharge with its figures.
    let r = reports::create(&mut s, p1).unwrap();
    let doc = reports::document(&s, r.id).unwrap();
    let printed: Vec<(&str, &str, i64)> = doc
        .content
        .billing
        .lines
        .iter()
        .filter(|l| l.source.code == "priority")
        .map(|l| {
            (
                l.source.label.as_str(),
                l.reason.label.as_str(),
                l.amount_cents,
            )
        })
        .collect();
    assert_eq!(
        printed,
        [
            (
                "Priorità su richiesta",
                "priorità su richiesta: quota fissa per ticket",
                2_500
            ),
            (
                "Priorità su richiesta",
                "priorità su richiesta: 20 % della manodopera (1 h 30 min a 60,00 €/h)",
                1_800
            ),
        ]
    );

    let c2 = client(&mut s, "Agenzia Sole");
    let pkg = contracts::create(
        &mut s,
        &ContractInput {
            included_minutes: Some(600),
            package_mode: Some(PackageMode::Any),
            billing: BillingTerms {
                priority_surcharge_pct: Some(10),
                ..Default::default()
            },
            ..base(&c2, ContractKind::HourPackage, "2026-01-01")
        },
    )
    .unwrap();
    let q_ticket = ticket_via(&mut s, &c2, Origin::Email, true, false);
    let q1 = work(
        &mut s,
        &clock,
        q_ticket,
        InterventionMode::Remote,
        "2026-11-20 09:00",
        60,
    );
    assert_eq!(
        lines(&s, q1),
        [
            (
                Source::Package,
                AllocationReason::PackageEarliestExpiry,
                Some(pkg.name.clone()),
                60,
                0
            ),
            (
                Source::Priority,
                AllocationReason::PriorityOnDemand,
                Some(pkg.name.clone()),
                0,
                400
            ),
        ]
    );
    let out = ticket_via(&mut s, &c2, Origin::Email, false, false);
    tickets::set_terms(
        &mut s,
        out,
        &TicketTerms {
            out_of_scope: true,
            ..Default::default()
        },
    )
    .unwrap();
    let q = quotes::create(
        &mut s,
        &NewQuote {
            client_id: c2.id,
            ticket_id: Some(out),
            ..Default::default()
        },
    )
    .unwrap();
    quotes::add_line(
        &mut s,
        q.id,
        &QuoteLineInput {
            kind: QuoteLineKind::Labour,
            quantity: Some(1.5),
            description: Some("Installazione stampante di rete".into()),
            ..Default::default()
        },
    )
    .unwrap();
    quotes::add_line(
        &mut s,
        q.id,
        &QuoteLineInput {
            kind: QuoteLineKind::Fixed,
            description: Some("Configurazione scansione su e-mail".into()),
            unit_price_cents: Some(8_000),
            ..Default::default()
        },
    )
    .unwrap();
    let q = quotes::accept(
        &mut s,
        q.id,
        &AcceptInput {
            customer: signature("Laura Sole"),
        },
    )
    .unwrap();
    work(
        &mut s,
        &clock,
        out,
        InterventionMode::OnSite,
        "2026-11-23 09:00",
        120,
    );
    let b = ledger::client_balances(&s, c2.id, Some(day("2026-11-30"))).unwrap();
    assert_eq!(
        (b.balances[0].used_minutes, b.balances[0].remaining_minutes),
        (60, Some(540)),
        "the quote's work is not drawn from the package"
    );

    let month = billing::month(&s, 2026, 11, None).unwrap();
    assert_eq!(month.month, "2026-11");
    let names: Vec<&str> = month
        .clients
        .iter()
        .map(|c| c.client_name.as_str())
        .collect();
    assert_eq!(names, ["Agenzia Sole", "Studio Bianchi"]);
    let one = |c: &billing::ClientBillable| -> Vec<(BillableKind, String, f64, i64, i64, i64)> {
        c.lines
            .iter()
            .map(|l| {
                (
                    l.kind,
                    l.reference.clone(),
                    l.quantity,
                    l.unit_price_cents,
                    l.amount_cents,
                    l.vat_rate,
                )
            })
            .collect()
    };
    let t = |id| tickets::get(&s, id).unwrap().number;
    let sole = &month.clients[0];
    assert_eq!(
        one(sole),
        [
            (BillableKind::Priority, t(q_ticket), 1.0, 400, 400, 22),
            (BillableKind::Quote, q.number.clone(), 1.5, 5_000, 7_500, 22),
            (BillableKind::Quote, q.number.clone(), 1.0, 8_000, 8_000, 22),
        ]
    );
    assert_eq!(
        (
            sole.vat.taxable_cents,
            sole.vat.vat_cents,
            sole.vat.total_cents
        ),
        (15_900, 3_498, 19_398)
    );
    let bianchi = &month.clients[1];
    assert_eq!(
        one(bianchi),
        [
            (
                BillableKind::Hours,
                format!("{}, {}", t(p), t(u)),
                2.5,
                6_000,
                15_000,
                22
            ),
            (BillableKind::Priority, t(p), 1.0, 4_900, 4_900, 22),
            (BillableKind::Callout, t(u), 1.0, 3_000, 3_000, 22),
            (BillableKind::Material, t(p), 2.0, 8_990, 17_980, 22),
            (BillableKind::Material, t(p), 1.0, 1_500, 1_500, 4),
        ]
    );
    assert_eq!(
        (
            bianchi.vat.taxable_cents,
            bianchi.vat.vat_cents,
            bianchi.vat.total_cents
        ),
        (42_380, 9_054, 51_434)
    );
    let per_rate: Vec<(i64, i64, i64)> = month
        .vat
        .per_rate
        .iter()
        .map(|r| (r.rate, r.taxable_cents, r.vat_cents))
        .collect();
    assert_eq!(per_rate, [(22, 56_780, 12_492), (4, 1_500, 60)]);
    assert_eq!(
        (
            month.vat.taxable_cents,
            month.vat.vat_cents,
            month.vat.total_cents
        ),
        (58_280, 12_552, 70_832)
    );
    // The same lines, one client at a time, and the statement's "Da fatturare".
    assert_eq!(&billing::for_client(&s, c1.id, 2026, 11).unwrap(), bianchi);
    let st = reports::statement::for_client(&s, c2.id, 2026, 11).unwrap();
    assert_eq!(st.to_invoice.len(), 3);
    assert_eq!(st.to_invoice[1].quantity, "1,5 h");
    assert_eq!(st.to_invoice_vat, sole.vat);
    // Another month has nothing to invoice.
    assert!(billing::month(&s, 2026, 10, None)
        .unwrap()
        .clients
        .is_empty());

    // The CSV: BOM, `;` and decimal comma by default; `,` and a point on request.
    let csv = billing_csv::to_csv(&month, CsvOptions::default()).unwrap();
    let text = String::from_utf8(csv).unwrap();
    assert!(text.starts_with('\u{feff}'));
    let rows: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        rows[0],
        "mese;cliente;tipo;descrizione;riferimento;quantita;unita;prezzo_unitario;imponibile;aliquota_iva;iva;totale"
    );
    assert_eq!(
        rows[2],
        format!(
            "2026-11;Agenzia Sole;quote;Preventivo {n}: Installazione stampante di rete;{n};1,5;h;50,00;75,00;22;;",
            n = q.number
        )
    );
    assert!(rows.contains(&"2026-11;Agenzia Sole;totale;Totale cliente;;;;;159,00;;34,98;193,98"));
    assert!(rows
        .contains(&"2026-11;Studio Bianchi;totale_aliquota;Totale IVA 4 %;;;;;15,00;4;0,60;15,60"));
    let plain = billing_csv::to_csv(
        &month,
        CsvOptions {
            style: CsvStyle::Plain,
        },
    )
    .unwrap();
    let plain = String::from_utf8(plain).unwrap();
    assert!(plain.starts_with("mese,cliente,"));
    assert!(plain.contains("Studio Bianchi,totale,Totale cliente,,,,,423.80,,90.54,514.34"));
    // A description with the separator is quoted, not split.
    assert!(plain.contains("\"Assistenza tecnica a 60,00 €/h\""));

    // The shop's default VAT rate is a setting: services and new free-text lines follow it.
    assert_eq!(catalogue::default_vat_rate(&s).unwrap(), 22);
    assert_eq!(
        catalogue::set_default_vat_rate(&mut s, 101)
            .unwrap_err()
            .code(),
        Code::OutOfRange
    );
    catalogue::set_default_vat_rate(&mut s, 10).unwrap();
    let m = interventions::add_material(
        &mut s,
        u1,
        &MaterialInput {
            description: "Cavo".into(),
            quantity: 1.0,
            unit_price_cents: 500,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(m.vat_rate, 10);
    let sole = billing::for_client(&s, c2.id, 2026, 11).unwrap();
    assert_eq!(sole.lines[0].vat_rate, 10, "the surcharge is a service");
    assert_eq!(sole.lines[1].vat_rate, 22, "a quote keeps its own rates");
}
