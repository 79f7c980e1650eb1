//! The one error type of the core, with stable codes.
//!
//! Every front end (app, CLI, hub) shows `code` + `message`; the UI translates the code into an
//! Italian sentence and keeps the code visible for support. Codes are part of the public contract:
//! never rename one, only add.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A stable, machine-readable error code. Serialised as `SCREAMING_SNAKE_CASE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    /// A required field is empty.
    Required,
    /// A text is longer than its limit.
    TooLong,
    /// A value has the wrong shape (e-mail, code, number out of range...).
    InvalidFormat,
    /// Partita IVA fails its format or check digit.
    InvalidVatNumber,
    /// Codice Fiscale fails its format or check character.
    InvalidFiscalCode,
    /// The referenced record does not exist.
    NotFound,
    /// A value that must be unique is already taken (technician code, device code...).
    AlreadyExists,
    /// The ticket status cannot move from its current state to the requested one.
    IllegalTransition,
    /// The technician already has a running timer.
    TimerAlreadyRunning,
    /// The timer is not in a state that allows the action (not running, not paused...).
    TimerState,
    /// Two records that must agree do not (a site of another client, a ticket that is closed...).
    Inconsistent,
    /// The app has not been set up yet (no shop, no technician, no device code).
    NotOnboarded,
    /// The database file is not a Rapportino database.
    DatabaseNotOurs,
    /// The database was written by a newer Rapportino: upgrade the app.
    DatabaseTooNew,
    /// A coverage calendar has two windows that overlap on the same day.
    CalendarOverlap,
    /// A coverage calendar has no window at all (it would never open).
    CalendarEmpty,
    /// A number outside its allowed range (negative hours, a multiplier below 100%...).
    OutOfRange,
    /// A period that ends before it starts.
    InvalidPeriod,
    /// The extra-time PIN does not match the contract's.
    WrongPin,
    /// Too many wrong extra-time PINs for this ticket or client: wait before trying again.
    PinLocked,
    /// The contract does not allow extra time (or there is no contract to allow it).
    ExtraTimeNotAllowed,
    /// On a technician's device the hub checks the extra-time PIN (the device does not hold
    /// it), and the hub cannot be reached now.
    PinNeedsHub,
    /// The contract or package had expired (or not yet started) at the date concerned.
    ContractExpired,
    /// The contract cannot pay for this (another client, another kind of work, no hours).
    ContractNotApplicable,
    /// A file offered as a backup is not a sound Rapportino database.
    BackupInvalid,
    /// The report is signed: it can never change (make an amendment instead).
    ReportSigned,
    /// The report was already signed.
    ReportAlreadySigned,
    /// The report is still a draft: only a signed report goes to the customer.
    ReportNotSigned,
    /// A signature with no ink (no strokes, or only dots).
    SignatureEmpty,
    /// A signature that is malformed (coordinates outside its box, too many points...).
    SignatureInvalid,
    /// The intervention still has a running or paused timer: stop it before the report.
    TimerRunning,
    /// The logo is not a PNG or JPEG image, or cannot be decoded.
    LogoInvalid,
    /// The logo file or its pixel size is over the limit.
    LogoTooLarge,
    /// The output file or folder cannot be written (missing folder, no permission, full disk).
    OutputUnwritable,
    /// The stored snapshot of a signed report no longer matches its hash.
    HashMismatch,
    /// The PDF engine failed on a document (a bug: report it).
    RenderFailed,
    /// The printing system is missing or refused the document.
    PrintFailed,
    /// Sync was asked for but this device is not connected to a hub.
    SyncNotConfigured,
    /// The hub cannot be reached (no network, wrong address, TLS refused).
    HubUnreachable,
    /// The hub refused the enrolment code (unknown, used, expired) or the device.
    EnrolmentRefused,
    /// The hub refused the enrolment: another device of the shop already uses this device code
    /// (joining from the hub tries MR2, MR3… by itself).
    DeviceCodeTaken,
    /// The hub refused the enrolment: another technician of the shop already has this
    /// technician code. Join the shop from the hub instead and pick that technician.
    TechnicianCodeTaken,
    /// The hub revoked this device's credential: enrol it again.
    DeviceRevoked,
    /// The hub needs a newer Rapportino on this device.
    UpgradeRequired,
    /// The hub answered something unexpected (a bug or a mismatched hub).
    HubError,
    /// The hub is busy (every connection or snapshot slot taken, its storage locked) and asked
    /// this device to come back later (`Retry-After`): the automatic sync waits at least that.
    HubBusy,
    /// Sync once before this (after restoring a backup, numbers wait for the hub).
    SyncRequired,
    /// This device issued the last ticket or report number of the year its numbers allow.
    NumberingExhausted,
    /// The conflict was already resolved.
    ConflictResolved,
    /// The hub address is not one this device may use (no user name in it, https:// except on
    /// this computer, no path).
    HubUrlInvalid,
    /// A sync with the hub is running on this database (a restore waits for it, then gives up).
    SyncRunning,
    /// A backup whose schema (tables, columns, indexes, triggers) is not the one of a Rapportino
    /// database of its version: altered, e.g. a signed report's protection dropped.
    BackupSchemaMismatch,
    /// The backup comes from another device and this one is enrolled with a hub: restoring it
    /// would make this computer pose as that device. Restore it as a new device instead.
    ForeignBackup,
    /// A report number that is not of the shape `RI-2026-MR-0001` (a damaged or hostile record):
    /// it is never used as a file name.
    ReportNumberInvalid,
    /// A path given to the app that the user did not pick in a dialog in this session and that
    /// is not in one of the app's own folders.
    PathNotAllowed,
    /// Something personal (a technician's own signature) is kept only with explicit consent.
    ConsentRequired,
    /// No mail account on this device (and something to send).
    MailNotConfigured,
    /// An e-mail address the mail parser refuses.
    MailAddressInvalid,
    /// A message over the size limit; nothing was sent.
    MailTooLarge,
    /// The mail server refused the credentials.
    MailAuthFailed,
    /// TLS to the mail server failed (certificate not trusted or for another name).
    MailTls,
    /// The mail server could not be reached or the connection broke.
    MailUnreachable,
    /// The mail server refused the message for good (5xx).
    MailRefused,
    /// The mail server refused the message for now (4xx).
    MailDeferred,
    /// The mail account's settings are unusable.
    MailConfigInvalid,
    /// The mail password is kept in the system keyring, which does not answer now (no D-Bus
    /// session, the keyring locked or stopped).
    MailSecretUnavailable,
    /// The quote is accepted or refused: it can never change (make a new quote instead).
    QuoteFinal,
    /// The quote is not in a state that allows this (accepting a draft, editing a sent one...).
    QuoteState,
    /// The quote's validity date has passed: it can no longer be accepted.
    QuoteExpired,
    /// Work on a ticket outside the contract with no accepted quote: the app warns before the
    /// timer starts, and starts it when the user confirms.
    QuoteRequired,
    /// A file offered as CSV cannot be read as one (empty, no header, broken quoting, too big),
    /// or its column mapping names a column the file does not have.
    CsvInvalid,
    /// A CSV import found rows it cannot take (each named with its line, field and code):
    /// nothing was written.
    ImportRowsInvalid,
    /// Any other storage failure.
    Database,
    /// A file could not be read or written.
    Io,
}

