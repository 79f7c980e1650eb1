//! Entitlement check, before work starts: is the client entitled to the channel the request came
//! through and to the service asked for, under its class and its valid contracts? Flags, never
//! blocks: the technician sees them on the ticket and decides (a quote, billable extra).
//!
//! Channels and services are the union of the client's class and its contracts valid on the day
//! the problem was reported. When neither the class nor any contract lists channels (a shop that
//! does not use the matrix) the channel is not checked; the same for services.

use serde::Serialize;
use ts_rs::TS;

use crate::classes;
use crate::contracts;
use crate::contracts::governing::applies;
use crate::error::Result;
use crate::macros::string_enum;
use crate::store::Store;
use crate::tickets::Ticket;

string_enum! {
    EntitlementIssue, field = "entitlement" {
        /// No contract of any kind is valid on the day: time and materials, tell the client.
        NoValidContract => "no_valid_contract",
        /// The request came through a channel the class and contracts do not include.
        ChannelNotEntitled => "channel_not_entitled",
        /// The service asked for is not included: a quote is required.
        ServiceNotEntitled => "service_not_entitled",
        /// Marked out of scope by the technician: a quote is required.
        OutOfScope => "out_of_scope",
        /// Priority given to a non-urgent request on the client's demand: billable extra.
        PriorityOnDemand => "priority_on_demand",
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Entitlement {
    /// No issue at all.
    pub ok: bool,
    pub issues: Vec<EntitlementIssue>,
    pub quote_required: bool,
    pub billable_extra: bool,
    /// What the client is entitled to (empty and unchecked when nothing defines it).
    pub channels: Vec<String>,
    pub services: Vec<String>,
    pub class_name: Option<String>,
}

pub fn for_ticket(store: &Store, ticket: &Ticket) -> Result<Entitlement> {
    let conn = store.conn();
    let class_code: String = conn
        .prepare_cached("SELECT customer_class FROM clients WHERE id = ?1")?
        .query_row([ticket.client_id], |r| r.get(0))?;
    let class = classes::find_in(conn, &class_code)?.filter(|c| !c.archived);
    let day = crate::sla::reported_on(ticket, store.tz());
    let valid: Vec<_> = contracts::for_client_in(conn, ticket.client_id)?
        .into_iter()
        .filter(|c| applies(c, &class_code, day))
        .collect();
    let mut channels: Vec<String> = class
        .as_ref()
        .map(|c| c.channels.clone())
        .unwrap_or_default();
    let mut services: Vec<String> = class
        .as_ref()
        .map(|c| c.services.clone())
        .unwrap_or_default();
    for c in &valid {
        channels.extend(c.terms.channels.iter().cloned());
        services.extend(c.terms.services.iter().cloned());
    }
    channels.sort();
    channels.dedup();
    services.sort();
    services.dedup();
    let mut issues = Vec::new();
    if valid.is_empty() {
        issues.push(EntitlementIssue::NoValidContract);
    }
    if !channels.is_empty() && !channels.iter().any(|c| c == ticket.origin.as_str()) {
        issues.push(EntitlementIssue::ChannelNotEntitled);
    }
    if let Some(s) = &ticket.service {
        if !services.is_empty() && !services.contains(s) || services.is_empty() && class.is_some() {
            issues.push(EntitlementIssue::ServiceNotEntitled);
        }
    }
    if ticket.out_of_scope {
        issues.push(EntitlementIssue::OutOfScope);
    }
    let billable_extra = ticket.priority_requested && !ticket.urgent;
    if billable_extra {
        issues.push(EntitlementIssue::PriorityOnDemand);
    }
    Ok(Entitlement {
        ok: issues.is_empty(),
        quote_required: issues.iter().any(|i| {
            matches!(
                i,
                EntitlementIssue::ServiceNotEntitled | EntitlementIssue::OutOfScope
            )
        }),
        billable_extra,
        issues,
        channels,
        services,
        class_name: class.map(|c| c.name),
    })
}
