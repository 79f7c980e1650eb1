//! `rapportino-hub init` and `--config FILE` (issue 20: the hub as a service): a new hub set up
//! from its configuration file serves with that file, its certificate verifies, and the code it
//! printed enrols the office's first computer; the file's settings yield to the command line's.

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use rapportino_model::protocol::EnrolRequest;
use serde_json::Value;
use sha2::{Digest, Sha256};

fn hub(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapportino-hub"))
        .args(args)
        .env_remove("RAPPORTINO_HUB_STORAGE")
        .output()
        .expect("run rapportino-hub")
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "exit {}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

fn failure(out: &Output) -> String {
    assert!(!out.status.success(), "expected a failure");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn write_config(dir: &Path, extra: &str) -> String {
    let file = dir.join("hub.toml");
    std::fs::write(
        &file,
        format!(
            "storage = \"sqlite:{}\"\nlisten = \"127.0.0.1:0\"\ntls_cert = \"{}\"\n\
             tls_key = \"{}\"\nmax_connections = 64\n{extra}",
            dir.join("data/hub.db").display(),
            dir.join("tls/hub.crt").display(),
            dir.join("tls/hub.key").display(),
        ),
    )
    .expect("write hub.toml");
    file.display().to_string()
}

#[test]
fn init_then_serve_from_the_config_file_and_enrol_with_its_code() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::create_dir(dir.path().join("data")).expect("data dir");
    let config = write_config(dir.path(), "");

    let first = json_of(&hub(&[
        "init",
        "--config",
        &config,
        "--name",
        "localhost",
        "--name",
        "127.0.0.1",
        "--json",
    ]));
    assert_eq!(first["storage_created"], true, "{first}");
    assert_eq!(first["certificate"]["created"], true);
    assert_eq!(
        first["certificate"]["names"],
        serde_json::json!(["localhost", "127.0.0.1"])
    );
    assert_eq!(first["enrolment"]["role"], "admin");
    let key = dir.path().join("tls/hub.key");
    assert_eq!(
        std::fs::metadata(&key).expect("key").permissions().mode() & 0o777,
        0o600,
        "the private key is the owner's only"
    );
    let pem = std::fs::read(dir.path().join("tls/hub.crt")).expect("cert");
    let der = rustls_pki_types::pem::PemObject::from_pem_slice(&pem)
        .map(|c: rustls_pki_types::CertificateDer| c.to_vec())
        .expect("PEM");
    let printed = Sha256::digest(&der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":");
    assert_eq!(first["certificate"]["sha256"], printed.as_str());

    // Again: the storage and the certificate are kept (its names read back), a new code made.
    let second = json_of(&hub(&["init", "--config", &config, "--json"]));
    assert_eq!(second["storage_created"], false);
    assert_eq!(second["certificate"]["created"], false);
    assert_eq!(second["certificate"]["sha256"], printed.as_str());
    assert_eq!(
        second["certificate"]["names"],
        first["certificate"]["names"]
    );
    assert_ne!(second["enrolment"]["code"], first["enrolment"]["code"]);

    // `serve --config`: the file gives storage, listener and TLS.
    let mut child = Command::new(env!("CARGO_BIN_EXE_rapportino-hub"))
        .args(["serve", "--config", &config, "--log-json"])
        .env_remove("RAPPORTINO_HUB_STORAGE")
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the hub");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let addr = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("a log line in time");
        let v: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
        if v["message"] == "hub listening" {
            break v["addr"].as_str().expect("addr").to_string();
        }
    };
    let agent = common::agent_trusting(&der);
    let (status, _) = common::answer(agent.get(&format!("https://{addr}/v1/health")).call());
    assert_eq!(status, 200);
    let enrol = EnrolRequest {
        code: first["enrolment"]["code"].as_str().expect("code").into(),
        device_id: uuid::Uuid::now_v7().to_string(),
        device_code: "UF".into(),
        name: "Ufficio".into(),
        technician_id: None,
        technician_code: None,
    };
    let (status, body) = common::answer(
        agent
            .post(&format!("https://{addr}/v1/enrol"))
            .send_json(serde_json::to_value(enrol).expect("JSON")),
    );
    assert_eq!(status, 200, "{body}");
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(child.wait().expect("wait").success());

    // The admin commands take the same file (and skip `serve`'s other settings).
    let devices = json_of(&hub(&["devices", "--config", &config, "--json"]));
    assert_eq!(devices.as_array().map(Vec::len), Some(1), "{devices}");
    assert_eq!(devices[0]["role"], "admin");
}

#[test]
fn the_command_line_wins_over_the_file_and_bad_files_are_refused() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::create_dir(dir.path().join("data")).expect("data dir");
    let config = write_config(dir.path(), "");
    json_of(&hub(&["init", "--config", &config, "--json"]));

    // A file naming a storage that does not exist: the command line's `--storage` wins.
    let elsewhere = dir.path().join("elsewhere.toml");
    std::fs::write(&elsewhere, "storage = \"sqlite:/nonexistent/hub.db\"\n").expect("write");
    let elsewhere = elsewhere.display().to_string();
    let err = failure(&hub(&["devices", "--config", &elsewhere]));
    assert!(
        err.starts_with("error: CONFIG") && err.contains("no hub at /nonexistent"),
        "{err}"
    );
    let good = format!("sqlite:{}", dir.path().join("data/hub.db").display());
    json_of(&hub(&[
        "devices",
        "--config",
        &elsewhere,
        "--storage",
        &good,
        "--json",
    ]));

    // Keys `serve` does not know, values of the wrong type, a missing file: CONFIG, nothing run.
    let bogus = write_config(dir.path(), "listen_on_moon = true\n");
    let err = failure(&hub(&["devices", "--config", &bogus]));
    assert!(
        err.starts_with("error: CONFIG") && err.contains("listen_on_moon"),
        "{err}"
    );
    let array = write_config(dir.path(), "body_limit_mib = [1, 2]\n");
    let err = failure(&hub(&["devices", "--config", &array]));
    assert!(
        err.starts_with("error: CONFIG") && err.contains("body_limit_mib"),
        "{err}"
    );
    let nested = write_config(dir.path(), "config = \"/etc/other.toml\"\n");
    assert!(failure(&hub(&["devices", "--config", &nested])).starts_with("error: CONFIG"));
    let missing = dir.path().join("missing.toml").display().to_string();
    assert!(failure(&hub(&["devices", "--config", &missing])).starts_with("error: CONFIG"));

    // init refuses half a certificate (one of the two files missing).
    std::fs::remove_file(dir.path().join("tls/hub.key")).expect("rm key");
    let config = write_config(dir.path(), "");
    let err = failure(&hub(&["init", "--config", &config]));
    assert!(err.starts_with("error: CONFIG"), "{err}");
}
