//! `rapportino-hub init`: sets up a hub from its configuration file, once, on the office's
//! server — the storage, a self-signed TLS certificate when the file names one that does not
//! exist yet, and the first enrolment code (role admin, for the office's first computer) — and
//! says what to give the devices.
//!
//! Run again it keeps the storage and the certificate and makes a new code. Run as root in the
//! Debian package's folders, the files it creates are given to the owner of the folder they are
//! in (the service's user), so the service can read its key and write its database.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use chrono::Utc;
use rapportino_model::protocol::{EnrolmentCode, Role};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::HubError;
use crate::storage::{OpenOptions, PgConnect, Storage, StorageUrl};

/// What `init` did, printed for the admin (or as JSON).
#[derive(Debug, Serialize)]
pub struct InitReport {
    pub storage: String,
    pub storage_created: bool,
    /// `None` with `insecure_http` (a TLS proxy in front).
    pub certificate: Option<CertificateReport>,
    pub listen: String,
    /// The addresses devices may use, `https://name:port` for each name of the certificate.
    pub hub_urls: Vec<String>,
    pub enrolment: EnrolmentCode,
}

#[derive(Debug, Serialize)]
pub struct CertificateReport {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub created: bool,
    /// The names the certificate is valid for (its DNS and IP subject alternative names).
    pub names: Vec<String>,
    /// SHA-256 of the certificate (DER), colon-separated hex: to compare on the device.
    pub sha256: String,
}

pub struct InitOptions {
    pub config: PathBuf,
    /// Names (host names, addresses) for a new certificate; empty: this machine's host name,
    /// `localhost` and `127.0.0.1`.
    pub names: Vec<String>,
    pub code_valid_minutes: i64,
}

