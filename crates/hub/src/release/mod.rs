//! Releases of the desktop app for the devices' updater (Tauri's updater plugin).
//!
//! The admin adds a signed `.deb` with `rapportino-hub release add`; the hub keeps it in its
//! releases folder (`--releases-dir` of `release` and of `serve`) and answers the updater's dynamic endpoint
//! `GET /v1/updates/{target}/{arch}/{current_version}` (see [`routes`]) for enrolled devices.
//!
//! Layout of the folder: `releases.json` (the list, rewritten atomically) and one folder per
//! version holding the package and its signature (`X.Y.Z/rapportino_X.Y.Z_amd64.deb`, `.sig`).
//! The signature is the `.sig` file `tauri signer sign` writes: base64 of a minisign signature
//! whose trusted comment carries `version:X.Y.Z`. It is checked when added: well-formed, made
//! for this version when it names one, and — with the shop's public key — made over this file,
//! with the same code the plugin verifies with (minisign-verify).

pub mod cli;
pub mod routes;

use std::io::Read;
use std::path::{Path, PathBuf};

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::error::HubError;

/// The list of releases inside the folder.
const MANIFEST: &str = "releases.json";
/// Default largest package accepted, in MiB.
pub const DEFAULT_MAX_MIB: u64 = 300;
/// The only updater target and architecture served: the app ships as an amd64 .deb.
pub const TARGET: &str = "linux";
pub const ARCH: &str = "x86_64";

/// One release the hub offers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Release {
    pub version: String,
    /// What the app shows beside "Installa e riavvia".
    pub notes: String,
    /// When it was added (RFC 3339, UTC).
    pub pub_date: String,
    /// The package's file name inside `{version}/`.
    pub file: String,
    pub size: u64,
    /// Hex SHA-256 of the package (printed by `release list`, for the admin to compare).
    pub sha256: String,
    /// The `.sig` file's text (base64), as the updater expects it in `signature`.
    pub signature: String,
}

/// The releases folder.
#[derive(Debug, Clone)]
pub struct ReleaseStore {
    dir: PathBuf,
}

/// What `release add` is given.
pub struct NewRelease<'a> {
    pub package: &'a Path,
    pub signature: &'a Path,
    pub version: &'a str,
    pub notes: &'a str,
    /// The shop's updater public key (the text of the `.pub` file `tauri signer generate`
    /// writes); with it the signature is verified over the package before it is stored.
    pub public_key: Option<&'a str>,
    pub max_bytes: u64,
}

fn invalid(message: impl Into<String>) -> HubError {
    HubError::ReleaseInvalid(message.into())
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> HubError {
    HubError::Config(format!("{what} {}: {e}", path.display()))
}

/// Parses a release version: plain semver `X.Y.Z` (a pre-release tag is allowed, build
/// metadata is not: it would not order).
pub fn parse_version(text: &str) -> Result<semver::Version, HubError> {
    let v = semver::Version::parse(text)
        .map_err(|e| invalid(format!("version {text:?} is not semver X.Y.Z: {e}")))?;
    if !v.build.is_empty() {
        return Err(invalid(format!(
            "version {text:?}: build metadata (+...) does not order; leave it out"
        )));
    }
    Ok(v)
}

/// Decodes a `.sig`/`.pub` text of the Tauri signer: base64 of a minisign text file.
fn base64_text(what: &str, text: &str) -> Result<String, HubError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| invalid(format!("{what} is not base64 (a `tauri signer` file): {e}")))?;
    String::from_utf8(bytes).map_err(|_| invalid(format!("{what} does not decode to text")))
}

/// Checks a signature file's text: well-formed, and made for `version` when its trusted
/// comment names one (as `tauri signer sign` writes: `...\tversion:X.Y.Z`).
pub fn check_signature(signature: &str, version: &semver::Version) -> Result<(), HubError> {
    let text = base64_text("the signature", signature)?;
    let sig = minisign_verify::Signature::decode(&text)
        .map_err(|e| invalid(format!("the signature is not a minisign signature: {e}")))?;
    let signed = sig
        .trusted_comment()
        .split('\t')
        .find_map(|field| field.strip_prefix("version:"));
    if let Some(signed) = signed {
        let same =
            semver::Version::parse(signed.trim_start_matches('v')).ok() == Some(version.clone());
        if !same {
            return Err(invalid(format!(
                "the signature was made for version {signed}, not {version}"
            )));
        }
    }
    Ok(())
}

