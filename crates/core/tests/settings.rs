//! Settings: technicians (edit, codes, deactivation) and contract templates.

mod common;

use common::services::{calendar, day};
use common::*;
use rapportino_core::calendars::CalendarPreset;
use rapportino_core::contracts::templates::{self, ContractTemplateInput};
use rapportino_core::contracts::{self, ContractKind, PackageMode, Rates, SlaTarget, SlaTargets};
use rapportino_core::ids::{CalendarId, ContractTemplateId, TechnicianId};
use rapportino_core::setup;
use rapportino_core::technicians::{self, TechnicianInput};
use rapportino_core::tickets;
use rapportino_core::Code;

fn tech(code: &str, name: &str) -> TechnicianInput {
    TechnicianInput {
        code: code.into(),
        name: name.into(),
        ..Default::default()
    }
}

fn log_len(s: &rapportino_core::Store) -> i64 {
    count(s, "change_log")
}

#[test]
fn a_technician_is_edited_and_the_change_is_logged() {
    let (mut s, _) = store();
    let t = technicians::create(&mut s, &tech("lb", "Luca Bianchi")).unwrap();
    let before = log_len(&s);
    let u = technicians::update(
        &mut s,
        t.id,
        &TechnicianInput {
            code: "LBI".into(),
            name: "Luca Bianchi".into(),
            email: Some("luca@example.it".into()),
            phone: Some("333 1234567".into()),
        },
    )
    .unwrap();
    assert_eq!(u.code, "LBI");
    assert_eq!(u.email.as_deref(), Some("luca@example.it"));
    assert_eq!(log_len(&s), before + 1);
    // Nothing changed: nothing recorded.
    technicians::update(
        &mut s,
        t.id,
        &TechnicianInput {
            code: "lbi".into(),
            name: "Luca Bianchi".into(),
            email: Some("luca@example.it".into()),
            phone: Some("333 1234567".into()),
        },
    )
    .unwrap();
    assert_eq!(log_len(&s), before + 1);
}

#[test]
fn bad_technician_edits_are_refused_and_write_nothing() {
    let (mut s, _) = store();
    let me = setup::current_technician(s.conn()).unwrap();
    let t = technicians::create(&mut s, &tech("LB", "Luca Bianchi")).unwrap();
    let before = log_len(&s);
    let cases: [(TechnicianId, TechnicianInput, Code, &str); 5] = [
        (t.id, tech("L1", "Luca"), Code::InvalidFormat, "code"),
        (t.id, tech("LB", ""), Code::Required, "name"),
        // Another technician's code.
        (t.id, tech("MR", "Luca"), Code::AlreadyExists, ""),
        // This device's technician: their code is in the device code and in every number issued.
        (me, tech("MRX", "Marco Rinaldi"), Code::Inconsistent, "code"),
        (
            TechnicianId::new(),
            tech("ZZ", "Nessuno"),
            Code::NotFound,
            "",
        ),
    ];
    for (id, input, code, field) in cases {
        let e = technicians::update(&mut s, id, &input).unwrap_err();
        assert_eq!(e.code(), code, "{input:?}");
        if !field.is_empty() {
            assert_eq!(e.field(), Some(field), "{input:?}");
        }
    }
    assert_eq!(log_len(&s), before);
    assert_eq!(technicians::get(&s, me).unwrap().code, "MR");
    // The name of the device's technician can still be corrected.
    let renamed = technicians::update(&mut s, me, &tech("MR", "Marco Rinaldi jr")).unwrap();
    assert_eq!(renamed.name, "Marco Rinaldi jr");
}

#[test]
fn a_deactivated_technician_keeps_history_but_takes_no_new_work() {
    let (mut s, _) = store();
    let c = client(&mut s, "Rossi Srl");
    let t = technicians::create(&mut s, &tech("LB", "Luca Bianchi")).unwrap();
    let mut nt = new_ticket(&c, "Stampante");
    nt.assigned_technician_id = Some(t.id);
    let assigned = tickets::open(&mut s, &nt).unwrap();

    let off = technicians::set_active(&mut s, t.id, false).unwrap();
    assert!(!off.active);
    let list = technicians::list(&s).unwrap();
    assert!(list.last().is_some_and(|x| x.id == t.id && !x.active));
    // History stays: the ticket still names them.
    let again = tickets::get(&s, assigned.id).unwrap();
    assert_eq!(again.assigned_technician_id, Some(t.id));
    // No new assignment.
    let before = snapshot(&s);
    let e = tickets::open(&mut s, &nt).unwrap_err();
    assert_eq!(e.code(), Code::Inconsistent);
    assert_eq!(e.field(), Some("assigned_technician_id"));
    assert_eq!(snapshot(&s), before);
    // Reactivated, they can be assigned again.
    technicians::set_active(&mut s, t.id, true).unwrap();
    tickets::open(&mut s, &nt).unwrap();
}

