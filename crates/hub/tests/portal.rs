//! The customer's reserved area at the hub, over HTTPS, on SQLite and on PostgreSQL: sign-in by
//! a one-time link read from a real SMTP server (python3-aiosmtpd), the same answer whatever the
//! address, the link's confirm page (a GET spends nothing), single use, expiry, bad tokens and
//! the lockout; CSRF missing or wrong on every form; the session cookie's attributes and the
//! security headers; the client's tickets, open first, paged; a ticket's customer-visible
//! history (never the technicians' notes); another client's ticket answers like a missing one;
//! a new request becomes a ticket through the intake; oversized fields; a contact no longer
//! authorised loses its session; sign out and sign out everywhere; the access log, also through
//! the office's endpoint; the reserved area refuses plain HTTP.
#![allow(clippy::unwrap_used)]

mod common;
mod portal_support;

use portal_support::*;
use rapportino_hub::mail;
use rapportino_hub::storage::plain::SqlValue;
use rapportino_hub::web::portal::store;
use rapportino_hub::Storage;
use rapportino_mail::testing::{Mode, TestServer};
use rapportino_mail::{MailAccount, Secret, Security};
use rapportino_model::protocol::Role;

fn seed(s: &Storage) {
    client(s, "cl-a", "Ottica Ferri");
    client(s, "cl-b", "Studio Bianchi");
    contact(s, "co-anna", "cl-a", "Anna Ferri", "anna@ferri.it", true);
    contact(
        s,
        "co-carlo",
        "cl-a",
        "Carlo Ferri",
        "carlo@ferri.it",
        false,
    );
    contact(
        s,
        "co-bruno",
        "cl-b",
        "Bruno Bianchi",
        "bruno@bianchi.it",
        true,
    );
    ticket(
        s,
        "t-a1",
        "cl-a",
        "T-2026-0001",
        "Stampante guasta",
        "resolved",
        "2026-11-01T09:00:00Z",
    );
    ticket(
        s,
        "t-a2",
        "cl-a",
        "T-2026-0002",
        "Rete lenta",
        "in_progress",
        "2026-11-02T09:00:00Z",
    );
    ticket(
        s,
        "t-a3",
        "cl-a",
        "T-2026-0003",
        "Nuovo PC",
        "new",
        "2026-10-01T09:00:00Z",
    );
    ticket(
        s,
        "t-b1",
        "cl-b",
        "T-2026-0004",
        "Server Bianchi",
        "new",
        "2026-11-03T09:00:00Z",
    );
    event(
        s,
        "ev-1",
        "t-a2",
        None,
        "new",
        "2026-11-02T09:00:00Z",
        "NOTA INTERNA uno",
    );
    event(
        s,
        "ev-2",
        "t-a2",
        Some("new"),
        "in_progress",
        "2026-11-02T10:00:00Z",
        "NOTA INTERNA due",
    );
    sent_message(
        s,
        "m-1",
        "cl-a",
        "t-a2",
        "[T-2026-0002] Presa in carico",
        "Il ticket è preso in carico.",
        "sent",
    );
    sent_message(
        s,
        "m-2",
        "cl-a",
        "t-a2",
        "[T-2026-0002] BOZZA",
        "non ancora inviata",
        "queued",
    );
}

fn account(smtp: &TestServer) -> MailAccount {
    let mut account = MailAccount::new(
        "127.0.0.1",
        Security::Plain,
        "hub@rinaldi.it",
        Secret::new("segreta"),
        "assistenza@rinaldi.it",
        "Assistenza Rinaldi",
    );
    account.port = Some(smtp.port);
    account
}

#[test]
fn the_reserved_area_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    reserved_area(storage(dir.path(), None));
}

#[test]
fn the_reserved_area_on_postgresql() {
    let Some(db) = common::PgDatabase::create() else {
        return; // no PostgreSQL outside CI: skipped loudly by the helper
    };
    let dir = tempfile::tempdir().unwrap();
    reserved_area(storage(dir.path(), Some(&db.url)));
}

