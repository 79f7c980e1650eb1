//! Issue 17, item 8: the article catalogue (searched as you type, codes unique, VAT per article),
//! material lines carrying the article's rate or the ordinary one, and the call-out fee and
//! kilometres billed when the contract prices them. Numbers worked out by hand in comments.
#![allow(clippy::unwrap_used)]

mod common;

use common::services::*;
use common::*;
use rapportino_core::catalogue::{self, ArticleInput};
use rapportino_core::contracts::PackageMode;
use rapportino_core::interventions::{self, InterventionMode, MaterialInput};
use rapportino_core::ledger::Source;
use rapportino_core::tickets::Severity;
use rapportino_core::Code;

#[test]
fn the_catalogue_is_searched_as_you_type_and_its_codes_are_unique() {
    let (mut s, _) = store();
    let ssd = article(&mut s, "ssd-500", "SSD 500 GB SATA", 8_990, None);
    assert_eq!(
        (ssd.code.as_str(), ssd.unit.as_str(), ssd.vat_rate),
        ("SSD-500", "pz", 22)
    );
    article(
        &mut s,
        "CAV-UTP-5",
        "Cavo di rete UTP cat. 6, 5 m",
        650,
        Some(22),
    );
    article(
        &mut s,
        "LIB-SSD",
        "Manuale: come montare un SSD",
        1_500,
        Some(4),
    );

    // A code prefix comes before a match in the description; any case.
    let found: Vec<String> = catalogue::search(&s, "ssd", false)
        .unwrap()
        .into_iter()
        .map(|a| a.code)
        .collect();
    assert_eq!(found, ["SSD-500", "LIB-SSD"]);
    assert_eq!(catalogue::search(&s, "cavo", false).unwrap().len(), 1);
    assert_eq!(catalogue::search(&s, "", false).unwrap().len(), 3);
    // LIKE wildcards are text.
    assert!(catalogue::search(&s, "%", false).unwrap().is_empty());

    // A code already taken: refused, nothing written.
    let before = count(&s, "articles");
    let err = catalogue::create(
        &mut s,
        &ArticleInput {
            code: "Ssd-500".into(),
            description: "doppione".into(),
            unit_price_cents: 1,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), Code::AlreadyExists);
    assert_eq!(count(&s, "articles"), before);
    for (bad, code) in [
        (
            ArticleInput {
                vat_rate: Some(230),
                ..ok_input()
            },
            Code::OutOfRange,
        ),
        (
            ArticleInput {
                unit_price_cents: -1,
                ..ok_input()
            },
            Code::InvalidFormat,
        ),
        (
            ArticleInput {
                code: "A B".into(),
                ..ok_input()
            },
            Code::InvalidFormat,
        ),
        (
            ArticleInput {
                description: " ".into(),
                ..ok_input()
            },
            Code::Required,
        ),
    ] {
        assert_eq!(catalogue::create(&mut s, &bad).unwrap_err().code(), code);
    }
    assert_eq!(count(&s, "articles"), before);

    // Archived articles leave the picker, not the catalogue.
    catalogue::set_archived(&mut s, ssd.id, true).unwrap();
    assert_eq!(catalogue::search(&s, "ssd", false).unwrap().len(), 1);
    assert_eq!(catalogue::search(&s, "ssd", true).unwrap().len(), 2);
    let edited = catalogue::update(
        &mut s,
        ssd.id,
        &ArticleInput {
            code: "SSD-500".into(),
            description: "SSD 500 GB NVMe".into(),
            unit: Some("pz".into()),
            unit_price_cents: 7_990,
            vat_rate: Some(22),
        },
    )
    .unwrap();
    assert_eq!(edited.unit_price_cents, 7_990);
}

fn ok_input() -> ArticleInput {
    ArticleInput {
        code: "OK-1".into(),
        description: "Articolo".into(),
        unit: None,
        unit_price_cents: 100,
        vat_rate: None,
    }
}

