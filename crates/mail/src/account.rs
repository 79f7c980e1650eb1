//! The SMTP account a message is sent through: server, security, credentials, sender identity,
//! limits. Checked once ([`MailAccount::validate`]) before any connection is opened.
//!
//! A PEC account (posta elettronica certificata) is configured exactly like any other: the
//! provider's SMTP host (e.g. `smtps.pec.aruba.it`), port 465 with `implicit_tls`, the PEC
//! address as user name and sender. The provider, not this crate, adds the PEC envelope and
//! sends the receipts (accettazione, consegna) to the sender's PEC mailbox.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::client::{Certificate, CertificateStore, TlsParameters};
use serde::Deserialize;
use zeroize::Zeroize;

use crate::error::{Code, MailError, Result};

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// TLS from the first byte (SMTPS, usually port 465). The PEC providers' choice.
    ImplicitTls,
    /// Plain connection upgraded with STARTTLS before anything else (usually port 587);
    /// a server that does not offer STARTTLS is refused (`MAIL_TLS`), never used in clear.
    Starttls,
    /// No encryption: only to a loopback host (a local relay); refused for any other host
    /// with `MAIL_CONFIG_INVALID`.
    Plain,
}

impl Security {
    /// The usual port for this security.
    pub fn default_port(self) -> u16 {
        match self {
            Security::ImplicitTls => 465,
            Security::Starttls => 587,
            Security::Plain => 25,
        }
    }
}

/// A password that never shows in `Debug` (nor has `Display`) and is wiped from memory when
/// dropped. Read it with [`Secret::expose`] only where it is handed to the SMTP client.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() {
            "Secret(<empty>)"
        } else {
            "Secret(***)"
        })
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// Attachments above this total are refused with `MAIL_TOO_LARGE` (base64 makes them a third
/// larger on the wire: 15 MiB become about 20 MiB, under the common 25 MB provider limit).
pub const DEFAULT_MAX_ATTACHMENT_BYTES: usize = 15 * 1024 * 1024;
/// Connect, read and write timeout of every step.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Messages sent over one connection before it is closed and a new one opened (servers often
/// limit a session; a long batch also gives other clients their turn).
pub const DEFAULT_MESSAGES_PER_CONNECTION: u32 = 100;

/// An SMTP account. Deserialisable from the hub's configuration (file or environment); the
/// password is never serialised, logged or synced.
#[derive(Debug, Clone, Deserialize)]
pub struct MailAccount {
    pub host: String,
    /// `None`: [`Security::default_port`].
    #[serde(default)]
    pub port: Option<u16>,
    pub security: Security,
    /// Empty: no authentication (only sensible for a local relay).
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: Secret,
    /// The sender's address (`officina@example.it`); the envelope sender too.
    pub from_address: String,
    /// Shown beside the address (`Officina Rossi`); may be empty.
    #[serde(default)]
    pub from_name: String,
    #[serde(default)]
    pub reply_to: Option<String>,
    /// Seconds; `None`: [`DEFAULT_TIMEOUT`].
    #[serde(default)]
    pub timeout_secs: Option<u64>,
    /// A CA certificate (PEM) trusted besides the public roots, for a server with its own
    /// certificate authority or a self-signed certificate. The server's name is still checked.
    #[serde(default)]
    pub extra_ca_pem: Option<String>,
    /// `None`: [`DEFAULT_MAX_ATTACHMENT_BYTES`].
    #[serde(default)]
    pub max_attachment_bytes: Option<usize>,
    /// `None`: [`DEFAULT_MESSAGES_PER_CONNECTION`]; `Some(0)`: no limit.
    #[serde(default)]
    pub messages_per_connection: Option<u32>,
}

impl MailAccount {
    /// An account with the defaults: the security's usual port, no reply-to, default limits.
    pub fn new(
        host: impl Into<String>,
        security: Security,
        username: impl Into<String>,
        password: Secret,
        from_address: impl Into<String>,
        from_name: impl Into<String>,
    ) -> Self {
        MailAccount {
            host: host.into(),
            port: None,
            security,
            username: username.into(),
            password,
            from_address: from_address.into(),
            from_name: from_name.into(),
            reply_to: None,
            timeout_secs: None,
            extra_ca_pem: None,
            max_attachment_bytes: None,
            messages_per_connection: None,
        }
    }

