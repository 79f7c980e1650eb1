//! A desktop notification really shown: Xvfb, a private D-Bus session bus and dunst (a real
//! notification server, Debian's package) started by the test; the app's notification round on
//! Tauri's mock runtime with tauri-plugin-notification; dunst's history then holds the notice
//! with the Italian words. Alone in its binary: it points the process's session bus at its own.
//! Without the three programs it is skipped, except under CI where they are installed
//! (scripts/install-deps.sh) and their absence fails it.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::harness_on;
use rapportino_app::notify_worker;
use rapportino_app::state::AppState;
use rapportino_core::backup::{self, AutoBackupFailure};
use rapportino_core::views::notices::Notice;

/// Children killed when the test ends, however it ends.
struct Servers(Vec<Child>);

impl Drop for Servers {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn installed(program: &str) -> bool {
    ["/usr/bin", "/bin", "/usr/local/bin"]
        .iter()
        .any(|d| Path::new(d).join(program).exists())
}

fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let started = Instant::now();
    while !ok() {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{what}: gave up after 15 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn dunstctl(bus: &str, args: &[&str]) -> Option<String> {
    let out = Command::new("dunstctl")
        .args(args)
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_failed_backup_is_shown_by_a_real_notification_server() {
    let needed = ["Xvfb", "dbus-daemon", "dunst", "dunstctl"];
    if let Some(missing) = needed.iter().find(|p| !installed(p)) {
        assert!(
            std::env::var("CI").is_err(),
            "{missing} is not installed (scripts/install-deps.sh installs it)"
        );
        eprintln!("skipped: {missing} is not installed");
        return;
    }
    let mut servers = Servers(Vec::new());

    // A display of our own: the first free number from 140.
    let display = (140..200)
        .find(|n| !Path::new(&format!("/tmp/.X{n}-lock")).exists())
        .unwrap();
    let display = format!(":{display}");
    servers.0.push(
        Command::new("Xvfb")
            .args([
                display.as_str(),
                "-screen",
                "0",
                "1024x768x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let socket = format!("/tmp/.X11-unix/X{}", &display[1..]);
    wait_for("Xvfb", || Path::new(&socket).exists());

    // A private session bus; its address is its first line out.
    let mut bus = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut address = String::new();
    BufReader::new(bus.stdout.take().unwrap())
        .read_line(&mut address)
        .unwrap();
    servers.0.push(bus);
    let address = address.trim().to_owned();
    assert!(address.starts_with("unix:"), "{address}");

    let config = tempfile::tempdir().unwrap();
    std::fs::write(config.path().join("dunstrc"), "[global]\n").unwrap();
    servers.0.push(
        Command::new("dunst")
            .args([
                "-config",
                &config.path().join("dunstrc").display().to_string(),
            ])
            .env("DISPLAY", &display)
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for("dunst on the bus", || {
        dunstctl(&address, &["count", "displayed"]).is_some()
    });

    // The app's round talks to this bus.
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &address);
    let h = harness_on(
        tauri::test::mock_builder().plugin(tauri_plugin_notification::init()),
        |dir| AppState::open(Ok(dir.join("test.db"))),
        "main",
    );
    h.onboard();
    let app = h.app();
    assert!(notify_worker::round(&app).unwrap().is_empty(), "first look");
    h.with_store(|s| {
        backup::record_auto_outcome(
            s,
            Some(&AutoBackupFailure {
                day: "2026-12-07".into(),
                message: "spazio esaurito sul disco".into(),
            }),
        )
    })
    .unwrap();
    let shown = notify_worker::round(&app).unwrap();
    assert!(
        matches!(shown.as_slice(), [Notice::BackupFailed { .. }]),
        "{shown:?}"
    );

    wait_for("the notification on screen", || {
        dunstctl(&address, &["count", "displayed"])
            .is_some_and(|n| n.trim().parse::<u32>().unwrap_or(0) >= 1)
    });
    dunstctl(&address, &["close-all"]).unwrap();
    let mut history = String::new();
    wait_for("the notification in dunst's history", || {
        history = dunstctl(&address, &["history"]).unwrap_or_default();
        history.contains("Backup giornaliero non riuscito (2026-12-07)")
    });
    assert!(history.contains("spazio esaurito sul disco"), "{history}");
    assert!(notify_worker::round(&app).unwrap().is_empty(), "once");
}
