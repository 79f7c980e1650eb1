//! How the hub connects to PostgreSQL: the URL (its TLS parameters handled here, since the
//! `postgres` crate knows only `disable`, `prefer` and `require`), the password given apart
//! from the URL, TLS with rustls (ring provider), the lock timeout of the admin commands.
//!
//! TLS modes (`sslmode=` in the URL):
//! - absent or `disable`: plain TCP; `allow` and `prefer` are taken as `disable` (with a
//!   warning): the hub never uses TLS whose certificate it does not check;
//! - `require` and `verify-ca`: TLS, the server's certificate must chain to the CA file (and be
//!   in its validity period), whatever host name it names;
//! - `verify-full`: that, and the certificate must name the host of the URL.
//!
//! The CA file is `--pg-ca-file` or `sslrootcert=` in the URL; a TLS mode without one is an
//! error (stricter than libpq, whose `require` checks nothing).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use postgres::config::SslMode;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::error::{with_causes, HubError};

/// How to connect, beyond what the URL says.
#[derive(Debug, Clone, Default)]
pub struct PgConnect {
    /// The password (read by the CLI from `--pg-password-file` or the environment); it
    /// replaces one in the URL.
    pub password: Option<String>,
    /// PEM file of the CA certificate(s) the server's certificate must chain to (needed with
    /// `sslmode=require|verify-ca|verify-full`; `sslrootcert=` in the URL says the same).
    pub ca_file: Option<PathBuf>,
    /// How long a statement may wait for a lock (PostgreSQL's `lock_timeout`) before failing
    /// with `STORAGE_BUSY`; `None`: as long as it takes.
    pub lock_timeout: Option<Duration>,
    /// Refuse a database without a hub in it (the admin commands: never create one).
    pub existing_only: bool,
}

/// How the hub checks the database server's certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TlsMode {
    Off,
    /// The chain, to the CA file (`require`, `verify-ca`).
    VerifyCa,
    /// The chain and the host name (`verify-full`).
    VerifyFull,
}

/// The URL without the TLS parameters the `postgres` crate does not know (`verify-ca`,
/// `verify-full`, `sslrootcert`), and those parameters.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SplitUrl {
    pub rest: String,
    pub sslmode: Option<String>,
    pub sslrootcert: Option<String>,
}

/// Takes `sslmode` and `sslrootcert` out of a `postgres://...?a=b&c=d` URL or a
/// `host=... sslmode=...` string (values quoted with `'...'` allowed).
pub(crate) fn split_tls_params(url: &str) -> Result<SplitUrl, HubError> {
    let mut out = SplitUrl {
        rest: String::new(),
        sslmode: None,
        sslrootcert: None,
    };
    let mut take = |key: &str, value: String| -> bool {
        match key {
            "sslmode" => out.sslmode = Some(value),
            "sslrootcert" => out.sslrootcert = Some(value),
            _ => return false,
        }
        true
    };
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let kept: Vec<&str> = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .filter(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                !take(k, percent_decode(v))
            })
            .collect();
        let rest = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        return Ok(SplitUrl { rest, ..out });
    }
    // key=value pairs separated by spaces; a value may be single-quoted with \' and \\.
    let bad = || HubError::Config("PostgreSQL connection string: unbalanced quote".into());
    let mut kept: Vec<String> = Vec::new();
    let mut chars = url.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            break;
        }
        let mut raw = String::new();
        let mut key = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=' && !c.is_whitespace()) {
            key.push(c);
        }
        raw.push_str(&key);
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'=').is_some() {
            raw.push('=');
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            if chars.next_if_eq(&'\'').is_some() {
                raw.push('\'');
                loop {
                    match chars.next().ok_or_else(bad)? {
                        '\'' => break,
                        '\\' => {
                            let c = chars.next().ok_or_else(bad)?;
                            raw.push('\\');
                            raw.push(c);
                            value.push(c);
                        }
                        c => {
                            raw.push(c);
                            value.push(c);
                        }
                    }
                }
                raw.push('\'');
            } else {
                while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                    raw.push(c);
                    value.push(c);
                }
            }
        }
        if !take(&key, value) {
            kept.push(raw);
        }
    }
    Ok(SplitUrl {
        rest: kept.join(" "),
        ..out
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The connection settings and the TLS connector for a URL and its options.
pub(crate) fn connect_config(
    url: &str,
    options: &PgConnect,
) -> Result<(postgres::Config, Option<MakeRustlsConnect>), HubError> {
    let split = split_tls_params(url)?;
    let mut config: postgres::Config = split
        .rest
        .parse()
        .map_err(|e| HubError::Config(format!("PostgreSQL URL: {}", with_causes(&e))))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    config.application_name("rapportino-hub");
    if let Some(password) = &options.password {
        config.password(password.as_bytes());
    }
    if let Some(wait) = options.lock_timeout {
        let mut opts = config.get_options().unwrap_or_default().to_string();
        opts.push_str(&format!(" -c lock_timeout={}", wait.as_millis().max(1)));
        config.options(opts.trim());
    }
    let mode = match split.sslmode.as_deref() {
        None | Some("disable") => TlsMode::Off,
        Some(m @ ("allow" | "prefer")) => {
            tracing::warn!(
                sslmode = m,
                "PostgreSQL sslmode={m} is taken as disable: the hub uses TLS to the database \
                 only with the server's certificate checked (require, verify-ca, verify-full)"
            );
            TlsMode::Off
        }
        Some("require" | "verify-ca") => TlsMode::VerifyCa,
        Some("verify-full") => TlsMode::VerifyFull,
        Some(other) => {
            return Err(HubError::Config(format!(
                "PostgreSQL sslmode={other}: use disable, require, verify-ca or verify-full"
            )))
        }
    };
    if mode == TlsMode::Off {
        config.ssl_mode(SslMode::Disable);
        return Ok((config, None));
    }
    let ca = match (&options.ca_file, &split.sslrootcert) {
        (Some(file), Some(url_file)) if Path::new(url_file) != file => {
            return Err(HubError::Config(format!(
                "two CA files for PostgreSQL: --pg-ca-file {} and sslrootcert={url_file}",
                file.display()
            )))
        }
        (Some(file), _) => file.clone(),
        (None, Some(url_file)) => PathBuf::from(url_file),
        (None, None) => {
            return Err(HubError::Config(
                "TLS to PostgreSQL (sslmode=require, verify-ca or verify-full) needs the CA \
                 certificate that signed the server's: --pg-ca-file FILE or sslrootcert=FILE"
                    .into(),
            ))
        }
    };
    config.ssl_mode(SslMode::Require);
    Ok((config, Some(rustls_connector(&ca, mode)?)))
}

fn rustls_connector(ca_file: &Path, mode: TlsMode) -> Result<MakeRustlsConnect, HubError> {
    let read_err =
        |e: rustls_pki_types::pem::Error| HubError::Config(format!("{}: {e}", ca_file.display()));
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca_file).map_err(read_err)? {
        roots
            .add(cert.map_err(read_err)?)
            .map_err(|e| HubError::Config(format!("{}: {e}", ca_file.display())))?;
    }
    if roots.is_empty() {
        return Err(HubError::Config(format!(
            "{}: no CA certificate in it",
            ca_file.display()
        )));
    }
    // ring, as for the hub's own TLS (see `server::load_tls`).
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| HubError::Config(format!("TLS: {e}")))?;
    let config = match mode {
        TlsMode::VerifyFull | TlsMode::Off => {
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        TlsMode::VerifyCa => {
            let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| HubError::Config(format!("TLS: {e}")))?;
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(ChainOnly(webpki)))
                .with_no_client_auth()
        }
    };
    Ok(MakeRustlsConnect::new(config))
}