/// Verifies a signature over `data` with a public key, as the updater plugin does.
pub fn verify_signature(data: &[u8], signature: &str, public_key: &str) -> Result<(), HubError> {
    let key_text = base64_text("the public key", public_key)?;
    let key = minisign_verify::PublicKey::decode(&key_text)
        .map_err(|e| invalid(format!("the public key is not a minisign key: {e}")))?;
    let sig_text = base64_text("the signature", signature)?;
    let sig = minisign_verify::Signature::decode(&sig_text)
        .map_err(|e| invalid(format!("the signature is not a minisign signature: {e}")))?;
    key.verify(data, &sig, true).map_err(|e| {
        invalid(format!(
            "the signature does not match the package with this public key: {e}"
        ))
    })
}

/// The start of every Debian package: an `ar` archive whose first member is `debian-binary`.
fn check_deb_head(head: &[u8]) -> Result<(), HubError> {
    if head.len() < 8 + 16
        || &head[..8] != b"!<arch>\n"
        || !head[8..24].starts_with(b"debian-binary")
    {
        return Err(invalid("the file is not a Debian package (.deb)"));
    }
    Ok(())
}

impl ReleaseStore {
    /// The folder (created by [`Self::add`] when missing).
    pub fn new(dir: impl Into<PathBuf>) -> ReleaseStore {
        ReleaseStore { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every release, oldest version first (none when the folder does not exist yet).
    pub fn list(&self) -> Result<Vec<Release>, HubError> {
        let path = self.dir.join(MANIFEST);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_error("reading", &path, e)),
        };
        let mut releases: Vec<Release> = serde_json::from_str(&text)
            .map_err(|e| HubError::Config(format!("{}: {e}", path.display())))?;
        releases.sort_by_key(|r| semver::Version::parse(&r.version).ok());
        Ok(releases)
    }

    /// The newest release whose version is greater than `current`, if any.
    pub fn newer_than(&self, current: &semver::Version) -> Result<Option<Release>, HubError> {
        Ok(self
            .list()?
            .into_iter()
            .rfind(|r| semver::Version::parse(&r.version).is_ok_and(|v| v > *current)))
    }

    /// The package file of a release (only names the list holds are ever opened).
    pub fn package_path(&self, release: &Release) -> PathBuf {
        self.dir.join(&release.version).join(&release.file)
    }