fn reserved_area(storage: std::sync::Arc<Storage>) {
    seed(&storage);
    let smtp = TestServer::start(Mode::Accept, "hub@rinaldi.it", "segreta");
    let hub = hub(storage.clone(), |c| c.bad_links = 4);
    let s = &*storage;
    let mut anna = Browser::new(&hub);

    // The sign-in page: headers, no script, the form cookie's attributes.
    let page = anna.get("/portal/sign-in");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Accesso all'area riservata"),
        "{}",
        page.body
    );
    for tag in ["<script", "<style", " style=", "onclick"] {
        assert!(!page.body.contains(tag), "{tag}");
    }
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"));
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(
        page.header("strict-transport-security"),
        Some("max-age=31536000")
    );
    let form_cookie = page.set_cookies().join("\n");
    for attr in ["HttpOnly", "Secure", "SameSite=Strict"] {
        assert!(form_cookie.contains(attr), "{form_cookie}");
    }
    let token = page.token();

    // CSRF missing or wrong: refused, nothing mailed.
    let missing = anna.post("/portal/sign-in", &[("email", "anna@ferri.it")]);
    assert_eq!((missing.status, missing.code()), (403, "CSRF_MISSING"));
    let wrong = anna.post(
        "/portal/sign-in",
        &[
            ("csrf", "v1.1.00000000000000000000000000000000.00"),
            ("email", "anna@ferri.it"),
        ],
    );
    assert_eq!((wrong.status, wrong.code()), (403, "CSRF_INVALID"));
    let bad_email = anna.post("/portal/sign-in", &[("csrf", &token), ("email", "anna")]);
    assert_eq!((bad_email.status, bad_email.code()), (422, "EMAIL_INVALID"));
    let too_long = "a".repeat(300) + "@ferri.it";
    let long = anna.post("/portal/sign-in", &[("csrf", &token), ("email", &too_long)]);
    assert_eq!((long.status, long.code()), (413, "FIELD_TOO_LONG"));

    // The same answer whatever the address: an authorised contact, one who is not, a stranger.
    let known = anna.post(
        "/portal/sign-in",
        &[("csrf", &token), ("email", "Anna@Ferri.it")],
    );
    let not_authorised = anna.post(
        "/portal/sign-in",
        &[("csrf", &token), ("email", "carlo@ferri.it")],
    );
    let stranger = anna.post(
        "/portal/sign-in",
        &[("csrf", &token), ("email", "x@nessuno.it")],
    );
    assert_eq!(known.status, 200, "{}", known.body);
    assert!(known.body.contains("id=\"link-sent\""));
    assert_eq!(known.body, not_authorised.body);
    assert_eq!(known.body, stranger.body);

    // One mail, to Anna, through the hub's mail round and a real SMTP server.
    wait_for_sign_in_mails(s, 1);
    let round = mail::send_round(s, &account(&smtp), chrono::Utc::now()).unwrap();
    assert_eq!(round.sent, 1, "{round:?}");
    let delivered = smtp.delivered_text();
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert!(delivered[0].contains("anna@ferri.it"));
    // The body is quoted-printable: soft line breaks and `=3D` undone.
    let text = delivered[0]
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let link = between(&text, "/portal/link?t=", "&").to_owned();
    assert_eq!(link.len(), 64);
    // Only its hash is kept.
    let stored = s
        .plain(|tx| tx.query("SELECT token_hash FROM portal_links", &[]))
        .unwrap();
    assert!(stored.iter().all(|r| r[0] != SqlValue::Text(link.clone())));

    // The link's page spends nothing (a scanner's prefetch); a wrong CSRF on its post neither.
    assert_eq!(anna.get(&format!("/portal/link?t={link}")).status, 200);
    assert_eq!(anna.get("/portal/link?t=zz").code(), "LINK_INVALID");
    let forged = anna.post("/portal/link", &[("t", link.as_str())]);
    assert_eq!((forged.status, forged.code()), (403, "CSRF_MISSING"));
    // Not signed in yet.
    assert_eq!(anna.get("/portal/tickets").status, 303);
    let signed = anna.sign_in_with(&link);
    assert_eq!(signed.status, 303, "{}", signed.body);
    assert_eq!(signed.header("location"), Some("/portal/tickets"));
    let session_cookie = signed.set_cookies().join("\n");
    for attr in [
        "rapportino_portal=",
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Path=/portal",
    ] {
        assert!(session_cookie.contains(attr), "{session_cookie}");
    }
    // Used once: a second browser with the same link gets LINK_USED.
    let mut thief = Browser::new(&hub);
    let reused = thief.sign_in_with(&link);
    assert_eq!((reused.status, reused.code()), (410, "LINK_USED"));

    // The tickets: Anna's client's only, open first, newest first.
    let list = anna.get("/portal/tickets");
    assert_eq!(list.status, 200, "{}", list.body);
    let order: Vec<usize> = ["T-2026-0002", "T-2026-0003", "T-2026-0001"]
        .iter()
        .map(|n| list.body.find(n).unwrap_or_else(|| panic!("{n}")))
        .collect();
    assert!(order[0] < order[1] && order[1] < order[2], "{order:?}");
    assert!(!list.body.contains("T-2026-0004") && !list.body.contains("Server Bianchi"));
    assert!(list.body.contains("Anna Ferri") && list.body.contains("Ottica Ferri"));
    for bad in ["abc", "0", "-1", "100001"] {
        let p = anna.get(&format!("/portal/tickets?page={bad}"));
        assert_eq!((p.status, p.code()), (400, "PAGE_INVALID"), "{bad}");
    }

    // A ticket's history: status moves and the mail sent, never the notes nor the draft.
    let t = anna.get("/portal/tickets/t-a2");
    assert_eq!(t.status, 200, "{}", t.body);
    assert!(t.body.contains("Presa in carico") && t.body.contains("In lavorazione"));
    for hidden in ["NOTA INTERNA", "BOZZA", "tech-1", "DESCRIPTION of"] {
        assert!(!t.body.contains(hidden), "{hidden}");
    }
    // Another client's ticket answers exactly like a missing one.
    let other = anna.get("/portal/tickets/t-b1");
    let missing = anna.get("/portal/tickets/t-nope");
    assert_eq!((other.status, other.code()), (404, "NOT_FOUND"));
    assert_eq!(other.body, missing.body);

    // A new request: CSRF, oversized and empty fields refused; a good one is a ticket.
    let form = anna.get("/portal/request");
    let token = form.token();
    let no_csrf = anna.post(
        "/portal/request",
        &[
            ("subject", "x"),
            ("description", "y"),
            ("severity", "request"),
        ],
    );
    assert_eq!((no_csrf.status, no_csrf.code()), (403, "CSRF_MISSING"));
    let huge = "x".repeat(10_001);
    let over = anna.post(
        "/portal/request",
        &[
            ("csrf", &token),
            ("subject", "x"),
            ("description", &huge),
            ("severity", "request"),
        ],
    );
    assert_eq!((over.status, over.code()), (413, "FIELD_TOO_LONG"));
    // A body over the limit: refused on its declared length, before a byte of it is read
    // (sent as a head alone, as the hub closes the connection after answering).
    let answer = too_large(&hub, &anna, 70 * 1024);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("data-code=\"BODY_TOO_LARGE\""), "{answer}");
    let empty = anna.post(
        "/portal/request",
        &[
            ("csrf", &token),
            ("subject", " "),
            ("description", "y"),
            ("severity", "loud"),
        ],
    );
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("SUBJECT_REQUIRED") && empty.body.contains("SEVERITY_INVALID"));
    let tickets_before = count_tickets(s, "cl-a");
    let done = anna.post(
        "/portal/request",
        &[
            ("csrf", &token),
            ("subject", "Scanner <b>fermo</b>"),
            ("description", "Non scansiona"),
            ("severity", "blocking"),
        ],
    );
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("id=\"received\""));
    // The same form posted twice makes one request.
    let again = anna.post(
        "/portal/request",
        &[
            ("csrf", &token),
            ("subject", "Scanner <b>fermo</b>"),
            ("description", "Non scansiona"),
            ("severity", "blocking"),
        ],
    );
    assert_eq!(again.status, 200);
    assert_eq!(count_tickets(s, "cl-a"), tickets_before + 1);
    let list = anna.get("/portal/tickets");
    assert!(
        list.body.contains("Scanner &lt;b&gt;fermo&lt;/b&gt;"),
        "{}",
        list.body
    );

    // Expired link.
    let expired = link_for(s, "co-anna", "cl-a", 600);
    exec(
        s,
        "UPDATE portal_links SET expires_at = 1 WHERE used_at IS NULL",
        &[],
    );
    let mut late = Browser::new(&hub);
    let r = late.sign_in_with(&expired);
    assert_eq!((r.status, r.code()), (410, "LINK_EXPIRED"));

    // Sign out everywhere: a second session of Anna's ends too.
    let mut phone = Browser::new(&hub);
    assert_eq!(
        phone
            .sign_in_with(&link_for(s, "co-anna", "cl-a", 600))
            .status,
        303
    );
    assert_eq!(phone.get("/portal/tickets").status, 200);
    let token = anna.get("/portal/tickets").token();
    let bye = anna.post("/portal/sign-out-everywhere", &[("csrf", &token)]);
    assert_eq!(bye.status, 200, "{}", bye.body);
    assert_eq!(phone.get("/portal/tickets").status, 303);
    assert_eq!(anna.get("/portal/tickets").status, 303);

    // Sign out: that session only.
    let mut desk = Browser::new(&hub);
    let mut laptop = Browser::new(&hub);
    assert_eq!(
        desk.sign_in_with(&link_for(s, "co-anna", "cl-a", 600))
            .status,
        303
    );
    assert_eq!(
        laptop
            .sign_in_with(&link_for(s, "co-anna", "cl-a", 600))
            .status,
        303
    );
    let token = desk.get("/portal/tickets").token();
    assert_eq!(
        desk.post("/portal/sign-out", &[("csrf", &token)]).status,
        200
    );
    assert_eq!(desk.get("/portal/tickets").status, 303);
    assert_eq!(laptop.get("/portal/tickets").status, 200);

    // No longer authorised: out at the next request.
    contact(s, "co-anna", "cl-a", "Anna Ferri", "anna@ferri.it", false);
    let out = laptop.get("/portal/tickets");
    assert_eq!(out.status, 303);
    assert_eq!(out.header("location"), Some("/portal/sign-in"));

    // The access log: who saw and did what, also through the office's endpoint.
    let log = store::access_log(s, 1000).unwrap();
    let has = |action: &str, record: Option<&str>| {
        log.iter().any(|l| {
            l.action == action
                && l.contact_id == "co-anna"
                && l.client_id == "cl-a"
                && l.ip == "127.0.0.1"
                && (record.is_none() || l.record_id.as_deref() == record)
        })
    };
    for (action, record) in [
        ("sign_in", None),
        ("tickets", Some("1")),
        ("ticket", Some("t-a2")),
        ("ticket_denied", Some("t-b1")),
        ("request", None),
        ("sign_out_everywhere", None),
        ("sign_out", None),
    ] {
        assert!(has(action, record), "{action} in {log:?}");
    }
    let office = hub.enrol(Role::Office, "dev-office", "MR0001");
    let (status, body) = hub.call(
        "GET",
        "/v1/admin/portal-log?limit=5",
        Some(&office.token),
        None,
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body.as_array().unwrap().len(), 5);
    let tech = hub.enrol(Role::Technician, "dev-tech", "MR0002");
    let (status, _) = hub.call("GET", "/v1/admin/portal-log", Some(&tech.token), None);
    assert_eq!(status, 403);

    // The lockout: past `bad_links` bad links from one address, good links are refused too.
    // (The reused and the expired link above were two of them: same address.)
    let mut attacker = Browser::new(&hub);
    for _ in 0..2 {
        let r = attacker.sign_in_with(&"0".repeat(64));
        assert_eq!((r.status, r.code()), (400, "LINK_INVALID"));
    }
    contact(
        s,
        "co-bruno",
        "cl-b",
        "Bruno Bianchi",
        "bruno@bianchi.it",
        true,
    );
    let good = link_for(s, "co-bruno", "cl-b", 600);
    let locked = attacker.sign_in_with(&good);
    assert_eq!((locked.status, locked.code()), (429, "LOCKED_OUT"));
}

