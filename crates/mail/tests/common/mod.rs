//! The real SMTP server of the tests: `smtp_server.py` (Debian's python3-aiosmtpd) started on a
//! free loopback port, with certificates made here by rcgen. No mock of the protocol.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use rapportino_mail::{MailAccount, Secret, Security};

pub const USER: &str = "tecnico@example.it";
pub const PASSWORD: &str = "segreta-è-lunga";
pub const FROM: &str = "officina@example.it";

/// A certificate authority and the certificates it signs.
pub struct TestCa {
    key: rcgen::KeyPair,
    cert: rcgen::Certificate,
}

impl TestCa {
    pub fn new() -> TestCa {
        let key = rcgen::KeyPair::generate().expect("CA key");
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Rapportino mail test CA");
        let cert = params.self_signed(&key).expect("CA certificate");
        TestCa { key, cert }
    }

    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    /// A server certificate for `names`: (certificate PEM, key PEM).
    pub fn server_cert(&self, names: &[&str]) -> (String, String) {
        let key = rcgen::KeyPair::generate().expect("key");
        let leaf =
            rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .expect("params")
                .signed_by(&key, &self.cert, &self.key)
                .expect("server certificate");
        (leaf.pem(), key.serialize_pem())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Accept,
    Greylist,
    Reject,
}

pub struct ServerOptions<'a> {
    pub security: Security,
    pub mode: Mode,
    /// The names on the server's certificate (ignored for plain).
    pub cert_names: &'a [&'a str],
    /// Recipients refused with 550 whatever the mode.
    pub refuse: &'a [&'a str],
}

impl Default for ServerOptions<'_> {
    fn default() -> Self {
        ServerOptions {
            security: Security::Starttls,
            mode: Mode::Accept,
            cert_names: &["localhost"],
            refuse: &[],
        }
    }
}

pub struct TestServer {
    child: Child,
    /// Held open: the server stops when it closes.
    _stdin: ChildStdin,
    pub port: u16,
    pub security: Security,
    pub ca_pem: String,
    dir: tempfile::TempDir,
}

/// The Python that has aiosmtpd: `RAPPORTINO_TEST_PYTHON`, else Debian's `/usr/bin/python3`
/// (python3-aiosmtpd installs there), else `python3` on the PATH.
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("RAPPORTINO_TEST_PYTHON") {
        return PathBuf::from(p);
    }
    let debian = Path::new("/usr/bin/python3");
    if debian.exists() {
        return debian.to_path_buf();
    }
    PathBuf::from("python3")
}

impl TestServer {
    pub fn start(options: ServerOptions<'_>) -> TestServer {
        let ca = TestCa::new();
        let dir = tempfile::tempdir().expect("temp dir");
        let (cert, key) = ca.server_cert(options.cert_names);
        let cert_path = dir.path().join("server.crt");
        let key_path = dir.path().join("server.key");
        std::fs::write(&cert_path, cert).expect("write certificate");
        std::fs::write(&key_path, key).expect("write key");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_server.py");
        let security = match options.security {
            Security::Starttls => "starttls",
            Security::ImplicitTls => "implicit",
            Security::Plain => "plain",
        };
        let mode = match options.mode {
            Mode::Accept => "accept",
            Mode::Greylist => "greylist",
            Mode::Reject => "reject",
        };
        let python = python();
        let mut child = Command::new(&python)
            .arg(&script)
            .arg("--dir")
            .arg(dir.path().join("maildir"))
            .arg("--cert")
            .arg(&cert_path)
            .arg("--key")
            .arg(&key_path)
            .args(["--security", security, "--mode", mode, "--user", USER])
            .args(["--password", PASSWORD])
            .args(options.refuse.iter().flat_map(|a| ["--refuse", a]))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start the test SMTP server ({} {}): {e}. It needs Debian's \
                     python3-aiosmtpd: run scripts/install-deps.sh (or apt-get install \
                     python3-aiosmtpd)",
                    python.display(),
                    script.display()
                )
            });
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let mut stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(20)).unwrap_or_default();
        let port = line
            .trim()
            .strip_prefix("READY ")
            .and_then(|p| p.parse::<u16>().ok());
        let Some(port) = port else {
            let _ = child.kill();
            let _ = child.wait();
            let mut err = String::new();
            let _ = std::io::Read::read_to_string(&mut stderr, &mut err);
            panic!(
                "the test SMTP server did not start ({} {}): {err}\nIt needs Debian's \
                 python3-aiosmtpd: run scripts/install-deps.sh (or apt-get install \
                 python3-aiosmtpd)",
                python.display(),
                script.display()
            );
        };
        // Drain stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        });
        TestServer {
            child,
            _stdin: stdin,
            port,
            security: options.security,
            ca_pem: ca.pem(),
            dir,
        }
    }

    /// The account that logs into this server (through `localhost`, trusting its CA).
    pub fn account(&self) -> MailAccount {
        let mut account = MailAccount::new(
            "localhost",
            self.security,
            USER,
            Secret::new(PASSWORD),
            FROM,
            "Officina Rossi",
        );
        account.port = Some(self.port);
        account.timeout_secs = Some(10);
        account.extra_ca_pem = Some(self.ca_pem.clone());
        if self.security == Security::Plain {
            account.username.clear();
            account.password = Secret::default();
        }
        account
    }

    /// Every delivered message, in the order the server accepted them.
    pub fn delivered(&self) -> Vec<Vec<u8>> {
        let new = self.dir.path().join("maildir/new");
        let mut files: Vec<PathBuf> = match std::fs::read_dir(&new) {
            Ok(entries) => entries.map(|e| e.expect("entry").path()).collect(),
            Err(_) => Vec::new(),
        };
        files.sort();
        files
            .iter()
            .map(|f| std::fs::read(f).expect("read message"))
            .collect()
    }

    /// The envelope recipients of each delivered message, in the same order.
    pub fn envelopes(&self) -> Vec<Vec<String>> {
        let dir = self.dir.path().join("maildir/rcpt");
        let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
            Ok(entries) => entries.map(|e| e.expect("entry").path()).collect(),
            Err(_) => Vec::new(),
        };
        files.sort();
        files
            .iter()
            .map(|f| {
                std::fs::read_to_string(f)
                    .expect("read recipients")
                    .lines()
                    .map(str::to_owned)
                    .collect()
            })
            .collect()
    }

    pub fn delivered_count(&self) -> usize {
        std::fs::read_dir(self.dir.path().join("maildir/new")).map_or(0, |d| d.count())
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port nobody listens on (bound, then released).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    port
}

/// Something that looks like a statement PDF of `size` bytes (binary, not all zeros).
pub fn fake_pdf(size: usize, seed: u8) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut x: u32 = 0x9e37_79b9 ^ u32::from(seed);
    while bytes.len() < size.saturating_sub(6) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bytes.push((x & 0xff) as u8);
    }
    bytes.extend_from_slice(b"%%EOF\n");
    bytes
}

impl TestServer {
    /// Deletes what was delivered so far (between the benchmark's two runs).
    pub fn clear_delivered(&self) {
        for folder in ["maildir/new", "maildir/rcpt"] {
            if let Ok(entries) = std::fs::read_dir(self.dir.path().join(folder)) {
                for e in entries {
                    std::fs::remove_file(e.expect("entry").path()).expect("remove");
                }
            }
        }
    }
}