    pub fn port(&self) -> u16 {
        self.port.unwrap_or_else(|| self.security.default_port())
    }

    pub fn timeout(&self) -> Duration {
        self.timeout_secs
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_TIMEOUT)
    }

    pub fn max_attachment_bytes(&self) -> usize {
        self.max_attachment_bytes
            .unwrap_or(DEFAULT_MAX_ATTACHMENT_BYTES)
    }

    /// `None`: no limit.
    pub fn messages_per_connection(&self) -> Option<u32> {
        match self.messages_per_connection {
            None => Some(DEFAULT_MESSAGES_PER_CONNECTION),
            Some(0) => None,
            Some(n) => Some(n),
        }
    }

    /// The sender as a mailbox (`Officina Rossi <officina@example.it>`).
    pub fn from_mailbox(&self) -> Result<Mailbox> {
        let address = parse_address(&self.from_address, "sender")?;
        let name = self.from_name.trim();
        Ok(Mailbox::new(
            (!name.is_empty()).then(|| name.to_string()),
            address.email,
        ))
    }

    pub fn reply_to_mailbox(&self) -> Result<Option<Mailbox>> {
        match self.reply_to.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(r) => parse_address(r, "reply-to").map(Some),
        }
    }

    /// Every check that needs no network: host, plain text only to loopback, addresses,
    /// CA certificate, timeouts.
    pub fn validate(&self) -> Result<()> {
        let host = self.host.trim();
        if host.is_empty() || host != self.host || host.chars().any(|c| c.is_control()) {
            return Err(MailError::new(
                Code::MailConfigInvalid,
                format!("the SMTP host {:?} is empty or malformed", self.host),
            ));
        }
        if self.port == Some(0) {
            return Err(MailError::new(
                Code::MailConfigInvalid,
                "the SMTP port is 0",
            ));
        }
        if self.security == Security::Plain && !is_loopback(host) {
            return Err(MailError::new(
                Code::MailConfigInvalid,
                format!(
                    "an unencrypted connection is allowed only to this computer (localhost), \
                     not to {host}: use implicit TLS or STARTTLS"
                ),
            ));
        }
        if self.timeout_secs == Some(0) {
            return Err(MailError::new(
                Code::MailConfigInvalid,
                "the timeout is 0 seconds",
            ));
        }
        if self.username.is_empty() != self.password.is_empty() {
            return Err(MailError::new(
                Code::MailConfigInvalid,
                "a user name needs a password and a password needs a user name",
            ));
        }
        self.from_mailbox()?;
        self.reply_to_mailbox()?;
        if self.security != Security::Plain {
            self.tls_parameters()?;
        }
        Ok(())
    }

    /// The TLS settings: the public roots (webpki-roots) plus the extra CA; the name checked is
    /// always the configured host.
    pub(crate) fn tls_parameters(&self) -> Result<TlsParameters> {
        let mut builder =
            TlsParameters::builder(self.host.clone()).certificate_store(CertificateStore::Default);
        if let Some(pem) = self
            .extra_ca_pem
            .as_deref()
            .filter(|p| !p.trim().is_empty())
        {
            if !pem.contains("-----BEGIN CERTIFICATE-----") {
                return Err(MailError::new(
                    Code::MailConfigInvalid,
                    "the extra CA certificate is not a PEM certificate",
                ));
            }
            let cert = Certificate::from_pem(pem.as_bytes()).map_err(|e| {
                MailError::new(
                    Code::MailConfigInvalid,
                    format!("the extra CA certificate cannot be read: {e}"),
                )
            })?;
            builder = builder.add_root_certificate(cert);
        }
        builder.build_rustls().map_err(|e| {
            MailError::new(
                Code::MailConfigInvalid,
                format!("the TLS settings cannot be used: {e}"),
            )
        })
    }
}