pub fn init(options: &InitOptions) -> Result<InitReport, HubError> {
    let file = &options.config;
    let settings = crate::config_file::read(file)?;
    let text = |key: &str| -> Option<String> {
        settings
            .get(key)
            .or_else(|| settings.get(&key.replace('_', "-")))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let storage_url = text("storage")
        .ok_or_else(|| HubError::Config(format!("{}: no `storage` setting", file.display())))?;
    let listen: SocketAddr = text("listen")
        .unwrap_or_else(|| "127.0.0.1:8443".into())
        .parse()
        .map_err(|e| HubError::Config(format!("{}: `listen`: {e}", file.display())))?;

    // The storage: created unless it exists.
    let url = StorageUrl::parse(&storage_url)?;
    let sqlite_path = match &url {
        StorageUrl::Sqlite(path) => Some(path.clone()),
        StorageUrl::Postgres(_) => None,
    };
    let existed = sqlite_path.as_ref().map(|p| p.exists());
    let pg = PgConnect {
        password: match text("pg_password_file") {
            Some(f) => Some(first_line(Path::new(&f))?),
            None => std::env::var("RAPPORTINO_PG_PASSWORD").ok(),
        },
        ca_file: text("pg_ca_file").map(PathBuf::from),
        ..PgConnect::default()
    };
    let storage = Storage::open_with(
        &storage_url,
        &OpenOptions {
            pg,
            ..OpenOptions::default()
        },
    )?;
    if let Some(path) = &sqlite_path {
        for suffix in ["", "-wal", "-shm"] {
            let mut name = path.clone().into_os_string();
            name.push(suffix);
            give_to_folder_owner(Path::new(&name))?;
        }
    }

    // The certificate.
    let insecure = settings
        .get("insecure_http")
        .or_else(|| settings.get("insecure-http"))
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let certificate = match (text("tls_cert"), text("tls_key")) {
        (Some(cert), Some(key)) => Some(certificate(
            Path::new(&cert),
            Path::new(&key),
            &names(&options.names, listen),
        )?),
        (None, None) if insecure => None,
        _ => {
            return Err(HubError::Config(format!(
                "{}: set both `tls_cert` and `tls_key` (files init creates when missing), or \
                 `insecure_http = true` behind a TLS proxy",
                file.display()
            )))
        }
    };

    let enrolment = crate::auth::create_code(
        &storage,
        Role::Admin,
        Some(options.code_valid_minutes),
        Utc::now(),
    )?;
    let scheme = if certificate.is_some() {
        "https"
    } else {
        "http"
    };
    let hub_names = match &certificate {
        Some(c) if !c.names.is_empty() => c.names.clone(),
        _ => names(&options.names, listen),
    };
    let hub_urls = hub_names
        .iter()
        .map(|n| match n.parse::<std::net::Ipv6Addr>() {
            Ok(_) => format!("{scheme}://[{n}]:{}", listen.port()),
            Err(_) => format!("{scheme}://{n}:{}", listen.port()),
        })
        .collect();
    Ok(InitReport {
        storage: without_password(&storage_url),
        storage_created: existed.map(|e| !e).unwrap_or(false),
        certificate,
        listen: listen.to_string(),
        hub_urls,
        enrolment,
    })
}

/// The storage URL as printed: a password in it (`postgres://user:secret@…`, `password=…`)
/// replaced by `***`.
fn without_password(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        if let Some((userinfo, host)) = authority.rsplit_once('@') {
            if let Some((user, _)) = userinfo.split_once(':') {
                return format!("{scheme}://{user}:***@{host}{tail}");
            }
        }
        return url.to_owned();
    }
    url.split(' ')
        .map(|part| match part.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
            _ => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The names a new certificate is made for.
fn names(given: &[String], listen: SocketAddr) -> Vec<String> {
    if !given.is_empty() {
        return given.to_vec();
    }
    let mut names = Vec::new();
    if let Ok(host) = std::fs::read_to_string("/proc/sys/kernel/hostname") {
        let host = host.trim();
        if !host.is_empty() {
            names.push(host.to_string());
        }
    }
    names.push("localhost".into());
    names.push("127.0.0.1".into());
    if !listen.ip().is_unspecified() && !listen.ip().is_loopback() {
        names.push(listen.ip().to_string());
    }
    names.dedup();
    names
}

/// Keeps a certificate that exists (both files), or makes a self-signed one for `names`.
fn certificate(cert: &Path, key: &Path, names: &[String]) -> Result<CertificateReport, HubError> {
    let (created, names) = match (cert.exists(), key.exists()) {
        (true, true) => (false, None),
        (false, false) => {
            let mut params = rcgen::CertificateParams::new(names.to_vec())
                .map_err(|e| HubError::Config(format!("certificate names {names:?}: {e}")))?;
            params
                .distinguished_name
                .push(rcgen::DnType::CommonName, names[0].clone());
            params
                .distinguished_name
                .push(rcgen::DnType::OrganizationName, "Rapportino hub");
            let now = time::OffsetDateTime::now_utc();
            params.not_before = now - time::Duration::days(1);
            params.not_after = now + time::Duration::days(3650);
            let key_pair =
                rcgen::KeyPair::generate().map_err(|e| HubError::Internal(format!("key: {e}")))?;
            let signed = params
                .self_signed(&key_pair)
                .map_err(|e| HubError::Internal(format!("certificate: {e}")))?;
            write_new(key, key_pair.serialize_pem().as_bytes(), 0o600)?;
            write_new(cert, signed.pem().as_bytes(), 0o644)?;
            (true, Some(names.to_vec()))
        }
        _ => {
            return Err(HubError::Config(format!(
                "{} and {} must both exist (kept) or both be missing (made): one is missing",
                cert.display(),
                key.display()
            )))
        }
    };
    let der = CertificateDer::pem_file_iter(cert)
        .map_err(|e| HubError::Config(format!("{}: {e}", cert.display())))?
        .next()
        .ok_or_else(|| HubError::Config(format!("{}: no certificate", cert.display())))?
        .map_err(|e| HubError::Config(format!("{}: {e}", cert.display())))?;
    // A kept certificate: the names it is valid for, read from it.
    let names = match names {
        Some(names) => names,
        None => rcgen::CertificateParams::from_ca_cert_der(&der)
            .map_err(|e| HubError::Config(format!("{}: {e}", cert.display())))?
            .subject_alt_names
            .iter()
            .filter_map(|san| match san {
                rcgen::SanType::DnsName(name) => Some(name.as_str().to_owned()),
                rcgen::SanType::IpAddress(ip) => Some(ip.to_string()),
                _ => None,
            })
            .collect(),
    };
    let sha256 = Sha256::digest(der.as_ref())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":");
    Ok(CertificateReport {
        cert: cert.to_path_buf(),
        key: key.to_path_buf(),
        created,
        names,
        sha256,
    })
}

/// Writes a file that must not exist yet, with `mode`, its folder made if missing; then gives it
/// to the folder's owner.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), HubError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let fail = |e: std::io::Error| HubError::Config(format!("{}: {e}", path.display()));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .map_err(fail)?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(fail)?;
    // By the open handle, not the path: the folder's owner cannot swap the file for a link
    // between its creation and this.
    give_handle_to_folder_owner(&f, path)
}

/// As [`give_to_folder_owner`], for a file just created and still open.
fn give_handle_to_folder_owner(file: &std::fs::File, path: &Path) -> Result<(), HubError> {
    use std::os::unix::fs::MetadataExt;
    let Some(Ok(dir)) = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(std::fs::metadata)
    else {
        return Ok(());
    };
    match std::os::unix::fs::fchown(file, Some(dir.uid()), Some(dir.gid())) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Ok(()),
        Err(e) => Err(HubError::Config(format!("{}: {e}", path.display()))),
    }
}

