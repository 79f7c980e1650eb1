//! A real IMAP server for tests (feature `test-server`): Debian's Dovecot (`dovecot-imapd`)
//! started by the test on a free loopback port with implicit TLS (a certificate authority made
//! here by rcgen), one user with a password, mail in a temporary folder. Not the system's
//! service: its own configuration, base and state directories, instance name. It panics when
//! Dovecot cannot start — a test must not pass without its server (under CI as anywhere).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;

use crate::imap::{connect, MailboxConfig, TlsMode};

/// The test user.
pub const USER: &str = "assistenza";
pub const PASSWORD: &str = "segreta-di-prova";

/// A running Dovecot; stopped when dropped.
pub struct TestImap {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

fn dovecot() -> PathBuf {
    std::env::var_os("RAPPORTINO_TEST_DOVECOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/sbin/dovecot"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// The owner of the mail folders: this user, or `nobody` when the tests run as root (Dovecot
/// never lets a mail process run as root).
fn mail_owner() -> (u32, u32) {
    let out = |flag: &str| {
        Command::new("id")
            .arg(flag)
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse::<u32>().ok())
            .unwrap_or(0)
    };
    match (out("-u"), out("-g")) {
        (0, _) => (65534, 65534),
        ids => ids,
    }
}

impl TestImap {
    /// Starts Dovecot. Panics with the reason when it cannot.
    pub fn start() -> TestImap {
        let dir = tempfile::tempdir().expect("a folder for the test server");
        let d = dir.path();
        for sub in ["run", "state", "home"] {
            std::fs::create_dir_all(d.join(sub)).expect("test server folders");
        }
        let ca_key = rcgen::KeyPair::generate().expect("CA key");
        let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(rcgen::DnType::CommonName, "Rapportino IMAP test CA");
        let ca_cert = ca.self_signed(&ca_key).expect("CA certificate");
        let key = rcgen::KeyPair::generate().expect("server key");
        let leaf = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
            .expect("server params")
            .signed_by(&key, &ca_cert, &ca_key)
            .expect("server certificate");
        write(&d.join("ca.pem"), &ca_cert.pem());
        write(&d.join("cert.pem"), &leaf.pem());
        write(&d.join("key.pem"), &key.serialize_pem());
        write(&d.join("passwd"), &format!("{USER}:{{PLAIN}}{PASSWORD}\n"));
        let (uid, gid) = mail_owner();
        let home = d.join("home");
        let chown = Command::new("chown")
            .arg("-R")
            .arg(format!("{uid}:{gid}"))
            .arg(&home)
            .status();
        assert!(
            chown.is_ok_and(|s| s.success()),
            "chown of the test mail folder"
        );
        let port = free_port();
        let p = |name: &str| d.join(name).display().to_string();
        let config = format!(
            "base_dir = {run}\nstate_dir = {state}\nlog_path = {log}\n\
             instance_name = rapportino-test-{port}\nprotocols = imap\nlisten = 127.0.0.1\n\
             ssl = required\nssl_cert = <{cert}\nssl_key = <{key}\nauth_mechanisms = plain\n\
             first_valid_uid = 1\nmail_location = maildir:~/Maildir\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {passwd}\n}}\n\
             userdb {{\n  driver = static\n  args = uid={uid} gid={gid} home={home}/%u\n}}\n\
             service imap-login {{\n  chroot =\n  inet_listener imap {{\n    port = 0\n  }}\n\
               inet_listener imaps {{\n    port = {port}\n    ssl = yes\n  }}\n}}\n\
             service anvil {{\n  chroot =\n}}\n",
            run = p("run"),
            state = p("state"),
            log = p("dovecot.log"),
            cert = p("cert.pem"),
            key = p("key.pem"),
            passwd = p("passwd"),
            home = home.display(),
        );
        write(&d.join("dovecot.conf"), &config);
        let child = Command::new(dovecot())
            .arg("-F")
            .arg("-c")
            .arg(d.join("dovecot.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "dovecot did not start ({e}): scripts/install-deps.sh installs dovecot-imapd"
                )
            });
        let mut server = TestImap { child, port, dir };
        server.wait_ready();
        server
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "dovecot exited ({status}): {}",
                    std::fs::read_to_string(self.dir.path().join("dovecot.log"))
                        .unwrap_or_default()
                );
            }
            let rt = runtime();
            if rt.block_on(connect(&self.mailbox("assistenza"))).is_ok() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "dovecot did not accept a login in 20 s: {}",
                std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The certificate authority to trust.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// A mailbox configuration for the test user's INBOX.
    pub fn mailbox(&self, name: &str) -> MailboxConfig {
        MailboxConfig {
            name: name.to_owned(),
            host: "localhost".into(),
            port: self.port,
            tls: TlsMode::Implicit,
            user: USER.into(),
            password: PASSWORD.into(),
            password_file: None,
            password_env: None,
            folder: "INBOX".into(),
            processed_folder: None,
            category: None,
            service: None,
            poll_secs: 1,
            ca_file: Some(self.ca_file()),
            kept_max: 25 << 20,
            message_max: crate::imap::DEFAULT_MESSAGE_MAX,
        }
    }

    /// Puts messages in the INBOX with IMAP APPEND (unseen), arrived now.
    pub fn append(&self, messages: &[&[u8]]) {
        self.append_at(messages, None);
    }

    /// [`TestImap::append`] with the arrival time (INTERNALDATE, `"16-Nov-2026 08:41:00 +0000"`).
    pub fn append_at(&self, messages: &[&[u8]], arrived: Option<&str>) {
        let date = arrived.map(|d| format!("\"{d}\""));
        runtime().block_on(async {
            let (mut s, _) = connect(&self.mailbox("append")).await.expect("login");
            for m in messages {
                s.append("INBOX", None, date.as_deref(), m)
                    .await
                    .expect("APPEND");
            }
            let _ = s.logout().await;
        });
    }

    /// How many messages of the INBOX are unseen, and how many there are.
    pub fn counts(&self) -> (usize, usize) {
        runtime().block_on(async {
            let (mut s, _) = connect(&self.mailbox("count")).await.expect("login");
            let exists = s.examine("INBOX").await.expect("EXAMINE").exists as usize;
            let unseen = s.uid_search("UNSEEN").await.expect("SEARCH").len();
            let all: Vec<_> = s
                .uid_fetch("1:*", "UID")
                .await
                .expect("FETCH")
                .try_collect()
                .await
                .unwrap_or_default();
            let _ = s.logout().await;
            (unseen, exists.max(all.len()))
        })
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("a test server file");
}

impl Drop for TestImap {
    /// SIGTERM (the master stops its processes), SIGKILL after 5 s.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
