//! rapportino-hub: the office hub devices sync with (see `rapportino_model::protocol` for
//! the wire protocol and ../../ARCHITECTURE.md, "Sync").
//!
//! - [`storage`]: one SQLite file (default) or PostgreSQL, behind [`storage::Storage`];
//! - [`auth`]: enrolment codes, device tokens, authentication;
//! - [`server`]: the HTTPS server (axum + rustls), logs, graceful shutdown, request limits;
//! - [`transport`]: connection limits (slots, silent and stalled connections);
//! - [`engine`]: push, pull and snapshot; [`extra_time`] and [`grant`]: extra-time PINs checked
//!   for technician devices;
//! - [`intake`]: mail, webhook and web-form requests turned into tickets;
//! - [`release`]: the app releases offered to the devices' updater (`release add`);
//! - [`web`]: the public pages (the request form), on the same listener;
//! - [`cli`]: the `rapportino-hub` command.

pub mod auth;
pub mod cli;
pub mod config_file;
pub mod engine;
pub mod error;
pub mod extra_time;
pub mod grant;
pub mod init;
pub mod intake;
pub mod log_text;
pub mod logs;
pub mod mail;
pub mod release;
pub mod routes;
pub mod server;
pub mod storage;
pub mod term_output;
pub mod transport;
pub mod web;

pub use auth::AuthedDevice;
pub use error::HubError;
pub use server::{serve, start, RunningHub, ServerConfig, TlsFiles};
pub use storage::Storage;
