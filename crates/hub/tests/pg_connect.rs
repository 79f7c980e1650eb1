//! Connecting to PostgreSQL as a shop would: a role with a password (given in a file or the
//! environment, never on the command line), and TLS to the database with the server's
//! certificate checked against a CA file (rustls), on the throwaway server of `tests/common`
//! reconfigured for it (scram-sha-256 for two roles, `ssl = on` with a certificate made here).

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use common::PgServer;
use rapportino_hub::storage::{OpenOptions, PgConnect, Storage};

const PW_ROLE: &str = "hub_pw";
const TLS_ROLE: &str = "hub_tls";
const PASSWORD: &str = "correct horse battery staple";

/// The shared server, set up once per test binary: roles, pg_hba rules, TLS.
struct Setup {
    server: Arc<PgServer>,
    dir: tempfile::TempDir,
}

static SETUP: Mutex<Option<Arc<Setup>>> = Mutex::new(None);

fn setup() -> Option<Arc<Setup>> {
    let mut slot = SETUP.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(s) = slot.as_ref() {
        return Some(s.clone());
    }
    let server = PgServer::shared()?;
    let dir = tempfile::tempdir().expect("dir");
    let data = server.data_dir();
    // A CA, and a server certificate it signed for `localhost` only.
    let ca_key = rcgen::KeyPair::generate().expect("key");
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Rapportino test CA");
    let ca = ca_params.clone().self_signed(&ca_key).expect("CA");
    let key = rcgen::KeyPair::generate().expect("key");
    let leaf = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .expect("params")
        .signed_by(&key, &ca, &ca_key)
        .expect("server certificate");
    std::fs::write(dir.path().join("ca.pem"), ca.pem()).expect("write CA");
    // Another CA, that signed nothing the server has.
    let other_key = rcgen::KeyPair::generate().expect("key");
    let other = ca_params.self_signed(&other_key).expect("other CA");
    std::fs::write(dir.path().join("other-ca.pem"), other.pem()).expect("write");
    let (crt, key_file) = (data.join("server.crt"), data.join("server.key"));
    std::fs::write(&crt, leaf.pem()).expect("write certificate");
    std::fs::write(&key_file, key.serialize_pem()).expect("write key");
    set_owner_and_mode(&crt, 0o644);
    set_owner_and_mode(&key_file, 0o600);

    let hba = data.join("pg_hba.conf");
    let old = std::fs::read_to_string(&hba).expect("pg_hba.conf");
    std::fs::write(
        &hba,
        format!(
            "host all {PW_ROLE} 127.0.0.1/32 scram-sha-256\n\
             hostssl all {TLS_ROLE} 127.0.0.1/32 scram-sha-256\n\
             host all {TLS_ROLE} 127.0.0.1/32 reject\n{old}"
        ),
    )
    .expect("write pg_hba.conf");
    let mut superuser = admin(&server);
    for role in [PW_ROLE, TLS_ROLE] {
        superuser
            .batch_execute(&format!(
                "CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}' CREATEDB"
            ))
            .expect("create role");
    }
    for sql in [
        "ALTER SYSTEM SET ssl = on".to_string(),
        format!("ALTER SYSTEM SET ssl_cert_file = '{}'", crt.display()),
        format!("ALTER SYSTEM SET ssl_key_file = '{}'", key_file.display()),
        "SELECT pg_reload_conf()".to_string(),
    ] {
        superuser.simple_query(&sql).expect("enable TLS");
    }
    // The reload is asynchronous: wait until a new session sees it.
    for _ in 0..50 {
        let ssl: String = admin(&server)
            .query_one("SHOW ssl", &[])
            .expect("SHOW ssl")
            .get(0);
        if ssl == "on" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let s = Arc::new(Setup { server, dir });
    *slot = Some(s.clone());
    Some(s)
}

fn admin(server: &PgServer) -> postgres::Client {
    postgres::Client::connect(&server.url("postgres"), postgres::NoTls).expect("connect")
}

/// Files PostgreSQL reads must belong to the user it runs as (`postgres` when tests run as
/// root).
fn set_owner_and_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    let uid = |flag: &str, user: &str| -> Option<u32> {
        let out = Command::new("id").args([flag, user]).output().ok()?;
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    };
    let me = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    if me == "0" {
        let (u, g) = (uid("-u", "postgres"), uid("-g", "postgres"));
        std::os::unix::fs::chown(path, u, g).expect("chown to postgres");
    }
}

/// A new database owned by `role`.
fn database(setup: &Setup, role: &str, name: &str) -> String {
    let name = format!("{name}_{}", std::process::id());
    admin(&setup.server)
        .batch_execute(&format!("CREATE DATABASE {name} OWNER {role}"))
        .expect("create database");
    name
}

