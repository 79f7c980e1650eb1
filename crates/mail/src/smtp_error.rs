//! SMTP failures as [`MailError`]s with stable codes: what went wrong, where (connect, STARTTLS,
//! login, send) and whether it is worth retrying.

use lettre::transport::smtp::response::Response;

use crate::error::{Code, MailError};

/// Where in the session an error happened: the same lettre error means different things.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    Connect,
    StartTls,
    Auth,
    Send,
}

pub(crate) fn response_text(response: &Response) -> String {
    let code = u16::from(response.code());
    let text: Vec<&str> = response.message().collect();
    format!("{code} {}", text.join(" ")).trim_end().to_string()
}

/// A lettre error as a [`MailError`] with a stable code, by where it happened.
pub(crate) fn classify(e: &lettre::transport::smtp::Error, phase: Phase, host: &str) -> MailError {
    let detail = with_causes(e);
    if let Some(tls) = find_rustls_error(e) {
        let what = match tls {
            rustls::Error::InvalidCertificate(
                rustls::CertificateError::NotValidForName
                | rustls::CertificateError::NotValidForNameContext { .. },
            ) => format!("the server's certificate is not valid for the name {host}"),
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer) => format!(
                "the server's certificate for {host} is not signed by a trusted authority \
                 (add the server's CA certificate to the account)"
            ),
            rustls::Error::InvalidCertificate(_) => {
                format!("the server's certificate for {host} was refused")
            }
            _ => format!("the TLS connection to {host} failed"),
        };
        return MailError::transient(Code::MailTls, format!("{what}: {tls}"));
    }
    if e.is_tls() {
        return MailError::transient(Code::MailTls, format!("TLS with {host} failed: {detail}"));
    }
    if let Some(status) = e.status() {
        let smtp = u16::from(status);
        // lettre keeps the server's reply text as the error's source.
        let reply = std::error::Error::source(e)
            .map(|t| format!("{smtp} {t}"))
            .unwrap_or_else(|| smtp.to_string());
        let transient = e.is_transient();
        let (code, what) = match phase {
            Phase::Auth => (Code::MailAuthFailed, "the server refused the login"),
            Phase::StartTls => (Code::MailTls, "the server refused STARTTLS"),
            Phase::Connect if transient => {
                (Code::MailDeferred, "the server is not accepting mail now")
            }
            Phase::Connect => (Code::MailRefused, "the server refused the connection"),
            Phase::Send if transient => (Code::MailDeferred, "the server deferred the message"),
            Phase::Send => (Code::MailRefused, "the server refused the message"),
        };
        let error = format!("{what}: {reply}");
        let error = if transient || phase == Phase::StartTls {
            MailError::transient(code, error)
        } else {
            MailError::new(code, error)
        };
        return error.with_smtp_code(Some(smtp));
    }
    if e.is_client() {
        return match phase {
            Phase::Auth => MailError::new(
                Code::MailAuthFailed,
                format!("{host} offers no login method we can use (PLAIN, LOGIN): {detail}"),
            ),
            Phase::StartTls => MailError::transient(Code::MailTls, detail),
            Phase::Connect | Phase::Send => MailError::new(Code::MailRefused, detail),
        };
    }
    if e.is_response() {
        return MailError::transient(
            Code::MailProtocol,
            format!("{host} answered something that is not SMTP: {detail}"),
        );
    }
    let timed_out = if timed_out(e) { " (timed out)" } else { "" };
    match phase {
        Phase::Connect => MailError::transient(
            Code::MailUnreachable,
            format!("cannot reach {host}{timed_out}: {detail}"),
        ),
        _ => MailError::transient(
            Code::MailNetwork,
            format!("the connection to {host} was lost{timed_out}: {detail}"),
        ),
    }
}

/// The rustls error inside a lettre error, if any (rustls reports through `io::Error`).
fn find_rustls_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut current: Option<&'a (dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = current {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if let Some(tls) = io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                return Some(tls);
            }
        }
        current = err.source();
    }
    None
}

/// A read or write that ran past the account's timeout (a socket timeout shows as `WouldBlock`
/// on Unix, `TimedOut` elsewhere).
fn timed_out(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(e);
    while let Some(err) = current {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            );
        }
        current = err.source();
    }
    false
}

/// `a: b: c` — an error and its causes.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let next = c.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        cause = c.source();
    }
    text
}