/// An address authorised for two clients: mail from it goes to triage, a request from the
/// reserved area is a ticket of the session's client.
fn several_clients(storage: std::sync::Arc<Storage>) {
    seed(&storage);
    let s = &*storage;
    contact(s, "co-anna-b", "cl-b", "Anna Ferri", "anna@ferri.it", true);
    let hub = hub(storage.clone(), |_| {});
    let mut anna = Browser::new(&hub);
    assert_eq!(
        anna.sign_in_with(&link_for(s, "co-anna-b", "cl-b", 600))
            .status,
        303
    );
    let token = anna.get("/portal/request").token();
    let (a, b) = (count_tickets(s, "cl-a"), count_tickets(s, "cl-b"));
    let done = anna.post(
        "/portal/request",
        &[
            ("csrf", &token),
            ("subject", "Per Bianchi"),
            ("description", "x"),
            ("severity", "request"),
        ],
    );
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(
        (count_tickets(s, "cl-a"), count_tickets(s, "cl-b")),
        (a, b + 1)
    );
}

#[test]
fn a_contact_of_several_clients_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    several_clients(storage(dir.path(), None));
}

#[test]
fn a_contact_of_several_clients_on_postgresql() {
    let Some(db) = common::PgDatabase::create() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    several_clients(storage(dir.path(), Some(&db.url)));
}

