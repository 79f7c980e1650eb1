//! Helpers of the reserved area's tests: a hub over TLS with the reserved area on, rows
//! written straight into its storage as devices would have synced them, and a browser that
//! keeps its cookies and never follows redirects.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use rapportino_hub::storage::plain::SqlValue;
use rapportino_hub::web::portal::PortalConfig;
use rapportino_hub::Storage;
use rapportino_model::merge::{FieldVersion, RowState};
use serde_json::{json, Map, Value};

use super::common::{self, TestHub};

/// A free loopback port (bound and released: the hub binds it right after).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A storage: SQLite in `dir`, or the PostgreSQL database `pg`.
pub fn storage(dir: &std::path::Path, pg: Option<&str>) -> Arc<Storage> {
    let url = pg.map_or_else(
        || format!("sqlite:{}", dir.join("hub.db").display()),
        str::to_owned,
    );
    Arc::new(Storage::open(&url).unwrap())
}

/// A hub over TLS serving the reserved area (`adjust` changes its settings).
pub fn hub(storage: Arc<Storage>, adjust: impl FnOnce(&mut PortalConfig)) -> TestHub {
    let port = free_port();
    let mut portal = PortalConfig::new(&format!("https://127.0.0.1:{port}"));
    adjust(&mut portal);
    TestHub::start(storage, true, move |c| {
        c.listen = format!("127.0.0.1:{port}").parse().unwrap();
        c.portal = Some(portal);
    })
}

