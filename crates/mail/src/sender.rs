//! Sending over SMTP with lettre's blocking client: one connection reused for a batch, an
//! [`Outcome`] per message, transient failures deferred with [`crate::backoff`].
//!
//! A message goes to its primary recipients (`to`) in one transaction, all or nothing: if the
//! server refuses any of them, or the message itself, the transaction is reset (`RSET`) and the
//! message gets that reply; the connection stays open for the next one. Its copies (`cc`: the
//! shop's own copy, a PEC) follow in a transaction of their own, the same bytes (same
//! Message-ID), once the primary one is accepted: a refused copy never costs the customer's
//! message, and what became of it is written after the server's reply in [`Outcome::Sent`].
//!
//! The connection is opened again when the server closed it, after
//! [`MailAccount::messages_per_connection`] messages, or after an error that broke it.

use std::time::Duration;

use lettre::address::{Address, Envelope};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt, Rset};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::transport::smtp::response::Response;

use crate::account::{parse_address, MailAccount, Security};
use crate::backoff;
use crate::error::{Code, MailError, Result};
use crate::message::OutgoingMessage;
use crate::smtp_error::{classify, response_text, Phase};

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The server accepted it; `reply` is its answer (`250 2.0.0 Ok: queued as …`).
    Sent { reply: String },
    /// Not sent now; try again after `retry_after` with `attempt + 1` and the same Message-ID.
    /// The error has the stable code and the server's reply.
    Deferred {
        error: MailError,
        retry_after: Duration,
    },
    /// Never sent: a permanent refusal (5xx, bad credentials, bad input) or a transient one
    /// that lasted [`backoff::MAX_ATTEMPTS`] attempts.
    Failed { error: MailError },
}

impl Outcome {
    /// The outcome of an error at attempt `attempt`.
    pub fn from_error(error: MailError, attempt: u32) -> Outcome {
        if !error.is_transient() {
            return Outcome::Failed { error };
        }
        match backoff::retry_delay(attempt) {
            Some(retry_after) => Outcome::Deferred { error, retry_after },
            None => Outcome::Failed {
                error: MailError::new(
                    error.code(),
                    format!("gave up after {attempt} attempts: {}", error.message()),
                )
                .with_smtp_code(error.smtp_code()),
            },
        }
    }

    pub fn is_sent(&self) -> bool {
        matches!(self, Outcome::Sent { .. })
    }

    /// The stable code of a deferral or failure.
    pub fn code(&self) -> Option<Code> {
        self.error().map(MailError::code)
    }

    pub fn error(&self) -> Option<&MailError> {
        match self {
            Outcome::Sent { .. } => None,
            Outcome::Deferred { error, .. } | Outcome::Failed { error } => Some(error),
        }
    }

    /// The server's reply (or what went wrong), for the outbox's "reply" column.
    pub fn reply(&self) -> &str {
        match self {
            Outcome::Sent { reply } => reply,
            Outcome::Deferred { error, .. } | Outcome::Failed { error } => error.message(),
        }
    }
}

/// Sends messages through one account, reusing one connection while it lasts.
pub struct Sender {
    account: MailAccount,
    tls: Option<TlsParameters>,
    credentials: Option<Credentials>,
    hello: ClientId,
    conn: Option<SmtpConnection>,
    sent_on_connection: u32,
    connections_opened: u32,
}

impl Sender {
    /// Checks the account; opens no connection yet.
    pub fn new(account: MailAccount) -> Result<Sender> {
        account.validate()?;
        let tls = match account.security {
            Security::Plain => None,
            Security::ImplicitTls | Security::Starttls => Some(account.tls_parameters()?),
        };
        let credentials = (!account.username.is_empty()).then(|| {
            Credentials::new(
                account.username.clone(),
                account.password.expose().to_string(),
            )
        });
        Ok(Sender {
            account,
            tls,
            credentials,
            hello: ClientId::default(),
            conn: None,
            sent_on_connection: 0,
            connections_opened: 0,
        })
    }

    pub fn account(&self) -> &MailAccount {
        &self.account
    }

    /// Connections opened so far (one for a whole batch when nothing goes wrong).
    pub fn connections_opened(&self) -> u32 {
        self.connections_opened
    }

    /// Sends the messages in order over the open connection (opening it when needed). When the
    /// server cannot be reached, or refuses the login or the TLS, the messages not yet tried get
    /// the same outcome without a new attempt each.
    pub fn send_batch(&mut self, messages: &[OutgoingMessage]) -> Vec<Outcome> {
        let mut outcomes = Vec::with_capacity(messages.len());
        let mut session_error: Option<MailError> = None;
        for message in messages {
            let outcome = match &session_error {
                // A message that cannot be built fails on its own, server or no server.
                Some(e) => match message.build(&self.account) {
                    Err(build_error) => Outcome::Failed { error: build_error },
                    Ok(_) => Outcome::from_error(e.clone(), message.attempt),
                },
                None => match self.send_inner(message) {
                    Ok(outcome) => outcome,
                    Err(e) => {
                        session_error = Some(e.clone());
                        Outcome::from_error(e, message.attempt)
                    }
                },
            };
            outcomes.push(outcome);
        }
        outcomes
    }

