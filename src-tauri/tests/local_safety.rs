//! Local safety through the commands: path arguments only when picked in a dialog or in the app's
//! folders, report numbers checked before they name a file, printing without a shell, rendered
//! reports owner-only.
#![allow(clippy::unwrap_used)]

mod common;

use common::{harness, harness_with, Harness};
use rapportino_app::state::AppState;
use serde_json::{json, Value};

/// An onboarded app with one draft report; returns its id and number.
fn with_report(h: &Harness) -> (Value, String) {
    h.onboard();
    let client = h.ok("create_client", json!({"input": {"name": "Studio Bellè"}}));
    let ticket = h.ok(
        "open_ticket",
        json!({"input": {"client_id": client["id"], "origin": "phone", "severity": "blocking",
                         "urgent": false, "is_bug": false, "title": "Stampante"}}),
    );
    let i = h.ok(
        "create_intervention",
        json!({"input": {"ticket_id": ticket["id"], "mode": "remote"}}),
    );
    let r = h.ok("create_report", json!({"intervention_id": i["id"]}));
    (r["id"].clone(), r["number"].as_str().unwrap().to_owned())
}

fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path.display().to_string());
        }
    }
    out.sort();
    out
}

#[test]
fn a_hostile_report_number_names_no_file() {
    let h = harness();
    let (id, _) = with_report(&h);
    let data = h.data_folder();
    let before = files_under(&data);
    let long = format!("RI-2026-MR-{}", "0".repeat(4000));
    for hostile in [
        "../fuori",
        "RI-2026-MR-0001/../../fuori-2",
        "RI-2026-MR-0001\0../x",
        "sub/dir/RI",
        long.as_str(),
    ] {
        h.with_store(|s| {
            s.conn()
                .execute(
                    "UPDATE reports SET number = ?1 WHERE id = ?2",
                    [hostile, id.as_str().unwrap()],
                )
                .map_err(Into::into)
        })
        .unwrap();
        let e = h.err("print_report", json!({"id": id}));
        assert_eq!(
            (&e["code"], &e["field"]),
            (&json!("REPORT_NUMBER_INVALID"), &json!("number")),
            "{hostile:?}"
        );
        let e = h.err("save_report_as", json!({"id": id, "path": null}));
        assert_eq!(e["code"], "REPORT_NUMBER_INVALID", "{hostile:?}");
    }
    assert_eq!(files_under(&data), before, "no file written anywhere");
    assert!(!data.join("fuori.pdf").exists());
    assert!(!data.parent().unwrap().join("fuori-2.pdf").exists());
}

#[test]
fn printing_passes_the_file_as_one_argument_without_a_shell() {
    // The database's folder holds what a shell would run or split; the print command names a
    // folder with a blank in it, in quotes.
    let h = harness_with(
        |dir| {
            AppState::open(Ok(dir
                .join("dati $(touch pwned); 'x' \"y\"")
                .join("test.db")))
        },
        "main",
    );
    let (id, number) = with_report(&h);
    let data = h.data_folder();
    let printed = data.parent().unwrap().join("stampati ufficio");
    std::fs::create_dir(&printed).unwrap();
    std::env::set_var(
        "RAPPORTINO_PRINT_COMMAND",
        format!("cp -t '{}'", printed.display()),
    );
    let file = h.call("print_report", json!({"id": id}));
    std::env::remove_var("RAPPORTINO_PRINT_COMMAND");
    let file = file.unwrap();
    let rendered = std::path::PathBuf::from(file["path"].as_str().unwrap());
    assert_eq!(
        rendered,
        data.join("rapporti").join(format!("{number}.pdf"))
    );
    assert!(printed.join(format!("{number}.pdf")).is_file());
    assert!(!data.parent().unwrap().join("pwned").exists());
    assert!(!std::path::Path::new("pwned").exists());

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data.join("rapporti")), 0o700, "the rapporti folder");
        assert_eq!(mode(&rendered), 0o600, "the rendered report");
    }
}

#[test]
fn path_arguments_must_be_picked_or_in_the_app_folders() {
    let h = harness();
    let (id, number) = with_report(&h);
    let data = h.data_folder();
    let elsewhere = tempfile::tempdir().unwrap();
    let outside = elsewhere.path().join("x.db");
    std::fs::write(&outside, b"x").unwrap();
    let outside = outside.to_str().unwrap();
    let client = h.ok("list_clients", json!({"filter": {}, "page": {}}))["items"][0]["id"].clone();
    let sneaky = data.join("backups").join("..").join("test.db");
    let sneaky = sneaky.to_str().unwrap();
    let cases = [
        ("backup_now", json!({"path": outside}), "path"),
        ("backup_now", json!({"path": sneaky}), "path"),
        ("backup_now", json!({"path": "backups/b.db"}), "path"),
        ("restore_backup", json!({"path": outside}), "path"),
        ("restore_backup", json!({"path": sneaky}), "path"),
        ("save_report_as", json!({"id": id, "path": outside}), "path"),
        (
            "save_statement_as",
            json!({"client_id": client, "year": 2026, "month": 11, "path": outside}),
            "path",
        ),
        (
            "statements_batch",
            json!({"year": 2026, "month": 11, "dir": elsewhere.path()}),
            "dir",
        ),
        ("open_folder", json!({"path": elsewhere.path()}), "path"),
        ("open_folder", json!({"path": "/"}), "path"),
        ("set_shop_logo", json!({"path": outside}), "path"),
        ("sync_read_certificate", json!({"path": outside}), "path"),
    ];
    for (cmd, args, field) in cases {
        let e = h.err(cmd, args.clone());
        assert_eq!(
            (&e["code"], &e["field"]),
            (&json!("PATH_NOT_ALLOWED"), &json!(field)),
            "{cmd} {args}"
        );
    }
    assert_eq!(std::fs::read(outside).unwrap(), b"x", "nothing overwritten");

    // The app's folders pass: a backup into backups/, a report into rapporti/.
    let in_backups = data.join("backups").join("a-mano.db");
    std::fs::create_dir_all(in_backups.parent().unwrap()).unwrap();
    h.ok("backup_now", json!({"path": in_backups}));
    let in_rapporti = data.join("rapporti").join(format!("{number}.pdf"));
    std::fs::create_dir_all(in_rapporti.parent().unwrap()).unwrap();
    h.ok("save_report_as", json!({"id": id, "path": in_rapporti}));
    // open_folder opens folders only, not a file in them.
    let e = h.err("open_folder", json!({"path": in_rapporti}));
    assert_eq!(e["code"], "IO");

    // A logo picked in the dialog is read up to its size limit.
    let big = elsewhere.path().join("logo.png");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(16 << 30)
        .unwrap();
    h.pick(&big);
    let e = h.err("set_shop_logo", json!({"path": big}));
    assert_eq!(e["code"], "LOGO_TOO_LARGE");
}
