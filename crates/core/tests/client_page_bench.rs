//! Timing of the client list and page on a big database (ignored; run by hand):
//! `RAPPORTINO_BENCH_DB=/work/scratch/clients.db cargo test -p rapportino-core --test
//! client_page_bench -- --ignored --nocapture`. Opening migrates the file: use a copy.
#![allow(clippy::unwrap_used)]

use std::time::Instant;

use rapportino_core::clients::{self, ClientFilter};
use rapportino_core::ids::ClientId;
use rapportino_core::interventions::{self, InterventionFilter};
use rapportino_core::reports::{self, ReportFilter};
use rapportino_core::tickets::{self, TicketFilter};
use rapportino_core::views;
use rapportino_core::{ledger, PageRequest, Store};

fn ms<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let v = f();
    (v, t.elapsed().as_secs_f64() * 1000.0)
}

fn summary(name: &str, mut v: Vec<f64>) {
    v.sort_by(f64::total_cmp);
    let p = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name:32} n={:4} p50 {:8.2} ms  p95 {:8.2} ms  max {:8.2} ms",
        v.len(),
        p(0.5),
        p(0.95),
        p(1.0)
    );
}

#[test]
#[ignore]
fn client_list_and_page_on_a_big_database() {
    let Ok(path) = std::env::var("RAPPORTINO_BENCH_DB") else {
        return;
    };
    let s = Store::open(path).unwrap();
    let mut list = Vec::new();
    for q in [
        "",
        "a",
        "ro",
        "ros",
        "rossi",
        "srl",
        "zzzz",
        "panificio",
        "studio b",
    ] {
        for offset in [0, 25, 4975] {
            let (_, t) = ms(|| {
                clients::list(
                    &s,
                    &ClientFilter {
                        name: Some(q.into()),
                        include_archived: Some(true),
                    },
                    &PageRequest::new(25, offset),
                )
                .unwrap()
            });
            list.push(t);
        }
    }
    summary("client list (search as typed)", list);
    // Fifty clients spread over the file, and the ten with the most tickets.
    let conn = s.conn();
    let mut ids: Vec<ClientId> = conn
        .prepare("SELECT id FROM clients ORDER BY rid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
        .into_iter()
        .step_by(100)
        .collect();
    println!("clients: {}", ids.len() * 100);
    ids.extend(
        conn.prepare(
            "SELECT client_id FROM tickets GROUP BY client_id ORDER BY count(*) DESC LIMIT 10",
        )
        .unwrap()
        .query_map([], |r| r.get::<_, ClientId>(0))
        .unwrap()
        .map(Result::unwrap),
    );
    let (mut hours, mut open, mut closed, mut work, mut reps, mut ov) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    let page = PageRequest::new(10, 0);
    for &id in &ids {
        ov.push(ms(|| views::client_overview(&s, id).unwrap()).1);
        hours.push(ms(|| ledger::client_monthly_hours(&s, id, None).unwrap()).1);
        let f = |open_only, closed_only| TicketFilter {
            client_id: Some(id),
            open_only,
            closed_only,
            ..Default::default()
        };
        open.push(ms(|| tickets::list(&s, &f(Some(true), None), &page).unwrap()).1);
        closed.push(ms(|| tickets::list(&s, &f(None, Some(true)), &page).unwrap()).1);
        let wf = InterventionFilter {
            client_id: Some(id),
            ..Default::default()
        };
        work.push(ms(|| interventions::list(&s, &wf, &page).unwrap()).1);
        let rf = ReportFilter {
            client_id: Some(id),
            ..Default::default()
        };
        reps.push(ms(|| reports::list(&s, &rf, &page).unwrap()).1);
    }
    summary("client overview", ov);
    summary("hours chart (12 months)", hours);
    summary("open tickets page", open);
    summary("closed tickets page", closed);
    summary("interventions page", work);
    summary("reports page", reps);
}
