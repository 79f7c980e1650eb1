//! The real SMTP server other crates' tests send to (feature `test-server`): the mail crate's
//! `tests/smtp_server.py` on Debian's python3-aiosmtpd, plain on a free loopback port, with one
//! user, accepting, greylisting or refusing every recipient, and a folder of what it delivered.
//! No mock of the protocol. (The mail crate's own tests also run it over TLS: tests/common.)

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// How the server treats recipients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Accept,
    /// 451 the first time a recipient is seen, then accepted.
    Greylist,
    /// 550 for every recipient.
    Reject,
}

/// A running server; stopped when dropped.
pub struct TestServer {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

/// The Python that has aiosmtpd: `RAPPORTINO_TEST_PYTHON`, else Debian's `/usr/bin/python3`.
fn python() -> PathBuf {
    std::env::var_os("RAPPORTINO_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/python3"))
}

impl TestServer {
    /// Starts the server (plain, only on 127.0.0.1) with one user. Panics with the reason when it
    /// cannot start: a test must not pass without its server.
    pub fn start(mode: Mode, user: &str, password: &str) -> TestServer {
        let dir = tempfile::tempdir().expect("a folder for delivered mail");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_server.py");
        let mode = match mode {
            Mode::Accept => "accept",
            Mode::Greylist => "greylist",
            Mode::Reject => "reject",
        };
        let mut child = Command::new(python())
            .arg(script)
            .arg("--dir")
            .arg(dir.path())
            .args(["--security", "plain", "--mode", mode, "--user", user])
            .args(["--password", password])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/install-deps.sh installs python3-aiosmtpd)");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("the server's stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the server's first line");
        let port = line
            .trim()
            .strip_prefix("READY ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| {
                panic!("the SMTP test server did not start (python3-aiosmtpd?): {line:?}")
            });
        TestServer { child, port, dir }
    }

    /// Every delivered message, whole, in delivery order.
    pub fn delivered(&self) -> Vec<Vec<u8>> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path().join("new"))
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.sort();
        files
            .iter()
            .map(|f| std::fs::read(f).expect("a delivered message"))
            .collect()
    }

    /// The delivered messages as text (lossy UTF-8: headers and 7-bit bodies read fine).
    pub fn delivered_text(&self) -> Vec<String> {
        self.delivered()
            .iter()
            .map(|m| String::from_utf8_lossy(m).into_owned())
            .collect()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
