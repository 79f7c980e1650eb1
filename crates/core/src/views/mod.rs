//! Read models for screens, at the top of core's layers: each assembles what one screen (or
//! document) shows from the entities and rules below it, and owns no rule of its own.
//!
//! - [`client`]: the client page; [`ticket`]: the ticket page; [`urgency`]: the urgency list;
//! - [`dashboard`]: the home screen; [`statements`]: the monthly statement's data;
//! - [`billing`]: the month's billable lines (from the statement's replay), [`billing_csv`]:
//!   their CSV for the accountant;
//! - [`notices`]: the desktop notifications due now, each once.

pub mod billing;
pub mod billing_csv;
pub mod client;
pub mod dashboard;
pub mod notices;
pub mod statements;
pub mod ticket;
pub mod urgency;

pub use client::{client_overview, ClientOverview};
pub use ticket::{ticket_detail, TicketDetail};
pub use urgency::{open_tickets_with_sla, urgency_list, UrgentTicket};