    /// Sends one message over the open connection (opening it when needed).
    pub fn send(&mut self, message: &OutgoingMessage) -> Outcome {
        match self.send_inner(message) {
            Ok(outcome) => outcome,
            Err(e) => Outcome::from_error(e, message.attempt),
        }
    }

    /// Says goodbye to the server (`QUIT`) and closes the connection.
    pub fn close(&mut self) {
        if let Some(mut conn) = self.conn.take() {
            // The server's answer to QUIT changes nothing.
            let _ = conn.quit();
        }
    }

    /// `Ok(outcome)` for the message's own result; `Err` when the session itself could not be
    /// set up (connect, TLS, login), which concerns every message after it too.
    fn send_inner(&mut self, message: &OutgoingMessage) -> Result<Outcome> {
        let built = match message.build(&self.account) {
            Ok(m) => m,
            Err(e) => return Ok(Outcome::Failed { error: e }),
        };
        let envelope = built.envelope().clone();
        let (primary, copies) = split_recipients(message, &envelope);
        let from = envelope.from().cloned();
        let bytes = built.formatted();
        // A reused connection may have been closed by the server in the meantime: then it is
        // opened again once and the message sent over the new one.
        for first_try in [true, false] {
            let reused = self.conn.is_some();
            if self.limit_reached() {
                self.close();
            }
            if self.conn.is_none() {
                self.open()?;
            }
            let Some(conn) = self.conn.as_mut() else {
                continue;
            };
            match transaction(conn, from.as_ref(), &primary, &bytes) {
                Ok(response) => {
                    self.sent_on_connection += 1;
                    let mut reply = response_text(&response);
                    if !copies.is_empty() {
                        reply.push_str("; ");
                        reply.push_str(&self.send_copies(from.as_ref(), &copies, &bytes));
                    }
                    return Ok(Outcome::Sent { reply });
                }
                Err(TxError::Local(error)) => {
                    return Ok(Outcome::from_error(error, message.attempt))
                }
                Err(TxError::Smtp(e)) => {
                    let error = classify(&e, Phase::Send, &self.account.host);
                    // A reply (4xx, 5xx) leaves the session usable; anything else broke it.
                    let broken = e.status().is_none();
                    if broken || conn.has_broken() || !reset(conn) {
                        self.drop_connection();
                    }
                    if broken && reused && first_try {
                        continue;
                    }
                    return Ok(Outcome::from_error(error, message.attempt));
                }
            }
        }
        Err(MailError::transient(
            Code::MailNetwork,
            "the connection was lost twice in a row",
        ))
    }

    /// The copies' own transaction over the connection that just carried the message: every
    /// copy the server takes gets it, one it refuses is named with its reply, and nothing here
    /// changes the message's outcome. What happened, for the message's reply text.
    fn send_copies(&mut self, from: Option<&Address>, copies: &[Address], bytes: &[u8]) -> String {
        let host = self.account.host.clone();
        let Some(conn) = self.conn.as_mut() else {
            return "CC not sent: no connection".to_owned();
        };
        let mut notes = Vec::new();
        let mut accepted = Vec::new();
        let started = start_mail(conn, from, copies, bytes).map_err(|e| match e {
            TxError::Smtp(e) => classify(&e, Phase::Send, &host).message().to_owned(),
            TxError::Local(e) => e.message().to_owned(),
        });
        let outcome = match started {
            Err(why) => Err(why),
            Ok(()) => {
                for to in copies {
                    match conn.command(Rcpt::new(to.clone(), Vec::new())) {
                        Ok(_) => accepted.push(to.to_string()),
                        Err(e) if e.status().is_some() => notes.push(format!(
                            "CC {to} refused: {}",
                            classify(&e, Phase::Send, &host).message()
                        )),
                        Err(e) => {
                            accepted.clear();
                            notes.push(format!(
                                "CC {to} not sent: {}",
                                classify(&e, Phase::Send, &host).message()
                            ));
                            break;
                        }
                    }
                }
                if accepted.is_empty() {
                    Ok(None)
                } else {
                    data(conn, bytes)
                        .map(Some)
                        .map_err(|e| classify(&e, Phase::Send, &host).message().to_owned())
                }
            }
        };
        let delivered = matches!(outcome, Ok(Some(_)));
        match outcome {
            Ok(Some(response)) => {
                notes.insert(
                    0,
                    format!("CC {}: {}", accepted.join(", "), response_text(&response)),
                );
            }
            Ok(None) => {}
            Err(why) => notes.push(format!("CC not sent: {why}")),
        }
        let usable = self
            .conn
            .as_mut()
            .is_some_and(|c| !c.has_broken() && (delivered || reset(c)));
        if !usable {
            self.drop_connection();
        }
        notes.join("; ")
    }

