//! The reserved area's own listener (`[portal] listen`), on SQLite and on PostgreSQL: with it,
//! the area is served on its own TLS port (the hub's certificate) and only there — the main
//! listener answers 404 for it, and the area's port serves nothing of the device API; without
//! it (the default) the main listener serves the area. The area's frame shows the shop's name
//! (the synced `shop` setting) when the hub has it, else "Rapportino".
#![allow(clippy::unwrap_used)]

mod common;
mod portal_support;

use std::sync::Arc;

use portal_support::*;
use rapportino_hub::Storage;

#[test]
fn the_reserved_area_on_its_own_listener_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    own_listener(storage(dir.path(), None));
}

#[test]
fn the_reserved_area_on_its_own_listener_on_postgresql() {
    let Some(db) = common::PgDatabase::create() else {
        return; // no PostgreSQL outside CI: skipped loudly by the helper
    };
    let dir = tempfile::tempdir().unwrap();
    own_listener(storage(dir.path(), Some(&db.url)));
}

fn own_listener(storage: Arc<Storage>) {
    anna(&storage);
    ticket(
        &storage,
        "t-a1",
        "cl-a",
        "T-2026-0001",
        "Stampante guasta",
        "new",
        "2026-11-01T09:00:00Z",
    );

    // The default: the main listener serves the area; no shop's name synced yet, so the frame
    // says "Rapportino".
    let shared = hub(storage.clone(), |_| {});
    let page = Browser::new(&shared).get("/portal/sign-in");
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("<span class=\"brand\">Rapportino</span>"),
        "{}",
        page.body
    );
    drop(shared);

    // The office's shop settings, as a device syncs them: the frame shows the shop's name.
    put(
        &storage,
        "setting",
        "shop",
        serde_json::json!({"value": r#"{"name":"Rinaldi Informatica"}"#}),
    );

    let port = free_port();
    let area = format!("https://127.0.0.1:{port}");
    let hub = hub(storage.clone(), |c| {
        c.base_url = area.clone();
        c.listen = Some(format!("127.0.0.1:{port}").parse().unwrap());
    });

    // The main listener: the device API, not the area.
    let mut main = Browser::new(&hub);
    assert_eq!(main.get("/v1/health").status, 200);
    for path in ["/portal", "/portal/sign-in", "/portal/tickets"] {
        let page = main.get(path);
        assert_eq!(page.status, 404, "{path} on the main listener");
    }
    let link = link_for(&storage, "co-anna", "cl-a", 600);
    assert_eq!(main.get(&format!("/portal/link?t={link}")).status, 404);

    // The area's listener: the same certificate, the area and its stylesheet, nothing else.
    let mut anna = Browser::new(&hub);
    anna.url = area.clone();
    let page = anna.get("/portal/sign-in");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Accesso all'area riservata"));
    assert!(
        page.body
            .contains("<span class=\"brand\">Rinaldi Informatica</span>")
            && page.body.contains("· Rinaldi Informatica</title>")
            && !page.body.contains("Rapportino"),
        "{}",
        page.body
    );
    assert!(page.header("content-security-policy").is_some());
    assert_eq!(anna.get("/assets/web.css").status, 200);
    for path in ["/v1/health", "/v1/changes", "/request"] {
        assert_eq!(anna.get(path).status, 404, "{path} on the area's listener");
    }
    let signed = anna.sign_in_with(&link);
    assert_eq!(signed.status, 303, "{}", signed.body);
    let list = anna.get("/portal/tickets");
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.body.contains("T-2026-0001"));
}
