//! The dashboard: my open tickets (not a colleague's), today's work in the shop's time zone,
//! balances running low or expiring soon, the timer.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{Duration, NaiveDate};
use common::*;
use rapportino_core::clients::Client;
use rapportino_core::contracts::{self, ContractInput, ContractKind, PackageMode};
use rapportino_core::interventions::{self, InterventionMode};
use rapportino_core::technicians::{self, TechnicianInput};
use rapportino_core::tickets;
use rapportino_core::views::dashboard;
use rapportino_core::Store;

fn package(s: &mut Store, c: &Client, hours: i64, ends_on: Option<&str>) {
    contracts::create(
        s,
        &ContractInput {
            client_id: c.id,
            kind: ContractKind::HourPackage,
            name: Some(format!("Pacchetto {hours} ore")),
            starts_on: "2026-11-01".into(),
            ends_on: ends_on.map(Into::into),
            included_minutes: Some(hours * 60),
            package_mode: Some(PackageMode::Any),
            ..Default::default()
        },
    )
    .unwrap();
}

#[test]
fn an_empty_day() {
    let (s, _) = store();
    let d = dashboard::overview(&s, None).unwrap();
    assert_eq!(d.today, "2026-11-16");
    assert!(d.running.is_none() && d.paused.is_none());
    assert!(d.my_tickets.is_empty() && d.today_interventions.is_empty());
    assert!(dashboard::balance_alerts(&s, None).unwrap().is_empty());
    assert_eq!((d.my_tickets_total, d.breached), (0, 0));
    assert!(!d.sync.configured);
}

#[test]
fn my_tickets_todays_work_and_balances_to_watch() {
    let (mut s, clock) = store();
    let colleague = technicians::create(
        &mut s,
        &TechnicianInput {
            code: "LB".into(),
            name: "Luca Bassi".into(),
            email: None,
            phone: None,
        },
    )
    .unwrap();
    let a = client(&mut s, "Farmacia Centrale");
    package(&mut s, &a, 2, None);
    let b = client(&mut s, "Studio Neri");
    package(&mut s, &b, 40, Some("2026-11-26"));
    let c = client(&mut s, "Bar Sport");

    // Yesterday: an intervention started and stopped (not today's work).
    clock.advance(Duration::days(-1));
    let old_ticket = ticket(&mut s, &c, "Cassa lenta");
    let old = intervention(&mut s, old_ticket, InterventionMode::Remote);
    interventions::start(&mut s, old.id).unwrap();
    clock.advance(Duration::minutes(20));
    interventions::stop(&mut s, old.id).unwrap();
    clock.advance(Duration::days(1) - Duration::minutes(20));

    // Today: 1 h 45 min on the 2-hour package; a running timer elsewhere.
    let mine = ticket(&mut s, &a, "Stampante");
    let today = intervention(&mut s, mine, InterventionMode::OnSite);
    interventions::start(&mut s, today.id).unwrap();
    clock.advance(Duration::minutes(105));
    interventions::stop(&mut s, today.id).unwrap();
    let running_ticket = ticket(&mut s, &b, "Rete");
    let running = intervention(&mut s, running_ticket, InterventionMode::Remote);
    interventions::start(&mut s, running.id).unwrap();
    clock.advance(Duration::minutes(3));

    // A colleague's ticket is not mine.
    let mut theirs = new_ticket(&c, "Server del collega");
    theirs.assigned_technician_id = Some(colleague.id);
    let theirs = tickets::open(&mut s, &theirs).unwrap().id;

    let d = dashboard::overview(&s, None).unwrap();
    assert_eq!(d.running.as_ref().unwrap().intervention_id, running.id);
    assert!(d.paused.is_none(), "a running timer hides the paused one");
    let ids: Vec<_> = d.my_tickets.iter().map(|u| u.ticket.id).collect();
    assert!(
        ids.contains(&running_ticket) && !ids.contains(&theirs),
        "{ids:?}"
    );
    assert!(!ids.contains(&mine) || d.my_tickets_total >= 2);
    let today_ids: Vec<_> = d.today_interventions.iter().map(|i| i.id).collect();
    assert!(today_ids.contains(&today.id) && today_ids.contains(&running.id));
    assert!(
        !today_ids.contains(&old.id),
        "yesterday's work is not today's"
    );

    let alerts = dashboard::balance_alerts(&s, None).unwrap();
    let alert = |client: &Client| {
        alerts
            .iter()
            .find(|x| x.client_id == client.id)
            .unwrap_or_else(|| panic!("no alert for {}: {:?}", client.name, alerts))
    };
    let low = alert(&a);
    assert!(low.low && !low.expiring, "{low:?}");
    assert_eq!(low.balance.remaining_minutes, Some(15));
    let soon = alert(&b);
    assert!(soon.expiring && !soon.low, "{soon:?}");
    assert_eq!(soon.balance.days_to_expiry, 10);
    assert_eq!(alerts[0].client_id, a.id, "nearly used up comes first");
    assert!(alerts.iter().all(|x| x.client_id != c.id));
}

#[test]
fn today_is_the_shops_day_in_rome() {
    let (mut s, clock) = store();
    let c = client(&mut s, "Ottica Bianchi");
    let t = ticket(&mut s, &c, "PC");
    // 23:30 in Rome on 16 Nov is 22:30 UTC: still the 16th there.
    clock.set(
        NaiveDate::from_ymd_opt(2026, 11, 16)
            .unwrap()
            .and_hms_opt(22, 30, 0)
            .unwrap()
            .and_utc(),
    );
    let late = intervention(&mut s, t, InterventionMode::Remote);
    // 00:30 in Rome on the 17th.
    clock.advance(Duration::hours(1));
    let d = dashboard::overview(&s, None).unwrap();
    assert_eq!(d.today, "2026-11-17");
    assert!(d.today_interventions.iter().all(|i| i.id != late.id));
    clock.advance(Duration::hours(-1));
    let d = dashboard::overview(&s, None).unwrap();
    assert_eq!(d.today, "2026-11-16");
    assert!(d.today_interventions.iter().any(|i| i.id == late.id));
}

#[test]
fn thresholds() {
    let (mut s, _) = store();
    let c = client(&mut s, "Soglie Srl");
    package(&mut s, &c, 20, None);
    let b = rapportino_core::ledger::client_balances(&s, c.id, None)
        .unwrap()
        .balances
        .remove(0);
    let with = |included: i64, left: i64| {
        let mut x = b.clone();
        x.included_minutes = Some(included);
        x.remaining_minutes = Some(left);
        dashboard::is_low(&x)
    };
    // 20% of 20 h is 4 h; of 5 h it is 1 h, but never under 2 h.
    assert!(with(1200, 239) && !with(1200, 240));
    assert!(with(300, 119) && !with(300, 120));
    let mut x = b.clone();
    x.days_to_expiry = 30;
    assert!(dashboard::is_expiring(&x));
    x.days_to_expiry = 31;
    assert!(!dashboard::is_expiring(&x));
    x.days_to_expiry = -1;
    assert!(!dashboard::is_expiring(&x));
}