#[test]
fn the_device_technician_cannot_be_deactivated() {
    let (mut s, _) = store();
    let me = setup::current_technician(s.conn()).unwrap();
    let before = log_len(&s);
    let e = technicians::set_active(&mut s, me, false).unwrap_err();
    assert_eq!(e.code(), Code::Inconsistent);
    assert_eq!(e.field(), Some("active"));
    assert_eq!(log_len(&s), before);
    assert!(technicians::get(&s, me).unwrap().active);
}

fn sla_template(cal: CalendarId) -> ContractTemplateInput {
    ContractTemplateInput {
        name: "SLA Oro 5x8".into(),
        kind: ContractKind::Sla,
        duration_months: 24,
        calendar_id: Some(cal),
        targets: SlaTargets {
            blocking: SlaTarget {
                response_minutes: Some(60),
                intervention_minutes: Some(240),
                resolution_minutes: None,
            },
            ..Default::default()
        },
        included_minutes: Some(20 * 60),
        rates: Rates {
            overage_rate_cents: Some(5500),
            ..Default::default()
        },
        rounding_minutes: Some(15),
        minimum_minutes: Some(30),
        ..Default::default()
    }
}

#[test]
fn templates_are_created_listed_edited_and_archived() {
    let (mut s, _) = store();
    let cal = calendar(&mut s, CalendarPreset::FiveByEight);
    let before = log_len(&s);
    let t = templates::create(&mut s, &sla_template(cal)).unwrap();
    assert_eq!(log_len(&s), before + 1);
    assert_eq!(t.name, "SLA Oro 5x8");
    assert_eq!(t.duration_months, 24);
    assert_eq!(t.terms.targets.blocking.response_minutes, Some(60));
    assert_eq!(t.terms.rates.overage_rate_cents, Some(5500));
    assert_eq!(t.terms.rounding_minutes, 15);
    let pkg = templates::create(
        &mut s,
        &ContractTemplateInput {
            name: "Pacchetto 10 ore".into(),
            kind: ContractKind::HourPackage,
            duration_months: 12,
            included_minutes: Some(600),
            ..Default::default()
        },
    )
    .unwrap();
    // The contract rules' defaults apply.
    assert_eq!(pkg.terms.package_mode, Some(PackageMode::Any));
    assert_eq!(pkg.terms.rounding_minutes, 1);

    let mut edit: ContractTemplateInput = (&t).into();
    edit.duration_months = 12;
    edit.rates.overage_rate_cents = Some(6000);
    let e = templates::update(&mut s, t.id, &edit).unwrap();
    assert_eq!(e.duration_months, 12);
    assert_eq!(e.terms.rates.overage_rate_cents, Some(6000));

    templates::set_archived(&mut s, pkg.id, true).unwrap();
    let names = |all| -> Vec<String> {
        templates::list(&s, all)
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect()
    };
    assert_eq!(names(false), vec!["SLA Oro 5x8"]);
    assert_eq!(names(true), vec!["SLA Oro 5x8", "Pacchetto 10 ore"]);
}

#[test]
fn a_contract_made_from_a_template_has_its_terms_and_duration() {
    let (mut s, _) = store();
    let c = client(&mut s, "Rossi Srl");
    let cal = calendar(&mut s, CalendarPreset::FiveByEight);
    let t = templates::create(&mut s, &sla_template(cal)).unwrap();
    let input = ContractTemplateInput::from(&t).to_contract_input(c.id, day("2026-11-16"));
    let k = contracts::create(&mut s, &input).unwrap();
    assert_eq!(k.name, "SLA Oro 5x8");
    assert_eq!(k.starts_on, "2026-11-16");
    assert_eq!(k.ends_on, "2028-11-15");
    assert_eq!(k.terms.calendar_id, Some(cal));
    assert_eq!(k.terms.targets, t.terms.targets);
    assert_eq!(k.terms.rates, t.terms.rates);
    assert_eq!(k.terms.included_minutes, Some(1200));
}