    fn limit_reached(&self) -> bool {
        self.conn.is_some()
            && self
                .account
                .messages_per_connection()
                .is_some_and(|max| self.sent_on_connection >= max)
    }

    fn drop_connection(&mut self) {
        if let Some(mut conn) = self.conn.take() {
            conn.abort();
        }
    }

    /// Connects, secures (implicit TLS or STARTTLS) and logs in.
    fn open(&mut self) -> Result<()> {
        let host = self.account.host.as_str();
        let timeout = Some(self.account.timeout());
        let wrapper = match self.account.security {
            Security::ImplicitTls => self.tls.as_ref(),
            Security::Starttls | Security::Plain => None,
        };
        let mut conn = SmtpConnection::connect(
            (host, self.account.port()),
            timeout,
            &self.hello,
            wrapper,
            None,
        )
        .map_err(|e| classify(&e, Phase::Connect, host))?;
        self.connections_opened += 1;
        if self.account.security == Security::Starttls {
            let Some(tls) = self.tls.as_ref() else {
                conn.abort();
                return Err(MailError::new(Code::MailConfigInvalid, "no TLS settings"));
            };
            if !conn.can_starttls() {
                conn.abort();
                return Err(MailError::transient(
                    Code::MailTls,
                    format!("{host} does not offer STARTTLS: nothing is sent unencrypted"),
                ));
            }
            if let Err(e) = conn.starttls(tls, &self.hello) {
                conn.abort();
                return Err(classify(&e, Phase::StartTls, host));
            }
        }
        if let Some(credentials) = &self.credentials {
            if let Err(e) = conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials) {
                conn.abort();
                return Err(classify(&e, Phase::Auth, host));
            }
        }
        self.conn = Some(conn);
        self.sent_on_connection = 0;
        Ok(())
    }
}

impl Drop for Sender {
    fn drop(&mut self) {
        self.close();
    }
}

/// Why a transaction did not go through.
enum TxError {
    /// The server's refusal or a broken connection.
    Smtp(lettre::transport::smtp::Error),
    /// Refused here before a byte was written (the server lacks an extension the message needs).
    Local(MailError),
}

/// The envelope's recipients as (primary, copies): the copies are the message's `cc` that are
/// not also primary; with no `to` at all, the `cc` are the primary ones.
fn split_recipients(
    message: &OutgoingMessage,
    envelope: &Envelope,
) -> (Vec<Address>, Vec<Address>) {
    let copies: Vec<Address> = if message.to.is_empty() {
        Vec::new()
    } else {
        message
            .cc
            .iter()
            .filter_map(|c| parse_address(c, "copy (CC)").ok())
            .map(|m| m.email)
            .collect()
    };
    let primary: Vec<Address> = message
        .to
        .iter()
        .filter_map(|t| parse_address(t, "recipient").ok())
        .map(|m| m.email)
        .collect();
    let (primary, copies): (Vec<Address>, Vec<Address>) = envelope
        .to()
        .iter()
        .cloned()
        .partition(|a| primary.contains(a) || !copies.contains(a));
    (primary, copies)
}

/// MAIL FROM, RCPT TO for each recipient, DATA, the message: lettre's commands over the open
/// connection. Unlike lettre's own `send`, a refusal leaves the connection usable (the caller
/// resets the transaction).
fn transaction(
    conn: &mut SmtpConnection,
    from: Option<&Address>,
    to: &[Address],
    bytes: &[u8],
) -> std::result::Result<Response, TxError> {
    start_mail(conn, from, to, bytes)?;
    for to in to {
        conn.command(Rcpt::new(to.clone(), Vec::new()))
            .map_err(TxError::Smtp)?;
    }
    data(conn, bytes).map_err(TxError::Smtp)
}