/// Run as root, a file made in the service's folder belongs to the service's user: the owner of
/// that folder. Otherwise (or when the file is missing) nothing changes.
fn give_to_folder_owner(path: &Path) -> Result<(), HubError> {
    use std::os::unix::fs::MetadataExt;
    // Never through a link: the folder's owner could point one at a system file for root to
    // hand over. Only a regular file is given, and by `lchown`.
    let (Ok(file), Some(Ok(dir))) = (
        std::fs::symlink_metadata(path),
        path.parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map(std::fs::metadata),
    ) else {
        return Ok(());
    };
    if !file.file_type().is_file() || (file.uid() == dir.uid() && file.gid() == dir.gid()) {
        return Ok(());
    }
    match std::os::unix::fs::lchown(path, Some(dir.uid()), Some(dir.gid())) {
        Ok(()) => Ok(()),
        // Not root: the files are the runner's, as they should be.
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Ok(()),
        Err(e) => Err(HubError::Config(format!("{}: {e}", path.display()))),
    }
}

fn first_line(file: &Path) -> Result<String, HubError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| HubError::Config(format!("{}: {e}", file.display())))?;
    Ok(text.lines().next().unwrap_or("").to_string())
}

/// The report as the admin reads it.
pub fn print(report: &InitReport) {
    println!("Rapportino hub ready.");
    let made = |c: bool| if c { "created" } else { "kept" };
    println!(
        "  storage:        {} ({})",
        report.storage,
        made(report.storage_created)
    );
    if let Some(c) = &report.certificate {
        println!(
            "  certificate:    {} ({}){}",
            c.cert.display(),
            made(c.created),
            if c.names.is_empty() {
                String::new()
            } else {
                format!(", valid for {}", c.names.join(", "))
            }
        );
        println!("  SHA-256:        {}", c.sha256);
    }
    println!("  listens on:     {}", report.listen);
    println!();
    println!("Give the office's first computer (it can then make codes for the others):");
    println!("  hub address:    {}", report.hub_urls.join("  or  "));
    if let Some(c) = &report.certificate {
        println!(
            "  certificate:    a copy of {} (the device pins it)",
            c.cert.display()
        );
    }
    println!(
        "  enrolment code: {} (role {}, valid until {})",
        report.enrolment.code,
        report.enrolment.role.as_str(),
        report.enrolment.expires_at
    );
    println!();
    println!("In the app: Impostazioni › Sincronizzazione. Or with the CLI:");
    let ca = report
        .certificate
        .as_ref()
        .map(|c| {
            format!(
                " --ca {}",
                c.cert.file_name().unwrap_or_default().to_string_lossy()
            )
        })
        .unwrap_or_default();
    println!(
        "  rapportino-cli sync enrol --hub {} --code {}{ca}",
        report.hub_urls.first().map(String::as_str).unwrap_or(""),
        report.enrolment.code
    );
    println!("Then start the service: sudo systemctl enable --now rapportino-hub");
}

#[cfg(test)]
mod tests {
    use super::{give_to_folder_owner, without_password};
    use std::os::unix::fs::MetadataExt;

    /// Run as root (CI), a link the folder's owner planted is not followed: the file it points
    /// to keeps its owner; a regular file is given to the folder's owner.
    #[test]
    fn files_are_given_to_the_folder_owner_never_through_a_link() {
        let root = std::fs::metadata("/proc/self")
            .map(|m| m.uid() == 0)
            .unwrap_or(false);
        if !root {
            eprintln!("skipped: needs root to change owners");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let service = dir.path().join("service");
        std::fs::create_dir(&service).unwrap();
        std::os::unix::fs::chown(&service, Some(65534), Some(65534)).unwrap();
        let system_file = dir.path().join("shadow");
        std::fs::write(&system_file, "root only").unwrap();
        let link = service.join("hub.db-shm");
        std::os::unix::fs::symlink(&system_file, &link).unwrap();
        give_to_folder_owner(&link).unwrap();
        assert_eq!(std::fs::metadata(&system_file).unwrap().uid(), 0);
        assert_eq!(std::fs::symlink_metadata(&link).unwrap().uid(), 0);
        let db = service.join("hub.db");
        std::fs::write(&db, "").unwrap();
        give_to_folder_owner(&db).unwrap();
        assert_eq!(std::fs::metadata(&db).unwrap().uid(), 65534);
    }

    #[test]
    fn printed_storage_urls_hide_their_password() {
        assert_eq!(
            without_password("postgres://hub:s3cret@db.lan:5432/hub?sslmode=verify-full"),
            "postgres://hub:***@db.lan:5432/hub?sslmode=verify-full"
        );
        assert_eq!(
            without_password("postgres:host=db dbname=hub password=s3cret"),
            "postgres:host=db dbname=hub password=***"
        );
        assert_eq!(
            without_password("sqlite:/var/lib/rapportino-hub/hub.db"),
            "sqlite:/var/lib/rapportino-hub/hub.db"
        );
        assert_eq!(
            without_password("postgres://hub@db.lan/hub"),
            "postgres://hub@db.lan/hub"
        );
    }
}