#[test]
fn bad_templates_are_refused_with_the_contract_rules_and_write_nothing() {
    let (mut s, _) = store();
    let cal = calendar(&mut s, CalendarPreset::FiveByEight);
    let ok = sla_template(cal);
    let existing = templates::create(&mut s, &ok).unwrap();
    let before = log_len(&s);
    let rows = count(&s, "contract_templates");
    let with = |f: &dyn Fn(&mut ContractTemplateInput)| {
        let mut i = ok.clone();
        f(&mut i);
        i
    };
    let cases = [
        (with(&|i| i.name = " ".into()), Code::Required, "name"),
        (
            with(&|i| i.duration_months = 0),
            Code::OutOfRange,
            "duration_months",
        ),
        (
            with(&|i| i.duration_months = 121),
            Code::OutOfRange,
            "duration_months",
        ),
        // The contract's rules: an SLA needs a calendar, rounding 1..480, no negative rates…
        (
            with(&|i| i.calendar_id = None),
            Code::Required,
            "calendar_id",
        ),
        (
            with(&|i| i.rounding_minutes = Some(0)),
            Code::OutOfRange,
            "rounding_minutes",
        ),
        (
            with(&|i| i.rates.km_rate_cents = Some(-1)),
            Code::OutOfRange,
            "km_rate_cents",
        ),
        (
            with(&|i| {
                i.kind = ContractKind::HourPackage;
                i.included_minutes = None;
            }),
            Code::Required,
            "included_minutes",
        ),
        (
            with(&|i| {
                i.kind = ContractKind::TimeMaterials;
                i.extra_time_allowed = true;
            }),
            Code::ExtraTimeNotAllowed,
            "extra_time_allowed",
        ),
        (
            with(&|i| i.calendar_id = Some(CalendarId::new())),
            Code::NotFound,
            "calendar_id",
        ),
    ];
    for (input, code, field) in cases {
        let e = templates::create(&mut s, &input).unwrap_err();
        assert_eq!((e.code(), e.field()), (code, Some(field)), "{input:?}");
        let e = templates::update(&mut s, existing.id, &input).unwrap_err();
        assert_eq!((e.code(), e.field()), (code, Some(field)), "{input:?}");
    }
    let e = templates::update(&mut s, ContractTemplateId::new(), &ok).unwrap_err();
    assert_eq!(e.code(), Code::NotFound);
    assert_eq!(log_len(&s), before);
    assert_eq!(count(&s, "contract_templates"), rows);
    assert_eq!(templates::get(&s, existing.id).unwrap(), existing);
}

#[test]
fn the_shop_profile_takes_fiscal_code_and_pec_and_refuses_bad_ones() {
    use rapportino_core::setup::ShopProfile;
    let (mut s, _) = store();
    let ok = ShopProfile {
        name: "Assistenza Rinaldi".into(),
        vat_number: Some("00743110157".into()),
        fiscal_code: Some("00743110157".into()),
        pec: Some("rinaldi@pec.it".into()),
        ..Default::default()
    };
    let saved = setup::update_shop(&mut s, &ok).unwrap();
    assert_eq!(saved.pec.as_deref(), Some("rinaldi@pec.it"));
    let before = log_len(&s);
    for (bad, code, field) in [
        (
            ShopProfile {
                fiscal_code: Some("RSSMRA80A01H501X".into()),
                ..ok.clone()
            },
            Code::InvalidFiscalCode,
            "fiscal_code",
        ),
        (
            ShopProfile {
                pec: Some("non-una-pec".into()),
                ..ok.clone()
            },
            Code::InvalidFormat,
            "pec",
        ),
    ] {
        let e = setup::update_shop(&mut s, &bad).unwrap_err();
        assert_eq!((e.code(), e.field()), (code, Some(field)));
    }
    assert_eq!(log_len(&s), before);
    assert_eq!(setup::status(&s).unwrap().shop, Some(saved));
}

/// The printer and copies are this device's own: remembered, checked, never in the change log.
#[test]
fn the_print_choice_is_remembered_per_device_and_checked() {
    use rapportino_core::store::settings::{
        print_preferences, set_print_preferences, PrintPreferences,
    };
    let (s, _) = store();
    assert_eq!(print_preferences(&s).unwrap(), PrintPreferences::default());
    let log = log_len(&s);
    let office = PrintPreferences {
        printer: Some(" Ufficio ".into()),
        copies: 2,
    };
    let saved = set_print_preferences(&s, &office).unwrap();
    assert_eq!(saved.printer.as_deref(), Some("Ufficio"));
    assert_eq!(print_preferences(&s).unwrap(), saved);
    assert_eq!(log_len(&s), log, "not synced: no change logged");

    for (printer, copies, field, code) in [
        (Some("Ufficio"), 0, "copies", Code::OutOfRange),
        (Some("Ufficio"), 100, "copies", Code::OutOfRange),
        (Some("-oraw"), 1, "printer", Code::InvalidFormat),
        (Some("due parole"), 1, "printer", Code::InvalidFormat),
        (Some("a#b"), 1, "printer", Code::InvalidFormat),
    ] {
        let bad = PrintPreferences {
            printer: printer.map(Into::into),
            copies,
        };
        let e = set_print_preferences(&s, &bad).unwrap_err();
        assert_eq!(
            (e.field(), e.code()),
            (Some(field), code),
            "{printer:?} {copies}"
        );
    }
    assert_eq!(
        print_preferences(&s).unwrap(),
        saved,
        "a refused choice changes nothing"
    );
    // An empty printer is the system's default.
    let default = PrintPreferences {
        printer: Some("  ".into()),
        copies: 1,
    };
    assert_eq!(set_print_preferences(&s, &default).unwrap().printer, None);
}