/// Writes a row as a device's sync would have left it.
pub fn put(storage: &Storage, entity: &str, id: &str, fields: Value) {
    let fields: Map<String, Value> = fields.as_object().unwrap().clone();
    let v = FieldVersion {
        hlc: 1 << 16,
        device: "dev-seed".into(),
        seq: 1,
    };
    let row = RowState {
        versions: fields
            .keys()
            .map(|k| (k.clone(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
        fields,
        deleted: None,
        origin_device: "dev-seed".into(),
    };
    storage.write(|tx| tx.save_row(entity, id, &row)).unwrap();
}

pub fn client(storage: &Storage, id: &str, name: &str) {
    put(
        storage,
        "client",
        id,
        json!({"id": id, "name": name, "archived": 0, "customer_class": "none",
               "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}),
    );
}

/// Client `cl-a` (Ottica Ferri) and its authorised contact `co-anna` (anna@ferri.it).
pub fn anna(storage: &Storage) {
    client(storage, "cl-a", "Ottica Ferri");
    contact(
        storage,
        "co-anna",
        "cl-a",
        "Anna Ferri",
        "anna@ferri.it",
        true,
    );
}

pub fn contact(
    storage: &Storage,
    id: &str,
    client: &str,
    name: &str,
    email: &str,
    authorised: bool,
) {
    put(
        storage,
        "contact",
        id,
        json!({"id": id, "client_id": client, "name": name, "email": email,
               "authorised": i64::from(authorised), "archived": 0,
               "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}),
    );
}

#[allow(clippy::too_many_arguments)]
pub fn ticket(
    storage: &Storage,
    id: &str,
    client: &str,
    number: &str,
    title: &str,
    status: &str,
    opened: &str,
) {
    put(
        storage,
        "ticket",
        id,
        json!({"id": id, "number": number, "client_id": client, "origin": "phone",
               "severity": "degraded", "urgent": 0, "is_bug": 0, "title": title,
               "description": format!("DESCRIPTION of {title}"), "status": status,
               "reported_at": opened, "opened_at": opened,
               "created_at": opened, "updated_at": opened}),
    );
}

/// A status move with a technician's note (internal: never shown to the customer).
pub fn event(
    storage: &Storage,
    id: &str,
    ticket: &str,
    from: Option<&str>,
    to: &str,
    at: &str,
    note: &str,
) {
    put(
        storage,
        "ticket_event",
        id,
        json!({"id": id, "ticket_id": ticket, "from_status": from, "to_status": to, "at": at,
               "technician_id": "tech-1", "note": note}),
    );
}

/// A customer message the shop sent about the ticket.
pub fn sent_message(
    storage: &Storage,
    id: &str,
    client: &str,
    ticket: &str,
    subject: &str,
    body: &str,
    status: &str,
) {
    put(
        storage,
        "message",
        id,
        json!({"id": id, "kind": "ticket_taken", "client_id": client, "ticket_id": ticket,
               "language": "it", "recipients": "[]", "cc": "[]", "subject": subject,
               "body": body, "message_id": format!("<{id}@x.it>"), "sender": "DEV1",
               "status": status, "attempts": 1, "sent_at": "2026-11-10T10:00:00Z",
               "attachments_ready": 1, "created_at": "2026-11-10T09:00:00Z",
               "updated_at": "2026-11-10T10:00:00Z"}),
    );
}

/// A sign-in link for `contact` made straight in storage (as the sign-in page makes them);
/// the secret.
pub fn link_for(storage: &Storage, contact_id: &str, client_id: &str, ttl_secs: i64) -> String {
    use rapportino_hub::web::portal::{session, store};
    let secret = session::new_secret();
    let now = chrono::Utc::now().timestamp();
    let c = store::Contact {
        id: contact_id.into(),
        client_id: client_id.into(),
        name: String::new(),
        email: String::new(),
    };
    storage
        .plain(|tx| store::insert_link(tx, &session::hash(&secret), &c, now, now + ttl_secs))
        .unwrap();
    secret
}

/// Waits until `n` sign-in mails of the hub are queued for its mail round (the sign-in page
/// answers first and makes them in the background), at most 20 s.
pub fn wait_for_sign_in_mails(storage: &Storage, n: usize) {
    use rapportino_hub::web::portal::mailbox;
    let started = std::time::Instant::now();
    while mailbox::waiting(storage.hub_id()) < n {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{n} sign-in mails not queued after 20 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs one statement on the hub-only tables.
pub fn exec(storage: &Storage, sql: &str, params: &[SqlValue]) {
    storage.plain(|tx| tx.exec(sql, params)).unwrap();
}

/// An answer.
pub struct Page {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Page {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The page's CSRF token (the first form's).
    pub fn token(&self) -> String {
        between(&self.body, "name=\"csrf\" value=\"", "\"").to_owned()
    }

    pub fn code(&self) -> &str {
        between(&self.body, "data-code=\"", "\"")
    }
}

pub fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start} in {text}"))
        + start.len();
    let len = text[from..].find(end).unwrap();
    &text[from..from + len]
}

/// A browser: its cookies, no redirect followed.
pub struct Browser {
    pub url: String,
    agent: ureq::Agent,
    pub cookies: BTreeMap<String, String>,
}

impl Browser {
    pub fn new(hub: &TestHub) -> Browser {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(rustls_pki_types::CertificateDer::from(
                hub.cert_der.clone().unwrap(),
            ))
            .unwrap();
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let _ = common::plain_agent;
        Browser {
            url: hub.url.clone(),
            agent: ureq::AgentBuilder::new()
                .tls_config(Arc::new(config))
                .redirects(0)
                .timeout(Duration::from_secs(60))
                .build(),
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, page: &Page) {
        for c in page.set_cookies() {
            let pair = c.split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            if v.is_empty() || c.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
    }

    fn answer(&mut self, result: Result<ureq::Response, ureq::Error>) -> Page {
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("transport error: {e}"),
        };
        let mut headers = Vec::new();
        for n in response.headers_names() {
            for v in response.all(&n) {
                headers.push((n.clone(), v.to_owned()));
            }
        }
        let page = Page {
            status: response.status(),
            headers,
            body: response.into_string().unwrap(),
        };
        self.keep(&page);
        page
    }

    pub fn get(&mut self, path: &str) -> Page {
        let req = self
            .agent
            .get(&format!("{}{path}", self.url))
            .set("Accept-Language", "it-IT,it;q=0.9")
            .set("Cookie", &self.cookie_header());
        let r = req.call();
        self.answer(r)
    }

    pub fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let req = self
            .agent
            .post(&format!("{}{path}", self.url))
            .set("Content-Type", "application/x-www-form-urlencoded")
            .set("Accept-Language", "it-IT,it;q=0.9")
            .set("Cookie", &self.cookie_header());
        let r = req.send_string(&body);
        self.answer(r)
    }

    /// Follows a mailed link: the confirm page, then its POST. The answer of the POST.
    pub fn sign_in_with(&mut self, secret: &str) -> Page {
        let confirm = self.get(&format!("/portal/link?t={secret}"));
        assert_eq!(confirm.status, 200, "{}", confirm.body);
        let token = confirm.token();
        self.post(
            "/portal/link",
            &[("csrf", &token), ("t", secret), ("lang", "it")],
        )
    }
}
