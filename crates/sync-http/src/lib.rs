//! The hub client over HTTPS: core's sync ([`rapportino_core::sync`]) speaks to the hub through
//! the [`HubClient`] trait and carries no HTTP or TLS crate; this crate is that client (ureq over
//! rustls, a pinned self-signed certificate or the system's trust store), for the app and the
//! CLI.
//!
//! The functions here are core's that need a hub, with this client supplied: the same names and
//! arguments as in core, less the client (`rapportino_core::sync::enrol(store, &client, …)` is
//! [`enrol`]`(store, …)`).

mod tls;
mod transport;

use rapportino_core::error::Result;
use rapportino_core::ids::TicketId;
use rapportino_core::store::Store;
use rapportino_core::sync::join::{JoinHubInput, Joined};
use rapportino_core::sync::protocol::{EnrolRequest, EnrolResponse};
use rapportino_core::sync::schedule::SyncDone;
use rapportino_core::sync::{self, HubClient, HubConnection, SyncReport, SyncStatus};
use rapportino_core::tickets::{NewTicket, Ticket};

pub use transport::HttpTransport;

/// The hub client over HTTPS (a [`HubClient`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct HttpClient;

impl HubClient for HttpClient {
    fn enrol(
        &self,
        hub_url: &str,
        ca_pem: Option<&str>,
        req: &EnrolRequest,
    ) -> Result<EnrolResponse> {
        transport::enrol(hub_url, ca_pem, req)
    }

    fn connect(
        &self,
        hub_url: &str,
        token: &str,
        ca_pem: Option<&str>,
    ) -> Result<Box<dyn HubConnection>> {
        Ok(Box::new(HttpTransport::new(hub_url, token, ca_pem)?))
    }
}

/// [`sync::enrol`] over HTTPS.
pub fn enrol(
    store: &mut Store,
    hub_url: &str,
    code: &str,
    device_name: &str,
    ca_pem: Option<&str>,
) -> Result<SyncStatus> {
    sync::enrol(store, &HttpClient, hub_url, code, device_name, ca_pem)
}

/// [`sync::sync_now`] over HTTPS.
pub fn sync_now(store: &mut Store) -> Result<SyncReport> {
    sync::sync_now(store, &HttpClient)
}

/// [`sync::schedule::sync_and_status`] over HTTPS.
pub fn sync_and_status(store: &mut Store) -> Result<SyncDone> {
    sync::schedule::sync_and_status(store, &HttpClient)
}

/// [`sync::join::join_hub`] over HTTPS.
pub fn join_hub(store: &mut Store, input: &JoinHubInput) -> Result<Joined> {
    sync::join::join_hub(store, &HttpClient, input)
}

/// [`sync::extra_time::claim_extra_time`] over HTTPS.
pub fn claim_extra_time(store: &mut Store, id: TicketId, pin_given: &str) -> Result<Ticket> {
    sync::extra_time::claim_extra_time(store, &HttpClient, id, pin_given)
}

/// [`sync::extra_time::open_ticket`] over HTTPS.
pub fn open_ticket(store: &mut Store, input: &NewTicket) -> Result<Ticket> {
    sync::extra_time::open_ticket(store, &HttpClient, input)
}

/// [`rapportino_core::intake::content_anywhere`] over HTTPS.
pub fn content_anywhere(store: &Store, sha256: &str) -> Result<Vec<u8>> {
    rapportino_core::intake::content_anywhere(store, &HttpClient, sha256)
}
