//! # rapportino-core
//!
//! The whole domain of Rapportino as a plain library: no Tauri, no HTTP. The desktop app, the CLI
//! and (later) the sync hub are thin front ends over these functions.
//!
//! Layout — in layers, bottom to top; a module imports only from its layer or below, and no
//! import circle exists (`tests/layers.rs` checks both; the table is in ARCHITECTURE.md):
//! - foundation: [`error`] (one error type, stable codes), [`ids`], [`time`], [`paging`],
//!   [`validate`] (text limits, e-mail, Partita IVA, Codice Fiscale), [`address`], [`format`],
//!   [`vat`] (IVA per rate and totals), [`csvfile`] (the CSV reader and writer);
//! - [`store`]: the SQLite database, migrations, the one write path ([`store::WriteTx`]) that
//!   appends every change to the change log in the same transaction, settings, archiving;
//! - entities, one noun each: [`technicians`], [`setup`], [`clients`], [`sites`], [`contacts`],
//!   [`classes`], [`calendars`], [`contracts`], [`tickets`], [`interventions`], [`catalogue`];
//! - rules derived on read: [`sla`], [`ledger`], [`entitlement`];
//! - services: [`sync`] (with the hub), [`backup`], [`diagnostics`] ("Copia diagnostica", log
//!   redaction), [`import`] (CSV import of clients, sites, contacts);
//! - read models and documents: [`views`] (client page, ticket page, urgency list, dashboard,
//!   statements), [`search`] (FTS5), [`reports`], [`quotes`] (preventivi), [`documents`] (where
//!   the written files go), [`export`] (CSV exports).
//!
//! How to add a use case: write a function `verb(store: &mut Store, input: &Input) -> Result<Out>`
//! in the noun's module; validate first, then do every write inside one `store.write(|tx| …)`.
//! Then expose it as a Tauri command (`src-tauri/src/commands/`) and a CLI subcommand.

pub mod address;
pub mod backup;
pub mod bindings;
pub mod calendars;
pub mod catalogue;
pub mod classes;
pub mod clients;
pub mod contacts;
pub mod contracts;
pub mod csvfile;
pub mod diagnostics;
pub mod documents;
pub mod entitlement;
pub mod error;
pub mod export;
pub mod format;
pub use rapportino_model::hlc;
pub use rapportino_model::labels;
pub use rapportino_model::owner_only;
pub mod ids;
pub mod import;
pub mod intake;
pub mod interventions;
pub mod ledger;
mod macros;
pub mod outbox;
pub mod paging;
pub mod paths;
pub mod quotes;
pub mod reports;
pub mod search;
pub mod sending;
pub mod setup;
pub mod sites;
pub mod sla;
pub mod store;
pub mod sync;
pub mod technicians;
pub mod tickets;
pub mod time;
pub mod validate;
pub mod vat;
pub mod views;

pub use error::{Code, Error, ErrorPayload, Result};
pub use paging::{Page, PageRequest};
pub use store::Store;