impl Code {
    /// The code as it appears on the wire and on the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Required => "REQUIRED",
            Code::TooLong => "TOO_LONG",
            Code::InvalidFormat => "INVALID_FORMAT",
            Code::InvalidVatNumber => "INVALID_VAT_NUMBER",
            Code::InvalidFiscalCode => "INVALID_FISCAL_CODE",
            Code::NotFound => "NOT_FOUND",
            Code::AlreadyExists => "ALREADY_EXISTS",
            Code::IllegalTransition => "ILLEGAL_TRANSITION",
            Code::TimerAlreadyRunning => "TIMER_ALREADY_RUNNING",
            Code::TimerState => "TIMER_STATE",
            Code::Inconsistent => "INCONSISTENT",
            Code::NotOnboarded => "NOT_ONBOARDED",
            Code::DatabaseNotOurs => "DATABASE_NOT_OURS",
            Code::DatabaseTooNew => "DATABASE_TOO_NEW",
            Code::BackupInvalid => "BACKUP_INVALID",
            Code::CalendarOverlap => "CALENDAR_OVERLAP",
            Code::CalendarEmpty => "CALENDAR_EMPTY",
            Code::OutOfRange => "OUT_OF_RANGE",
            Code::InvalidPeriod => "INVALID_PERIOD",
            Code::WrongPin => "WRONG_PIN",
            Code::PinLocked => "PIN_LOCKED",
            Code::ExtraTimeNotAllowed => "EXTRA_TIME_NOT_ALLOWED",
            Code::PinNeedsHub => "PIN_NEEDS_HUB",
            Code::ContractExpired => "CONTRACT_EXPIRED",
            Code::ContractNotApplicable => "CONTRACT_NOT_APPLICABLE",
            Code::ReportSigned => "REPORT_SIGNED",
            Code::ReportAlreadySigned => "REPORT_ALREADY_SIGNED",
            Code::ReportNotSigned => "REPORT_NOT_SIGNED",
            Code::SignatureEmpty => "SIGNATURE_EMPTY",
            Code::SignatureInvalid => "SIGNATURE_INVALID",
            Code::TimerRunning => "TIMER_RUNNING",
            Code::LogoInvalid => "LOGO_INVALID",
            Code::LogoTooLarge => "LOGO_TOO_LARGE",
            Code::OutputUnwritable => "OUTPUT_UNWRITABLE",
            Code::HashMismatch => "HASH_MISMATCH",
            Code::RenderFailed => "RENDER_FAILED",
            Code::PrintFailed => "PRINT_FAILED",
            Code::SyncNotConfigured => "SYNC_NOT_CONFIGURED",
            Code::HubUnreachable => "HUB_UNREACHABLE",
            Code::EnrolmentRefused => "ENROLMENT_REFUSED",
            Code::DeviceCodeTaken => "DEVICE_CODE_TAKEN",
            Code::TechnicianCodeTaken => "TECHNICIAN_CODE_TAKEN",
            Code::DeviceRevoked => "DEVICE_REVOKED",
            Code::UpgradeRequired => "UPGRADE_REQUIRED",
            Code::HubError => "HUB_ERROR",
            Code::HubBusy => "HUB_BUSY",
            Code::SyncRequired => "SYNC_REQUIRED",
            Code::NumberingExhausted => "NUMBERING_EXHAUSTED",
            Code::ConflictResolved => "CONFLICT_RESOLVED",
            Code::HubUrlInvalid => "HUB_URL_INVALID",
            Code::SyncRunning => "SYNC_RUNNING",
            Code::BackupSchemaMismatch => "BACKUP_SCHEMA_MISMATCH",
            Code::ForeignBackup => "FOREIGN_BACKUP",
            Code::ReportNumberInvalid => "REPORT_NUMBER_INVALID",
            Code::PathNotAllowed => "PATH_NOT_ALLOWED",
            Code::ConsentRequired => "CONSENT_REQUIRED",
            Code::MailNotConfigured => "MAIL_NOT_CONFIGURED",
            Code::MailAddressInvalid => "MAIL_ADDRESS_INVALID",
            Code::MailTooLarge => "MAIL_TOO_LARGE",
            Code::MailAuthFailed => "MAIL_AUTH_FAILED",
            Code::MailTls => "MAIL_TLS",
            Code::MailUnreachable => "MAIL_UNREACHABLE",
            Code::MailRefused => "MAIL_REFUSED",
            Code::MailDeferred => "MAIL_DEFERRED",
            Code::MailConfigInvalid => "MAIL_CONFIG_INVALID",
            Code::MailSecretUnavailable => "MAIL_SECRET_UNAVAILABLE",
            Code::QuoteFinal => "QUOTE_FINAL",
            Code::QuoteState => "QUOTE_STATE",
            Code::QuoteExpired => "QUOTE_EXPIRED",
            Code::QuoteRequired => "QUOTE_REQUIRED",
            Code::CsvInvalid => "CSV_INVALID",
            Code::ImportRowsInvalid => "IMPORT_ROWS_INVALID",
            Code::Database => "DATABASE",
            Code::Io => "IO",
        }
    }
}