/// MAIL FROM with the parameters the addresses and the content need (refused here, before a
/// byte is written, when the server lacks them).
fn start_mail(
    conn: &mut SmtpConnection,
    from: Option<&Address>,
    to: &[Address],
    bytes: &[u8],
) -> std::result::Result<(), TxError> {
    let mut options = Vec::new();
    if to.iter().any(|a| !is_ascii(a)) || from.is_some_and(|a| !is_ascii(a)) {
        if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
            return Err(TxError::Local(MailError::new(
                Code::MailAddressInvalid,
                "an address has non-ASCII characters and the server does not accept them \
                 (no SMTPUTF8)",
            )));
        }
        options.push(MailParameter::SmtpUtfEight);
    }
    if !bytes.is_ascii() {
        if !conn.server_info().supports_feature(Extension::EightBitMime) {
            return Err(TxError::Local(MailError::new(
                Code::MailRefused,
                "the server does not accept 8-bit messages (no 8BITMIME)",
            )));
        }
        options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    conn.command(Mail::new(from.cloned(), options))
        .map_err(TxError::Smtp)?;
    Ok(())
}

/// DATA and the message, after the recipients.
fn data(
    conn: &mut SmtpConnection,
    bytes: &[u8],
) -> std::result::Result<Response, lettre::transport::smtp::Error> {
    conn.command(Data)?;
    match std::str::from_utf8(bytes) {
        // The content, dot-stuffed, and its terminating line in one write: written in two (as
        // lettre's `message` does), the short terminator waits behind the unacknowledged tail
        // of the content (Nagle's algorithm against the server's delayed ACK), some 40 ms per
        // message on a reused connection.
        Ok(text) => conn.command(DataContent(dot_stuffed(text))),
        Err(_) => conn.message(bytes),
    }
}

/// A message's content ready for the wire after `DATA` (written whole by `command`).
struct DataContent(String);

impl std::fmt::Display for DataContent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// RFC 5321 §4.5.2 transparency: a line that starts with `.` gets another in front; then the
/// line break and the lone `.` that end the data (the same bytes as lettre's `message`).
///
/// Copied a run at a time between the `\r\n.` found by the standard library's substring search,
/// not a character at a time: a statement's 84 KB of base64 has no dot to stuff, and the
/// per-character loop was the client's largest cost on a reused connection after TLS.
fn dot_stuffed(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    if text.starts_with('.') {
        out.push('.');
    }
    let mut rest = text;
    while let Some(at) = rest.find("\r\n.") {
        // Up to and including the line break and the dot, then the extra dot.
        out.push_str(&rest[..at + 3]);
        out.push('.');
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    out.push_str("\r\n.\r\n");
    out
}

fn is_ascii(a: &Address) -> bool {
    a.user().is_ascii() && a.domain().is_ascii()
}

/// RSET after a refusal: true when the connection can carry the next message.
fn reset(conn: &mut SmtpConnection) -> bool {
    conn.command(Rset).is_ok()
}

/// Sends one message over a connection of its own, closed afterwards.
pub fn send_one(account: &MailAccount, message: &OutgoingMessage) -> Outcome {
    match Sender::new(account.clone()) {
        Ok(mut sender) => {
            let outcome = sender.send(message);
            sender.close();
            outcome
        }
        Err(e) => Outcome::Failed { error: e },
    }
}

/// The "test message" of Settings › Posta and `rapportino-hub mail-test`: a short Italian and
/// English text to `to`, through the account as configured. `message_id` as for any message.
pub fn send_test_message(account: &MailAccount, to: &str, message_id: &str) -> Outcome {
    let text = "Questo è un messaggio di prova inviato da Rapportino: l'account di posta \
                funziona.\n\nThis is a test message sent by Rapportino: the mail account works.\n";
    let message = OutgoingMessage::new(
        message_id,
        to,
        "Rapportino: messaggio di prova / test message",
        text,
    );
    send_one(account, &message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_stuffing_doubles_leading_dots_only() {
        assert_eq!(dot_stuffed(""), "\r\n.\r\n");
        assert_eq!(
            dot_stuffed(".a\r\nb.c\r\n.\r\n..d"),
            "..a\r\nb.c\r\n..\r\n...d\r\n.\r\n"
        );
        // A bare LF is not a line break for SMTP: the dot after it stays single.
        assert_eq!(dot_stuffed("a\n.b"), "a\n.b\r\n.\r\n");
        assert_eq!(dot_stuffed("a\r.b"), "a\r.b\r\n.\r\n");
    }

    #[test]
    fn outcomes_follow_the_backoff() {
        let transient = MailError::transient(Code::MailDeferred, "451 later");
        match Outcome::from_error(transient.clone(), 2) {
            Outcome::Deferred { retry_after, .. } => assert_eq!(retry_after.as_secs(), 300),
            other => panic!("{other:?}"),
        }
        let gave_up = Outcome::from_error(transient, backoff::MAX_ATTEMPTS);
        assert_eq!(gave_up.code(), Some(Code::MailDeferred));
        assert!(matches!(gave_up, Outcome::Failed { .. }));
        let permanent = MailError::new(Code::MailRefused, "550 no");
        assert!(matches!(
            Outcome::from_error(permanent, 1),
            Outcome::Failed { .. }
        ));
    }
}