fn hub(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rapportino-hub"));
    cmd.args(args)
        .env_remove("RAPPORTINO_HUB_STORAGE")
        .env_remove("PGPASSWORD")
        .env_remove("RAPPORTINO_PG_PASSWORD")
        .env_remove("RAPPORTINO_PG_CA_FILE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run rapportino-hub")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn failure_code(out: &Output) -> String {
    assert!(!out.status.success(), "expected a failure");
    let err = String::from_utf8_lossy(&out.stderr);
    err.lines()
        .find_map(|l| l.strip_prefix("error: "))
        .and_then(|l| l.split(':').next())
        .unwrap_or_default()
        .to_string()
}

fn with_password(password: &str) -> OpenOptions {
    OpenOptions {
        pg: PgConnect {
            password: Some(password.to_string()),
            ..PgConnect::default()
        },
        ..OpenOptions::default()
    }
}

#[test]
fn the_password_comes_from_a_file_or_the_environment() {
    let Some(setup) = setup() else { return };
    let db = database(&setup, PW_ROLE, "hub_password");
    let url = format!("postgres://{PW_ROLE}@127.0.0.1:{}/{db}", setup.server.port);

    // The role needs its password (scram-sha-256): without it, or with a wrong one, no hub.
    assert!(Storage::open(&url).is_err());
    assert!(Storage::open_with(&url, &with_password("wrong")).is_err());
    let storage = Storage::open_with(&url, &with_password(PASSWORD)).expect("open with password");
    let hub_id = storage.hub_id().to_string();
    drop(storage);

    let file = setup.dir.path().join("pg-password");
    std::fs::write(&file, format!("{PASSWORD}\n")).expect("write");
    let file = file.to_str().expect("path");
    let out = ok(&hub(
        &[
            "enrol-code",
            "--storage",
            &url,
            "--role",
            "technician",
            "--pg-password-file",
            file,
        ],
        &[],
    ));
    assert_eq!(out.trim().len(), 19, "{out}");
    for var in ["PGPASSWORD", "RAPPORTINO_PG_PASSWORD"] {
        let out = ok(&hub(
            &["devices", "--storage", &url, "--json"],
            &[(var, PASSWORD)],
        ));
        assert_eq!(out.trim(), "[]", "{var}");
    }
    // The file wins over the environment.
    ok(&hub(
        &["devices", "--storage", &url, "--pg-password-file", file],
        &[("PGPASSWORD", "wrong")],
    ));
    // Without any password: refused by the server.
    assert_eq!(
        failure_code(&hub(&["devices", "--storage", &url], &[])),
        "STORAGE"
    );
    // The URL with its password: refused on the command line, fine from the environment.
    let with_pw = format!(
        "postgres://{PW_ROLE}:{}@127.0.0.1:{}/{db}",
        PASSWORD.replace(' ', "%20"),
        setup.server.port
    );
    assert_eq!(
        failure_code(&hub(&["devices", "--storage", &with_pw], &[])),
        "CONFIG"
    );
    ok(&hub(&["devices"], &[("RAPPORTINO_HUB_STORAGE", &with_pw)]));
    assert_eq!(
        Storage::open_with(&url, &with_password(PASSWORD))
            .expect("open")
            .hub_id(),
        hub_id
    );
}

#[test]
fn tls_to_the_database_checks_the_certificate() {
    let Some(setup) = setup() else { return };
    let db = database(&setup, TLS_ROLE, "hub_tls");
    let port = setup.server.port;
    let ca = setup.dir.path().join("ca.pem");
    let other_ca = setup.dir.path().join("other-ca.pem");
    let url =
        |host: &str, mode: &str| format!("postgres://{TLS_ROLE}@{host}:{port}/{db}?sslmode={mode}");
    let opts = |ca_file: &Path| OpenOptions {
        pg: PgConnect {
            password: Some(PASSWORD.to_string()),
            ca_file: Some(ca_file.to_path_buf()),
            ..PgConnect::default()
        },
        ..OpenOptions::default()
    };
    // Plain TCP: this role is rejected without TLS (so every success below is over TLS).
    assert!(Storage::open_with(&url("127.0.0.1", "disable"), &with_password(PASSWORD)).is_err());
    // verify-full: the chain and the name.
    let storage = Storage::open_with(&url("localhost", "verify-full"), &opts(&ca))
        .expect("TLS, verify-full, to localhost");
    let tls_sessions: i64 = admin(&setup.server)
        .query_one(
            "SELECT count(*) FROM pg_stat_ssl JOIN pg_stat_activity USING (pid)
             WHERE usename = $1 AND ssl",
            &[&TLS_ROLE],
        )
        .expect("pg_stat_ssl")
        .get(0);
    assert!(tls_sessions >= 1, "no TLS session for {TLS_ROLE}");
    drop(storage);
    // The certificate names localhost, not 127.0.0.1: verify-full refuses, verify-ca accepts.
    let err = Storage::open_with(&url("127.0.0.1", "verify-full"), &opts(&ca))
        .err()
        .expect("a certificate for another name");
    assert!(err.to_string().contains("certificate"), "{err}");
    Storage::open_with(&url("127.0.0.1", "verify-ca"), &opts(&ca)).expect("verify-ca");
    Storage::open_with(&url("127.0.0.1", "require"), &opts(&ca)).expect("require");
    // Another CA: refused in every mode.
    for mode in ["require", "verify-ca", "verify-full"] {
        assert!(
            Storage::open_with(&url("localhost", mode), &opts(&other_ca)).is_err(),
            "{mode} with a CA that did not sign the server's certificate"
        );
    }
    // The CLI: the CA file as a flag, or as sslrootcert in the URL.
    let ca_s = ca.to_str().expect("path");
    ok(&hub(
        &[
            "devices",
            "--storage",
            &url("localhost", "verify-full"),
            "--pg-ca-file",
            ca_s,
        ],
        &[("PGPASSWORD", PASSWORD)],
    ));
    let in_url = format!("{}&sslrootcert={ca_s}", url("localhost", "verify-full"));
    ok(&hub(
        &["devices", "--storage", &in_url],
        &[("PGPASSWORD", PASSWORD)],
    ));
    assert_eq!(
        failure_code(&hub(
            &["devices", "--storage", &url("localhost", "verify-full")],
            &[("PGPASSWORD", PASSWORD)]
        )),
        "CONFIG"
    );
}