/// One link posted by eight browsers at once: exactly one session.
fn one_link_raced(storage: std::sync::Arc<Storage>) {
    seed(&storage);
    let hub = hub(storage.clone(), |_| {});
    let secret = link_for(&storage, "co-anna", "cl-a", 600);
    let mut browsers: Vec<(Browser, String)> = (0..8)
        .map(|_| {
            let mut b = Browser::new(&hub);
            let token = b.get(&format!("/portal/link?t={secret}")).token();
            (b, token)
        })
        .collect();
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = browsers
            .iter_mut()
            .map(|(b, token)| {
                let secret = secret.clone();
                scope.spawn(move || {
                    b.post("/portal/link", &[("csrf", token), ("t", &secret)])
                        .status
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 410).count(),
        7,
        "{statuses:?}"
    );
    let sessions = storage
        .plain(|tx| tx.query("SELECT COUNT(*) FROM portal_sessions", &[]))
        .unwrap();
    assert_eq!(sessions[0][0], SqlValue::Int(1));
}

#[test]
fn one_link_raced_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    one_link_raced(storage(dir.path(), None));
}

#[test]
fn one_link_raced_on_postgresql() {
    let Some(db) = common::PgDatabase::create() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    one_link_raced(storage(dir.path(), Some(&db.url)));
}

/// A request post declaring `len` bytes, its head alone, over TLS: the whole answer.
fn too_large(hub: &common::TestHub, browser: &Browser, len: usize) -> String {
    use std::io::{Read, Write};
    let config = common::attack::tls_config(hub.cert_der.as_ref().unwrap());
    let mut tls =
        common::attack::try_tls_connect(hub.addr, &config, std::time::Duration::from_secs(20))
            .unwrap();
    let cookies: Vec<String> = browser
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let head = format!(
        "POST /portal/request HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len}\r\n\r\n",
        cookies.join("; ")
    );
    tls.write_all(head.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn count_tickets(s: &Storage, client: &str) -> usize {
    s.plain(|tx| store::tickets_page(tx, client, 0, 1000))
        .unwrap()
        .len()
}

#[test]
fn the_reserved_area_needs_https() {
    let dir = tempfile::tempdir().unwrap();
    let storage = storage(dir.path(), None);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut config = rapportino_hub::ServerConfig::new("127.0.0.1:0".parse().unwrap(), None);
    config.portal = Some(rapportino_hub::web::portal::PortalConfig::new(
        "https://x.it",
    ));
    let started = runtime.block_on(rapportino_hub::start(storage, config, async {}));
    let Err(e) = started else {
        panic!("started over plain HTTP")
    };
    assert_eq!(e.code(), "CONFIG");
}