#[test]
fn material_lines_carry_the_articles_rate_or_the_ordinary_one() {
    let (mut s, _) = store();
    let c = client(&mut s, "Libreria Conti");
    let t = ticket(&mut s, &c, "Postazione lenta");
    let i = intervention(&mut s, t, InterventionMode::OnSite);
    let book = article(&mut s, "LIB-01", "Manuale utente", 2_000, Some(4));
    let from_catalogue = interventions::add_material(
        &mut s,
        i.id,
        &MaterialInput {
            description: book.description.clone(),
            quantity: 2.0,
            unit_price_cents: book.unit_price_cents,
            article_id: Some(book.id),
            vat_rate: None,
        },
    )
    .unwrap();
    assert_eq!(
        (from_catalogue.vat_rate, from_catalogue.total_cents),
        (4, 4_000)
    );
    let free = interventions::add_material(
        &mut s,
        i.id,
        &MaterialInput {
            description: "Fascette".into(),
            quantity: 10.0,
            unit_price_cents: 15,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!((free.vat_rate, free.article_id), (22, None));
    let bad = MaterialInput {
        description: "x".into(),
        quantity: 1.0,
        unit_price_cents: 1,
        vat_rate: Some(101),
        ..Default::default()
    };
    let before = count(&s, "materials");
    assert_eq!(
        interventions::add_material(&mut s, i.id, &bad)
            .unwrap_err()
            .code(),
        Code::OutOfRange
    );
    assert_eq!(count(&s, "materials"), before);
    let listed = interventions::detail(&s, i.id).unwrap().materials;
    assert_eq!(
        listed.iter().map(|m| m.vat_rate).collect::<Vec<_>>(),
        [4, 22]
    );
}

/// Item 8, travel and call-out priced by the contract: an SLA contract (5x8, 2 h included) that
/// prices the call-out at 35,00 € and the kilometre at 0,50 €. One hour on site with 30,5 km:
/// the hour from the included hours, call-out 35,00 €, travel 30,5 × 0,50 = 15,25 €; the report
/// says "30,5 km × 0,50 €/km". The same work remote: neither (no trip). A package that prices
/// neither bills neither on site (as before).
#[test]
fn call_out_and_kilometres_are_billed_when_the_contract_prices_them() {
    use rapportino_core::calendars::CalendarPreset;
    use rapportino_core::contracts::{self, ContractInput, ContractKind, Rates};
    use rapportino_core::interventions::InterventionPatch;
    let (mut s, clock) = store();
    let cal = calendar(&mut s, CalendarPreset::FiveByEight);
    let c = client(&mut s, "Hotel Miramare");
    contracts::create(
        &mut s,
        &ContractInput {
            calendar_id: Some(cal),
            included_minutes: Some(120),
            rates: Rates {
                callout_fee_cents: Some(3_500),
                km_rate_cents: Some(50),
                ..Default::default()
            },
            ..base(&c, ContractKind::Sla, "2026-01-01")
        },
    )
    .unwrap();
    let t = open_ticket(&mut s, &c, Severity::Request, None);
    let i = work(
        &mut s,
        &clock,
        t,
        InterventionMode::OnSite,
        "2026-11-17 09:00",
        60,
    );
    interventions::update(
        &mut s,
        i,
        &InterventionPatch {
            travel_km: Some(30.5),
            ..Default::default()
        },
    )
    .unwrap();
    let l = lines(&s, i);
    assert_eq!(
        l.iter().map(|l| (l.0, l.3, l.4)).collect::<Vec<_>>(),
        [
            (Source::SlaIncluded, 60, 0),
            (Source::Callout, 0, 3_500),
            (Source::Travel, 0, 1_525)
        ]
    );
    let report = rapportino_core::reports::create(&mut s, i).unwrap();
    let doc = rapportino_core::reports::document(&s, report.id).unwrap();
    let travel = doc
        .content
        .billing
        .lines
        .iter()
        .find(|l| l.source.code == "travel")
        .unwrap();
    assert_eq!(travel.reason.label, "30,5 km × 0,50 €/km");
    assert_eq!(doc.content.billing.charges_cents, 5_025);
    // The month's statement: 50,25 € charged before VAT; 22% is 11,055 → 11,06; 61,31 with it.
    let st = rapportino_core::reports::statement::for_client(&s, c.id, 2026, 11).unwrap();
    assert_eq!(st.charges_cents, 5_025);
    assert_eq!((st.vat.vat_cents, st.vat.total_cents), (1_106, 6_131));
    assert!(
        st.usage.iter().any(|u| u.amount_cents == 1_525),
        "{:?}",
        st.usage
    );

    let remote = work(
        &mut s,
        &clock,
        t,
        InterventionMode::Remote,
        "2026-11-18 09:00",
        30,
    );
    assert_eq!(
        lines(&s, remote).iter().map(|l| l.0).collect::<Vec<_>>(),
        [Source::SlaIncluded]
    );

    let other = client(&mut s, "Bar Centrale");
    package(&mut s, &other, "2026-01-01", 10, PackageMode::Any);
    let t2 = open_ticket(&mut s, &other, Severity::Request, None);
    let j = work(
        &mut s,
        &clock,
        t2,
        InterventionMode::OnSite,
        "2026-11-19 09:00",
        60,
    );
    interventions::update(
        &mut s,
        j,
        &InterventionPatch {
            travel_km: Some(12.0),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        lines(&s, j).iter().map(|l| l.0).collect::<Vec<_>>(),
        [Source::Package]
    );
}