    /// Validates and stores a release: the version newer than every stored one, the
    /// signature well-formed (and verified when a public key is given), the package a .deb
    /// within the size limit. Nothing is written when a check fails.
    pub fn add(&self, new: &NewRelease) -> Result<Release, HubError> {
        let version = parse_version(new.version)?;
        let existing = self.list()?;
        if let Some(latest) = existing
            .iter()
            .filter_map(|r| semver::Version::parse(&r.version).ok())
            .max()
        {
            if version <= latest {
                return Err(invalid(format!(
                    "version {version} is not newer than the latest release {latest}"
                )));
            }
        }
        let meta =
            std::fs::metadata(new.package).map_err(|e| io_error("the package", new.package, e))?;
        if !meta.is_file() {
            return Err(invalid(format!("{} is not a file", new.package.display())));
        }
        if meta.len() > new.max_bytes {
            return Err(invalid(format!(
                "the package is {} bytes, over the limit of {} (--max-mib)",
                meta.len(),
                new.max_bytes
            )));
        }
        let signature = std::fs::read_to_string(new.signature)
            .map_err(|e| io_error("the signature file", new.signature, e))?
            .trim()
            .to_string();
        if signature.len() > 4096 {
            return Err(invalid("the signature file is too large to be a signature"));
        }
        check_signature(&signature, &version)?;
        let mut data = Vec::with_capacity(meta.len() as usize);
        std::fs::File::open(new.package)
            .and_then(|f| f.take(new.max_bytes + 1).read_to_end(&mut data))
            .map_err(|e| io_error("reading", new.package, e))?;
        if data.len() as u64 > new.max_bytes {
            return Err(invalid("the package grew over the size limit while read"));
        }
        check_deb_head(&data)?;
        if let Some(key) = new.public_key {
            verify_signature(&data, &signature, key)?;
        }
        let notes = new.notes.trim();
        if notes.len() > 10_000
            || notes
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err(invalid(
                "the notes are over 10000 bytes or hold control characters",
            ));
        }
        let release = Release {
            version: version.to_string(),
            notes: notes.to_string(),
            pub_date: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            file: format!("rapportino_{version}_amd64.deb"),
            size: data.len() as u64,
            sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&data)),
            signature,
        };
        // The files first, the list last: a release is offered only once it is complete.
        let folder = self.dir.join(&release.version);
        std::fs::create_dir_all(&folder).map_err(|e| io_error("creating", &folder, e))?;
        let package = folder.join(&release.file);
        write_atomic(&package, &data)?;
        write_atomic(
            &folder.join(format!("{}.sig", release.file)),
            release.signature.as_bytes(),
        )?;
        let mut all = existing;
        all.push(release.clone());
        self.write_list(&all)?;
        Ok(release)
    }

    /// Removes a release (from the list, then its files). `NOT_FOUND` when there is none.
    pub fn remove(&self, version: &str) -> Result<Release, HubError> {
        let version = parse_version(version)?.to_string();
        let mut all = self.list()?;
        let at = all
            .iter()
            .position(|r| r.version == version)
            .ok_or_else(|| HubError::NotFound(format!("release {version}")))?;
        let gone = all.remove(at);
        self.write_list(&all)?;
        let folder = self.dir.join(&gone.version);
        std::fs::remove_dir_all(&folder).map_err(|e| io_error("removing", &folder, e))?;
        Ok(gone)
    }

    fn write_list(&self, all: &[Release]) -> Result<(), HubError> {
        let text = serde_json::to_vec_pretty(all)
            .map_err(|e| HubError::Internal(format!("release list: {e}")))?;
        write_atomic(&self.dir.join(MANIFEST), &text)
    }
}

/// Writes a file through a temporary one renamed over it (readers see the old or the new).
fn write_atomic(path: &Path, data: &[u8]) -> Result<(), HubError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| io_error("creating", dir, e))?;
    let mut tmp =
        tempfile::NamedTempFile::new_in(dir).map_err(|e| io_error("writing in", dir, e))?;
    std::io::Write::write_all(&mut tmp, data).map_err(|e| io_error("writing", path, e))?;
    // Readable by the service's user when an admin adds a release as root (a temporary file
    // starts 0600). Nothing in it is secret: packages, signatures and notes are public.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(|e| io_error("writing", path, e))?;
    }
    tmp.as_file()
        .sync_all()
        .map_err(|e| io_error("writing", path, e))?;
    tmp.persist(path)
        .map_err(|e| io_error("writing", path, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_plain_semver() {
        assert!(parse_version("1.2.3").is_ok());
        assert!(parse_version("1.2.3-rc.1").is_ok());
        for bad in ["1.2", "v1.2.3", "1.2.3+build", "", "latest"] {
            assert_eq!(
                parse_version(bad).unwrap_err().code(),
                "RELEASE_INVALID",
                "{bad}"
            );
        }
    }

    #[test]
    fn a_deb_starts_with_its_ar_header() {
        let mut head = b"!<arch>\ndebian-binary   ".to_vec();
        head.extend_from_slice(&[b' '; 40]);
        assert!(check_deb_head(&head).is_ok());
        assert!(check_deb_head(b"\x7fELF......................").is_err());
        assert!(check_deb_head(b"!<arch>\ncontrol.tar.gz  ").is_err());
    }
}
