//! The intake's one error type, with stable codes.

/// What can go wrong while deciding (the directory's own failures, passed through).
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The directory (the hub's storage, a device's database) could not answer.
    #[error("INTAKE_DIRECTORY: {0}")]
    Directory(String),
    /// A mailbox's configuration is unusable (no host, no user, a bad CA file...).
    #[error("INTAKE_CONFIG: {0}")]
    Config(String),
    /// The mail server could not be reached, or TLS failed.
    #[error("INTAKE_CONNECT: {0}")]
    Connect(String),
    /// The server refused the user name or password.
    #[error("INTAKE_LOGIN: {0}")]
    Login(String),
    /// An IMAP command failed (no such folder, the connection dropped...).
    #[error("INTAKE_IMAP: {0}")]
    Imap(String),
    /// The request could not be recorded (the database said no): the mail stays unflagged and is
    /// taken again next time.
    #[error("INTAKE_RECORD: {0}")]
    Record(String),
}

impl IntakeError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            IntakeError::Directory(_) => "INTAKE_DIRECTORY",
            IntakeError::Config(_) => "INTAKE_CONFIG",
            IntakeError::Connect(_) => "INTAKE_CONNECT",
            IntakeError::Login(_) => "INTAKE_LOGIN",
            IntakeError::Imap(_) => "INTAKE_IMAP",
            IntakeError::Record(_) => "INTAKE_RECORD",
        }
    }
}