/// The core's error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// User input was rejected; `field` names the input field (e.g. `vat_number`).
    #[error("{field}: {message}")]
    Invalid {
        code: Code,
        field: &'static str,
        message: String,
    },
    #[error("{entity} not found: {id}")]
    NotFound { entity: &'static str, id: String },
    #[error("{what} already exists: {value}")]
    AlreadyExists { what: &'static str, value: String },
    #[error("illegal status transition: {from} → {to}")]
    IllegalTransition { from: String, to: String },
    #[error("technician already has a running timer on intervention {intervention_id}")]
    TimerAlreadyRunning { intervention_id: String },
    #[error("{0}")]
    TimerState(String),
    #[error("{0}")]
    Inconsistent(String),
    #[error("Rapportino is not set up on this device yet (run onboarding)")]
    NotOnboarded,
    #[error("{0} is not a Rapportino database")]
    DatabaseNotOurs(String),
    #[error("the database has schema version {found}, this binary knows up to {supported}: upgrade Rapportino")]
    DatabaseTooNew { found: i64, supported: i64 },
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// The hub answered 503 (or 429) with `Retry-After`.
    #[error("{message} (the hub asks to wait {retry_after_secs} s)")]
    HubBusy {
        retry_after_secs: u64,
        message: String,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn code(&self) -> Code {
        match self {
            Error::Invalid { code, .. } => *code,
            Error::NotFound { .. } => Code::NotFound,
            Error::AlreadyExists { .. } => Code::AlreadyExists,
            Error::IllegalTransition { .. } => Code::IllegalTransition,
            Error::TimerAlreadyRunning { .. } => Code::TimerAlreadyRunning,
            Error::TimerState(_) => Code::TimerState,
            Error::Inconsistent(_) => Code::Inconsistent,
            Error::NotOnboarded => Code::NotOnboarded,
            Error::DatabaseNotOurs(_) => Code::DatabaseNotOurs,
            Error::DatabaseTooNew { .. } => Code::DatabaseTooNew,
            Error::Database(_) => Code::Database,
            Error::Io(_) => Code::Io,
            Error::HubBusy { .. } => Code::HubBusy,
        }
    }

    /// The input field the error concerns, when there is one (the UI shows the message beside it).
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    pub fn invalid(code: Code, field: &'static str, message: impl Into<String>) -> Self {
        Error::Invalid {
            code,
            field,
            message: message.into(),
        }
    }

    pub fn required(field: &'static str) -> Self {
        Error::invalid(Code::Required, field, "is required")
    }

    pub fn not_found(entity: &'static str, id: impl ToString) -> Self {
        Error::NotFound {
            entity,
            id: id.to_string(),
        }
    }

    /// The serialisable form sent to the UI and printed by the CLI's `--json`.
    pub fn to_payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code(),
            message: self.to_string(),
            field: self.field().map(str::to_owned),
        }
    }
}

/// `{code, message, field}`: what crosses the boundary to the UI and scripts.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ErrorPayload {
    pub code: Code,
    pub message: String,
    pub field: Option<String>,
}

/// A vocabulary text that is not one of its values (the model's parse error) is a format error
/// on its field.
impl From<rapportino_model::ParseError> for Error {
    fn from(e: rapportino_model::ParseError) -> Self {
        Error::invalid(Code::InvalidFormat, e.field, e.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_as_their_stable_strings() {
        for code in [
            Code::Required,
            Code::InvalidVatNumber,
            Code::TimerAlreadyRunning,
            Code::DatabaseTooNew,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn payload_carries_the_field() {
        let p = Error::required("name").to_payload();
        assert_eq!(p.code, Code::Required);
        assert_eq!(p.field.as_deref(), Some("name"));
    }
}