/// `localhost` or a loopback IP (127.0.0.0/8, ::1).
fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// An address as lettre's parser reads it: `a@b.it` or `Nome Cognome <a@b.it>`. `what` names it
/// in the error (`recipient`, `sender`…).
pub fn parse_address(text: &str, what: &str) -> Result<Mailbox> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.chars().any(|c| c.is_control()) {
        return Err(MailError::new(
            Code::MailAddressInvalid,
            format!("the {what} address {text:?} is empty or contains control characters"),
        ));
    }
    trimmed.parse::<Mailbox>().map_err(|e| {
        MailError::new(
            Code::MailAddressInvalid,
            format!("the {what} address {trimmed:?} is not a valid e-mail address ({e})"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(host: &str, security: Security) -> MailAccount {
        MailAccount::new(
            host,
            security,
            "user",
            Secret::new("pa55word-segreta"),
            "officina@example.it",
            "Officina Rossi",
        )
    }

    #[test]
    fn the_password_never_prints() {
        let a = account("smtp.example.it", Security::Starttls);
        let debug = format!("{a:?}");
        assert!(!debug.contains("pa55word"), "{debug}");
        assert!(debug.contains("Secret(***)"), "{debug}");
        assert_eq!(a.password.expose(), "pa55word-segreta");
    }

    #[test]
    fn plain_text_only_to_loopback() {
        for host in ["localhost", "127.0.0.1", "127.0.0.53", "::1", "[::1]"] {
            account(host, Security::Plain).validate().unwrap();
        }
        for host in [
            "smtp.example.it",
            "192.168.1.10",
            "10.0.0.1",
            "localhost.example.it",
        ] {
            let e = account(host, Security::Plain).validate().unwrap_err();
            assert_eq!(e.code(), Code::MailConfigInvalid, "{host}");
        }
        account("smtp.example.it", Security::ImplicitTls)
            .validate()
            .unwrap();
    }

    #[test]
    fn addresses_are_checked() {
        let mut a = account("smtp.example.it", Security::Starttls);
        a.from_address = "not an address".into();
        assert_eq!(a.validate().unwrap_err().code(), Code::MailAddressInvalid);
        let mut a = account("smtp.example.it", Security::Starttls);
        a.reply_to = Some("ufficio@@example.it".into());
        assert_eq!(a.validate().unwrap_err().code(), Code::MailAddressInvalid);
        a.reply_to = Some("Ufficio <ufficio@example.it>".into());
        a.validate().unwrap();
        assert_eq!(
            a.from_mailbox().unwrap().to_string(),
            "Officina Rossi <officina@example.it>"
        );
        assert_eq!(
            parse_address("mario.rossi@example.it\r\nBcc: x@y.z", "recipient")
                .unwrap_err()
                .code(),
            Code::MailAddressInvalid
        );
    }

    #[test]
    fn bad_settings_are_refused() {
        let mut a = account("smtp.example.it", Security::ImplicitTls);
        a.extra_ca_pem = Some("not a pem".into());
        assert_eq!(a.validate().unwrap_err().code(), Code::MailConfigInvalid);
        let mut a = account(" smtp.example.it", Security::ImplicitTls);
        assert_eq!(a.validate().unwrap_err().code(), Code::MailConfigInvalid);
        a.host = String::new();
        assert_eq!(a.validate().unwrap_err().code(), Code::MailConfigInvalid);
        let mut a = account("smtp.example.it", Security::ImplicitTls);
        a.password = Secret::default();
        assert_eq!(a.validate().unwrap_err().code(), Code::MailConfigInvalid);
        let mut a = account("smtp.example.it", Security::ImplicitTls);
        a.timeout_secs = Some(0);
        assert_eq!(a.validate().unwrap_err().code(), Code::MailConfigInvalid);
    }

    #[test]
    fn deserialises_from_configuration_with_defaults() {
        let a: MailAccount = serde_json::from_str(
            r#"{"host":"smtps.pec.aruba.it","security":"implicit_tls","username":"officina@pec.it",
                "password":"x","from_address":"officina@pec.it"}"#,
        )
        .unwrap();
        assert_eq!(a.port(), 465);
        assert_eq!(a.timeout(), DEFAULT_TIMEOUT);
        assert_eq!(
            a.messages_per_connection(),
            Some(DEFAULT_MESSAGES_PER_CONNECTION)
        );
        a.validate().unwrap();
    }
}
