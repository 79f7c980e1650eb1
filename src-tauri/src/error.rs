//! The error that crosses to the UI: core's `ErrorPayload {code, message, field}`, unchanged.

use rapportino_core::ErrorPayload;
use serde::Serialize;

/// What every command returns on failure. Serialises exactly as core's [`ErrorPayload`], so the UI
/// receives `{code, message, field}` and translates `code` (see `ui/src/lib/i18n`).
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct CommandError(pub ErrorPayload);

impl From<rapportino_core::Error> for CommandError {
    fn from(e: rapportino_core::Error) -> Self {
        CommandError(e.to_payload())
    }
}

impl From<ErrorPayload> for CommandError {
    fn from(p: ErrorPayload) -> Self {
        CommandError(p)
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.0.code.as_str(), self.0.message)
    }
}

impl std::error::Error for CommandError {}

/// The result type of every command.
pub type CmdResult<T> = Result<T, CommandError>;
