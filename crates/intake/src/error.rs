//! The intake's one error type, with stable codes.

/// What can go wrong while deciding (the directory's own failures, passed through).
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The directory (the hub's storage, a device's database) could not answer.
    #[error("INTAKE_DIRECTORY: {0}")]
    Directory(String),
}

impl IntakeError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            IntakeError::Directory(_) => "INTAKE_DIRECTORY",
        }
    }
}
