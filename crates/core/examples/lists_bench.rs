//! Times every list, search and detail call the app makes at start and while browsing, on a
//! database given on the command line (issue 5: each must answer under 100 ms on the 1M demo).
//!
//! `cargo run -p rapportino-core --example lists_bench -- PATH.db`
//! Opening the database migrates it: run it on a copy, never on a shared file.

use std::time::Instant;

use rapportino_core::clients::{self, ClientFilter};
use rapportino_core::interventions::{self, InterventionFilter};
use rapportino_core::reports::{self, ReportFilter};
use rapportino_core::search::{self, SearchRequest};
use rapportino_core::sla;
use rapportino_core::store::Store;
use rapportino_core::tickets::{self, TicketFilter};
use rapportino_core::views;
use rapportino_core::{
    calendars, classes, contracts, ledger, setup, technicians, views::dashboard, PageRequest,
};

const ROUNDS: usize = 5;

/// Runs `f` once to warm up, then ROUNDS times; prints the median and the slowest, in ms.
fn time<T>(
    name: &str,
    mut f: impl FnMut() -> rapportino_core::Result<T>,
) -> rapportino_core::Result<T> {
    let first = Instant::now();
    let mut out = f()?;
    let cold = first.elapsed().as_secs_f64() * 1000.0;
    let mut ms = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let start = Instant::now();
        out = f()?;
        ms.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    let flag = if ms[ROUNDS - 1] >= 100.0 {
        "  ← SLOW"
    } else {
        ""
    };
    println!(
        "| {name} | {cold:.1} | {:.1} | {:.1} |{flag}",
        ms[ROUNDS / 2],
        ms[ROUNDS - 1]
    );
    Ok(out)
}

fn main() -> rapportino_core::Result<()> {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: lists_bench PATH.db");
        std::process::exit(2);
    };
    let opened = Instant::now();
    let store = Store::open(&path)?;
    println!(
        "open + migrate: {:.0} ms",
        opened.elapsed().as_secs_f64() * 1000.0
    );
    println!("| call | first (ms) | median (ms) | slowest (ms) |\n|---|---|---|---|");
    let s = &store;
    let page = |limit: u32, offset: u32| PageRequest::new(limit, offset);

    // At start: the shell and the dashboard.
    time("setup_status", || setup::status(s))?;
    time("running_timer", || interventions::running_timer(s, None))?;
    time("dashboard", || dashboard::overview(s, None))?;
    time("dashboard_balances", || dashboard::balance_alerts(s, None))?;
    time("list_technicians", || technicians::list(s))?;
    time("list_calendars", || calendars::list(s))?;
    time("list_customer_classes", || classes::list(s))?;

    // Tickets: open, all, by SLA; first page, page 11, page 101.
    let open = TicketFilter {
        open_only: Some(true),
        ..Default::default()
    };
    let all = TicketFilter::default();
    let first = time("list_tickets open p1", || {
        tickets::list(s, &open, &page(25, 0))
    })?;
    time("list_tickets open p11", || {
        tickets::list(s, &open, &page(25, 250))
    })?;
    time("list_tickets open p101", || {
        tickets::list(s, &open, &page(25, 2500))
    })?;
    time("list_tickets all p1", || {
        tickets::list(s, &all, &page(25, 0))
    })?;
    time("list_tickets all p11", || {
        tickets::list(s, &all, &page(25, 250))
    })?;
    time("list_tickets all p1001", || {
        tickets::list(s, &all, &page(25, 25_000))
    })?;
    time("urgency_list p1", || {
        views::urgency_list(s, &open, &page(25, 0))
    })?;
    time("urgency_list p11", || {
        views::urgency_list(s, &open, &page(25, 250))
    })?;

    // Clients: first page, page 41, a name filter.
    let no_name = ClientFilter::default();
    let clients_p1 = time("list_clients p1", || {
        clients::list(s, &no_name, &page(25, 0))
    })?;
    time("list_clients p41", || {
        clients::list(s, &no_name, &page(25, 1000))
    })?;
    let ross = ClientFilter {
        name: Some("ross".into()),
        ..Default::default()
    };
    time("list_clients name=ross", || {
        clients::list(s, &ross, &page(25, 0))
    })?;

    // Reports: first page, page 11, a text filter.
    let none = ReportFilter::default();
    time("list_reports p1", || reports::list(s, &none, &page(25, 0)))?;
    time("list_reports p11", || {
        reports::list(s, &none, &page(25, 250))
    })?;
    let q = ReportFilter {
        query: Some("ross".into()),
        ..Default::default()
    };
    time("list_reports query=ross", || {
        reports::list(s, &q, &page(25, 0))
    })?;

    // Search as typed in the top bar and the client picker.
    for query in ["firewall", "ross", "stampante rete"] {
        let req = SearchRequest {
            query: query.into(),
            kinds: None,
        };
        time(&format!("search {query:?}"), || {
            search::search(s, &req, &page(8, 0))
        })?;
    }

    // Opening things: the busiest client of the first page, a ticket, an intervention.
    if let Some(client) = clients_p1.items.first() {
        let id = client.id;
        time("client_overview", || views::client_overview(s, id))?;
        time("client_contracts", || contracts::for_client(s, id))?;
        time("client_balances", || ledger::client_balances(s, id, None))?;
        let of_client = TicketFilter {
            client_id: Some(id),
            ..Default::default()
        };
        time("list_tickets client p1", || {
            tickets::list(s, &of_client, &page(25, 0))
        })?;
    }
    if let Some(ticket) = first.items.first() {
        let id = ticket.id;
        time("ticket_detail", || views::ticket_detail(s, id))?;
        time("ticket_sla", || sla::for_ticket(s, id))?;
    }
    let recent = time("interventions list p1", || {
        interventions::list(s, &InterventionFilter::default(), &page(25, 0))
    })?;
    if let Some(i) = recent.items.first() {
        let id = i.id;
        time("intervention_detail", || interventions::detail(s, id))?;
        time("intervention_allocation", || {
            ledger::intervention_allocation(s, id)
        })?;
    }
    Ok(())
}
