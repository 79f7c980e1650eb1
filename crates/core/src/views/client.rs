//! The client page: the client, its sites and contacts, open tickets, the last interventions.

use serde::Serialize;
use ts_rs::TS;

use crate::clients::{self, Client};
use crate::contacts::{self, Contact};
use crate::error::Result;
use crate::ids::ClientId;
use crate::interventions::{self, InterventionFilter, InterventionSummary};
use crate::paging::PageRequest;
use crate::sites::{self, Site};
use crate::store::Store;
use crate::tickets::{self, TicketFilter, TicketSummary};

/// Everything the client page shows on opening.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ClientOverview {
    pub client: Client,
    pub sites: Vec<Site>,
    pub contacts: Vec<Contact>,
    pub open_tickets: Vec<TicketSummary>,
    pub recent_interventions: Vec<InterventionSummary>,
}

/// The client page: the client, its sites and contacts, open tickets, the last 20 interventions.
pub fn client_overview(store: &Store, id: ClientId) -> Result<ClientOverview> {
    let client = clients::get(store, id)?;
    let open_tickets = tickets::list(
        store,
        &TicketFilter {
            client_id: Some(id),
            open_only: Some(true),
            ..Default::default()
        },
        &PageRequest::new(100, 0),
    )?
    .items;
    let recent_interventions = interventions::list(
        store,
        &InterventionFilter {
            client_id: Some(id),
            ..Default::default()
        },
        &PageRequest::new(20, 0),
    )?
    .items;
    Ok(ClientOverview {
        client,
        sites: sites::list_for_client(store, id)?,
        contacts: contacts::list_for_client(store, id)?,
        open_tickets,
        recent_interventions,
    })
}
