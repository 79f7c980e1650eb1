//! The standalone device's SMTP password in a real Secret Service (GNOME Keyring from Debian, on
//! a private D-Bus session bus with its home in a temporary folder: never the user's own
//! keyring), and in the owner-only file when no keyring answers.
//!
//! libdbus reads `DBUS_SESSION_BUS_ADDRESS` once per process, so each step that needs another
//! bus (the private keyring, none at all, one without a Secret Service) runs in a child process:
//! this test binary again, running one of the `step_*` tests (ignored otherwise) with the bus
//! and the database it is given. Without dbus-daemon or gnome-keyring-daemon the tests are
//! skipped, except under `CI=true`, where they fail (scripts/install-deps.sh installs both).
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rapportino_core::sending::{self, AccountSettings, Security};
use rapportino_core::store::keychain::SecretStore;
use rapportino_core::{Code, Store};
use rapportino_mail::testing::{Mode, TestServer};

const USER: &str = "officina@example.it";
const PASSWORD: &str = "segreta-è-lunga-4711";

fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn account(port: u16) -> AccountSettings {
    AccountSettings {
        host: "127.0.0.1".into(),
        port: Some(port),
        security: Security::Plain,
        username: USER.into(),
        from_address: USER.into(),
        from_name: "Assistenza Rinaldi".into(),
        reply_to: None,
        extra_ca_pem: None,
    }
}

fn shop(db: &Path) -> Store {
    let mut s = Store::open(db).unwrap();
    common::onboard(&mut s, "MR");
    s
}

/// A private session bus and GNOME Keyring's Secret Service on it, unlocked, with HOME and the
/// XDG folders in a temporary folder. Both stopped when dropped.
struct PrivateKeyring {
    bus: Child,
    keyring: Option<Child>,
    address: String,
    env: Vec<(&'static str, PathBuf)>,
    _dir: tempfile::TempDir,
}

impl PrivateKeyring {
    /// A bus only (`with_service` false: nothing owns the Secret Service name).
    fn start(with_service: bool) -> Result<PrivateKeyring, String> {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let env: Vec<(&'static str, PathBuf)> = vec![
            ("HOME", root.join("home")),
            ("XDG_RUNTIME_DIR", root.join("run")),
            ("XDG_DATA_HOME", root.join("home/.local/share")),
            ("XDG_CONFIG_HOME", root.join("home/.config")),
            ("XDG_CACHE_HOME", root.join("home/.cache")),
        ];
        for (_, dir) in &env {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::create_dir_all(root.join("bus")).unwrap();
        let config = root.join("bus.conf");
        // A session bus of our own that activates nothing: the Secret Service is the one we start.
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                root.join("bus").display()
            ),
        )
        .unwrap();
        let mut bus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .envs(env.iter().map(|(k, v)| (*k, v.as_os_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("dbus-daemon: {e}"))?;
        let mut address = String::new();
        BufReader::new(bus.stdout.take().unwrap())
            .read_line(&mut address)
            .map_err(|e| format!("dbus-daemon's address: {e}"))?;
        let address = address.trim().to_owned();
        if !address.starts_with("unix:") {
            let _ = bus.kill();
            let _ = bus.wait();
            return Err(format!("dbus-daemon printed no address: {address:?}"));
        }
        let mut me = PrivateKeyring {
            bus,
            keyring: None,
            address,
            env,
            _dir: dir,
        };
        if with_service {
            me.start_keyring()?;
        }
        Ok(me)
    }

    fn start_keyring(&mut self) -> Result<(), String> {
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets", "--foreground"])
            .envs(self.env.iter().map(|(k, v)| (*k, v.as_os_str())))
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("gnome-keyring-daemon: {e}"))?;
        // The login keyring's password, then end of input: it is created unlocked.
        let mut stdin = daemon.stdin.take().unwrap();
        stdin.write_all(b"test-keyring").unwrap();
        drop(stdin);
        self.keyring = Some(daemon);
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.service_on_bus() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err("gnome-keyring-daemon did not take org.freedesktop.secrets within 20 s".into())
    }