/// `verify-ca`: the certificate must chain to the CA file (and be valid now), whatever host
/// name it is for. (`WebPkiServerVerifier` checks the name last, after the chain.)
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(url: &str) -> SplitUrl {
        split_tls_params(url).expect("split")
    }

    #[test]
    fn tls_parameters_come_out_of_both_url_forms() {
        let s = split("postgres://hub@db.lan:5432/hub?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&connect_timeout=5");
        assert_eq!(s.rest, "postgres://hub@db.lan:5432/hub?connect_timeout=5");
        assert_eq!(s.sslmode.as_deref(), Some("verify-full"));
        assert_eq!(s.sslrootcert.as_deref(), Some("/etc/ca.pem"));
        let s = split("postgresql://hub@db/hub?sslmode=require");
        assert_eq!(s.rest, "postgresql://hub@db/hub");
        let s = split("postgres://hub@db/hub");
        assert_eq!(
            (s.rest.as_str(), s.sslmode),
            ("postgres://hub@db/hub", None)
        );
        let s = split(
            "host=db.lan  sslmode = verify-ca user=hub sslrootcert='/my dir/ca.pem' dbname=hub",
        );
        assert_eq!(s.rest, "host=db.lan user=hub dbname=hub");
        assert_eq!(s.sslmode.as_deref(), Some("verify-ca"));
        assert_eq!(s.sslrootcert.as_deref(), Some("/my dir/ca.pem"));
        let s = split(r"host=db password='it\'s' sslmode=disable");
        assert_eq!(s.rest, r"host=db password='it\'s'");
        assert!(split_tls_params("host=db password='open").is_err());
    }

    #[test]
    fn tls_modes_need_a_ca_file_and_unknown_modes_are_refused() {
        let none = PgConnect::default();
        let (config, tls) = connect_config("postgres://hub@db/hub", &none).expect("plain");
        assert!(tls.is_none());
        assert_eq!(config.get_ssl_mode(), SslMode::Disable);
        let (_, tls) =
            connect_config("postgres://hub@db/hub?sslmode=prefer", &none).expect("prefer");
        assert!(tls.is_none());
        for mode in ["require", "verify-ca", "verify-full"] {
            let err = connect_config(&format!("postgres://hub@db/hub?sslmode={mode}"), &none)
                .err()
                .expect("refused without a CA file");
            assert!(err.to_string().contains("--pg-ca-file"), "{err}");
        }
        let err = connect_config("postgres://hub@db/hub?sslmode=bogus", &none)
            .err()
            .expect("unknown mode");
        assert_eq!(err.code(), "CONFIG");
        let with_password = PgConnect {
            password: Some("s3cret".into()),
            lock_timeout: Some(Duration::from_secs(5)),
            ..PgConnect::default()
        };
        let (config, _) =
            connect_config("postgres://hub:old@db/hub", &with_password).expect("config");
        assert_eq!(config.get_password(), Some(&b"s3cret"[..]));
        assert_eq!(config.get_options(), Some("-c lock_timeout=5000"));
    }
}
