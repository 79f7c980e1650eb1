//! The hub's own certificate, when it is self-signed: the PEM text a device trusts besides the
//! system's roots, read from the file the user picked (the enrolment form's "certificate file").

use std::path::Path;

use crate::error::{Code, Error, Result};

/// The largest certificate file read (a PEM certificate is a few kB).
pub const MAX_CERTIFICATE_BYTES: u64 = 64 * 1024;

/// The text of the PEM certificate at `path`; `INVALID_FORMAT` on the field `ca_pem` when the
/// file cannot be read, is larger than [`MAX_CERTIFICATE_BYTES`] or holds no
/// `-----BEGIN CERTIFICATE-----` line.
pub fn read_pem_file(path: &Path) -> Result<String> {
    let invalid = |message: String| Error::invalid(Code::InvalidFormat, "ca_pem", message);
    let size = std::fs::metadata(path)
        .map_err(|e| invalid(format!("cannot read {}: {e}", path.display())))?
        .len();
    if size > MAX_CERTIFICATE_BYTES {
        return Err(invalid(format!(
            "{} is {size} bytes: not a certificate",
            path.display()
        )));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| invalid(format!("cannot read {}: {e}", path.display())))?;
    if !text.contains("-----BEGIN CERTIFICATE-----") {
        return Err(invalid(format!(
            "{} is not a PEM certificate (no BEGIN CERTIFICATE line)",
            path.display()
        )));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn only_a_small_pem_file_is_a_certificate() {
        let dir = tempfile::tempdir().unwrap();
        let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        let good = dir.path().join("hub.pem");
        std::fs::write(&good, pem).unwrap();
        assert_eq!(read_pem_file(&good).unwrap(), pem);

        let refused = |path: &Path| {
            let e = read_pem_file(path).unwrap_err();
            assert_eq!((e.code(), e.field()), (Code::InvalidFormat, Some("ca_pem")));
            e.to_string()
        };
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "not a certificate").unwrap();
        assert!(refused(&text).contains("not a PEM certificate"));

        let big = dir.path().join("big.pem");
        let padding = "A".repeat(MAX_CERTIFICATE_BYTES as usize);
        std::fs::write(&big, format!("-----BEGIN CERTIFICATE-----\n{padding}")).unwrap();
        assert!(refused(&big).contains("not a certificate"));

        assert!(refused(&dir.path().join("missing.pem")).contains("cannot read"));
        assert!(refused(dir.path()).contains("cannot read"), "a folder");
    }
}