    fn service_on_bus(&self) -> bool {
        Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
    }

    /// What the Secret Service holds for `username` under our service, read with libsecret's
    /// own tool (not through the code under test).
    fn lookup(&self, username: &str) -> Option<String> {
        let out = Command::new("secret-tool")
            .args(["lookup", "service", "rapportino-mail", "username", username])
            .envs(self.env.iter().map(|(k, v)| (*k, v.as_os_str())))
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .output()
            .expect("secret-tool (libsecret-tools)");
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

impl Drop for PrivateKeyring {
    fn drop(&mut self) {
        if let Some(mut k) = self.keyring.take() {
            let _ = k.kill();
            let _ = k.wait();
        }
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

/// A bus address where nothing listens: no D-Bus session at all (ssh, cron).
fn no_bus(dir: &Path) -> String {
    format!("unix:path={}", dir.join("no-bus").display())
}

fn canonical(p: &Path) -> String {
    std::fs::canonicalize(p)
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn keyring_or_skip(with_service: bool) -> Option<PrivateKeyring> {
    match PrivateKeyring::start(with_service) {
        Ok(k) => Some(k),
        Err(e) if is_ci() => panic!("the private Secret Service could not start under CI: {e}"),
        Err(e) => {
            eprintln!(
                "SKIPPED: no private Secret Service ({e}); scripts/install-deps.sh installs it"
            );
            None
        }
    }
}

/// Runs `step` in a child process with this session bus, database and server port.
fn step(step: &str, bus: &str, db: &Path, port: u16) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            step,
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .env(STEP_DB, db)
        .env(STEP_PORT, port.to_string())
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && all.contains("1 passed"),
        "step {step} failed:\n{all}"
    );
}

const STEP_DB: &str = "RAPPORTINO_KEYRING_STEP_DB";
const STEP_PORT: &str = "RAPPORTINO_KEYRING_STEP_PORT";

/// The database and the server's port of a step; None when not run by [`step`].
fn step_input() -> Option<(Store, u16)> {
    let db = std::env::var_os(STEP_DB)?;
    let port = std::env::var(STEP_PORT).ok()?.parse().ok()?;
    Some((Store::open(PathBuf::from(db)).unwrap(), port))
}

fn secret_file(db: &Path) -> PathBuf {
    db.with_file_name("r.db.mail-secret")
}

#[test]
fn the_password_goes_to_the_keyring_one_entry_per_database_and_is_forgotten_there() {
    let Some(keyring) = keyring_or_skip(true) else {
        return;
    };
    let server = TestServer::start(Mode::Accept, USER, PASSWORD);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    drop(shop(&db));
    let other_dir = tempfile::tempdir().unwrap();
    let other_db = other_dir.path().join("r.db");
    drop(shop(&other_db));

    step("step_save_in_keyring", &keyring.address, &db, server.port);
    assert!(
        !secret_file(&db).exists(),
        "no secret file when the keyring took it"
    );
    assert_eq!(keyring.lookup(&canonical(&db)).as_deref(), Some(PASSWORD));
    assert_eq!(
        server.delivered().len(),
        1,
        "sent with the password read back"
    );

    // A second database on the same computer has its own entry.
    step(
        "step_save_another_password",
        &keyring.address,
        &other_db,
        server.port,
    );
    assert_eq!(keyring.lookup(&canonical(&db)).as_deref(), Some(PASSWORD));
    assert_eq!(
        keyring.lookup(&canonical(&other_db)).as_deref(),
        Some("altra-password")
    );

    // The keyring out of reach (no session bus): the password is there but cannot be read now,
    // and the account is not forgotten half-way.
    step(
        "step_keyring_out_of_reach",
        &no_bus(dir.path()),
        &db,
        server.port,
    );
    assert_eq!(keyring.lookup(&canonical(&db)).as_deref(), Some(PASSWORD));

    // Back: forgetting removes it from the keyring, and only this database's.
    step("step_forget", &keyring.address, &db, server.port);
    assert_eq!(keyring.lookup(&canonical(&db)), None);
    assert!(!secret_file(&db).exists());
    assert_eq!(
        keyring.lookup(&canonical(&other_db)).as_deref(),
        Some("altra-password")
    );
}

#[test]
fn without_a_keyring_the_password_goes_to_an_owner_only_file() {
    let server = TestServer::start(Mode::Accept, USER, PASSWORD);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    drop(shop(&db));
    // No session bus at all.
    step("step_save_in_file", &no_bus(dir.path()), &db, server.port);
    step("step_forget", &no_bus(dir.path()), &db, server.port);
    assert!(!secret_file(&db).exists());

    // A session bus where no Secret Service answers: the file again.
    let Some(bus) = keyring_or_skip(false) else {
        return;
    };
    step("step_save_in_file", &bus.address, &db, server.port);
    assert_eq!(server.delivered().len(), 2);
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

// The steps, each in a process of its own (see [`step`]).

#[test]
#[ignore = "a step of the keyring tests, run by them in a child process"]
fn step_save_in_keyring() {
    let Some((mut s, port)) = step_input() else {
        return;
    };
    let view = sending::set_account(&mut s, &account(port), Some(PASSWORD)).unwrap();
    assert!(view.has_password);
    assert_eq!(view.password_store, Some(SecretStore::Keyring));
    // Read back from the keyring to log in: the server accepts it.
    let reply = sending::send_test(&s, "cliente@example.it").unwrap();
    assert!(reply.starts_with("250"), "{reply}");
    // Saving the account without a password keeps the one in the keyring.
    let mut changed = account(port);
    changed.from_name = "Rinaldi Assistenza".into();
    let view = sending::set_account(&mut s, &changed, None).unwrap();
    assert_eq!(view.password_store, Some(SecretStore::Keyring));
}

#[test]
#[ignore = "a step of the keyring tests, run by them in a child process"]
fn step_save_another_password() {
    let Some((mut s, port)) = step_input() else {
        return;
    };
    let view = sending::set_account(&mut s, &account(port), Some("altra-password")).unwrap();
    assert_eq!(view.password_store, Some(SecretStore::Keyring));
    let err = sending::send_test(&s, "cliente@example.it").unwrap_err();
    assert_eq!(err.code(), Code::MailAuthFailed, "{err}");
}

#[test]
#[ignore = "a step of the keyring tests, run by them in a child process"]
fn step_keyring_out_of_reach() {
    let Some((mut s, _)) = step_input() else {
        return;
    };
    assert_eq!(
        sending::account(&s).unwrap().password_store,
        Some(SecretStore::Keyring)
    );
    let err = sending::send_test(&s, "cliente@example.it").unwrap_err();
    assert_eq!(err.code(), Code::MailSecretUnavailable, "{err}");
    let err = sending::forget_account(&mut s).unwrap_err();
    assert_eq!(err.code(), Code::MailSecretUnavailable, "{err}");
    assert!(sending::account(&s).unwrap().account.is_some());
}

#[test]
#[ignore = "a step of the keyring tests, run by them in a child process"]
fn step_forget() {
    let Some((mut s, _)) = step_input() else {
        return;
    };
    sending::forget_account(&mut s).unwrap();
    let view = sending::account(&s).unwrap();
    assert_eq!((view.account, view.password_store), (None, None));
}

#[test]
#[ignore = "a step of the keyring tests, run by them in a child process"]
fn step_save_in_file() {
    let Some((mut s, port)) = step_input() else {
        return;
    };
    let db = s.path().unwrap().to_path_buf();
    let view = sending::set_account(&mut s, &account(port), Some(PASSWORD)).unwrap();
    assert_eq!(view.password_store, Some(SecretStore::File));
    assert_eq!(std::fs::read_to_string(secret_file(&db)).unwrap(), PASSWORD);
    assert_eq!(mode(&secret_file(&db)), 0o600);
    let reply = sending::send_test(&s, "cliente@example.it").unwrap();
    assert!(reply.starts_with("250"), "{reply}");
}
