//! # rapportino-model
//!
//! What a device and the office hub must agree on, with no database connection and no HTTP:
//! - [`entity`]: the kinds of synced record and their tables;
//! - [`schema`]: every synced entity's columns — type, required on insert, vocabulary, size —
//!   and [`validate`], the one validator of a pushed mutation (the hub runs it before anything
//!   enters its log; core's tests check the schema against the SQLite tables);
//! - [`vocab`]: the stored vocabularies (ticket status and its state machine, severity, origin,
//!   intervention mode and outcome, time entry kind, report status, contract kind, package mode);
//! - [`labels`]: the words for those vocabularies and the month names, once per language (the
//!   reports, the CLI, the tray and the UI's generated table read them);
//! - [`protocol`]: the wire types; [`merge`]: the merge rules; [`hlc`]: the hybrid logical clock;
//! - [`numbers`]: human numbers (`T-2026-MR-0017`), parsed and checked;
//! - [`owner_only`]: creating files `0600` and folders `0700` (databases, backups, PDFs);
//! - [`pin`]: extra-time PIN verification (argon2id); [`reads`]: what each role may read.
//!
//! Nothing here imports the device core or the hub: both depend on this crate.

mod macros;

pub mod entity;
pub mod hlc;
pub mod labels;
pub mod merge;
pub mod numbers;
pub mod owner_only;
pub mod pin;
pub mod protocol;
pub mod reads;
pub mod schema;
pub mod status;
pub mod templates;
pub mod validate;
pub mod vocab;

pub use entity::Entity;

/// The database schema version this source describes (core's migration count; core's tests
/// check the two agree). The protocol's `schema_version` is this number.
pub const SCHEMA_VERSION: i64 = 21;

/// A text that is not one of a vocabulary's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The input field (`origin`, `status`...).
    pub field: &'static str,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ParseError {}
