//! The public request form at the hub, over real HTTP, on SQLite and on PostgreSQL: the page
//! (Italian first, English, security headers, no inline script or style); an authorised
//! contact's request becomes a hub ticket of origin web_form (severity from the form, urgent
//! from `blocking` or URGENTE) whose acknowledgement, with the ticket's number, reaches a real
//! SMTP server; a stranger's waits for triage and gets no mail; the thank-you page is the same
//! for both (no oracle of who is a contact) and never shows the number; a stranger's large
//! attachment is listed but not kept; a double submit makes one request; CSRF missing, forged or expired,
//! a filled honeypot, oversized fields, attachment and body are refused with nothing stored;
//! `<script>` in every field is shown escaped, stored verbatim and mailed as plain text; the
//! per-address and per-e-mail limits answer 429, the address's before an upload slot is taken.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use rapportino_core::intake as device_intake;
use rapportino_core::tickets;
use rapportino_hub::mail;
use rapportino_hub::storage::HubTx;
use rapportino_hub::web::csrf::Csrf;
use rapportino_hub::web::WebFormConfig;
use rapportino_hub::Storage;
use rapportino_mail::testing::{Mode, TestServer};
use rapportino_mail::{MailAccount, Secret, Security};
use rapportino_model::protocol::Role;
use rapportino_model::vocab::{RequestStatus, Severity};
use rapportino_model::Entity;
use sync_support::*;

const ATTACHMENT_MAX: usize = 64 * 1024;
const BODY_MAX: usize = 128 * 1024;
const TRIAGE_MAX: usize = 512;
const SCRIPT: &str = "<script>alert(\"x\")</script>";

fn config(per_ip: u32, per_email: u32) -> WebFormConfig {
    WebFormConfig {
        max_attachment: ATTACHMENT_MAX,
        max_body: BODY_MAX,
        per_ip,
        per_email,
        ..Default::default()
    }
}

/// An answer: status, the headers we look at, the body.
struct Page {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Page {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The form's CSRF token.
    fn token(&self) -> String {
        between(&self.body, "name=\"csrf\" value=\"", "\"").to_owned()
    }

    /// The cookie the hub set (`name=value`).
    fn cookie(&self) -> String {
        self.header("set-cookie")
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned()
    }

    fn code(&self) -> &str {
        between(&self.body, "data-code=\"", "\"")
    }
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start} in {text}"))
        + start.len();
    let len = text[from..].find(end).unwrap();
    &text[from..from + len]
}

fn page(result: Result<ureq::Response, ureq::Error>) -> Page {
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport error: {e}"),
    };
    let headers = response
        .headers_names()
        .into_iter()
        .map(|n| {
            (
                n.clone(),
                response.header(&n).unwrap_or_default().to_owned(),
            )
        })
        .collect();
    Page {
        status: response.status(),
        headers,
        body: response.into_string().unwrap(),
    }
}

/// A browser: the hub's URL and the cookie it was given.
struct Browser {
    url: String,
    agent: ureq::Agent,
    cookie: Option<String>,
}

impl Browser {
    fn new(url: &str) -> Browser {
        Browser {
            url: url.to_owned(),
            agent: common::plain_agent(),
            cookie: None,
        }
    }

    fn get(&mut self, path: &str, accept_language: Option<&str>) -> Page {
        let mut req = self.agent.get(&format!("{}{path}", self.url));
        if let Some(l) = accept_language {
            req = req.set("Accept-Language", l);
        }
        if let Some(c) = &self.cookie {
            req = req.set("Cookie", c);
        }
        let p = page(req.call());
        if p.header("set-cookie").is_some() {
            self.cookie = Some(p.cookie());
        }
        p
    }

    /// A fresh form: its token.
    fn form(&mut self) -> String {
        let p = self.get("/request", None);
        assert_eq!(p.status, 200);
        p.token()
    }

    fn post(&self, fields: &[(&str, &str)], attachment: Option<(&str, &[u8])>) -> Page {
        let (content_type, body) = multipart(fields, attachment);
        let mut req = self
            .agent
            .post(&format!("{}/request", self.url))
            .set("Content-Type", &content_type);
        if let Some(c) = &self.cookie {
            req = req.set("Cookie", c);
        }
        page(req.send_bytes(&body))
    }
}

fn multipart(fields: &[(&str, &str)], attachment: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----rapportino-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, bytes)) = attachment {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A complete, valid request's fields.
fn request<'a>(
    token: &'a str,
    email: &'a str,
    subject: &'a str,
    severity: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", token),
        ("lang", "it"),
        ("email", email),
        ("name", "Anna Ferri"),
        ("client", "Ottica Ferri"),
        ("subject", subject),
        (
            "description",
            "Da stamattina la cassa non stampa gli scontrini.",
        ),
        ("severity", severity),
        ("website", ""),
    ]
}

fn count(storage: &Storage, entity: Entity, field: &str, value: &str) -> usize {
    storage
        .write(|tx: &mut dyn HubTx| tx.rows_where(entity.name(), field, value, 100_000))
        .unwrap()
        .len()
}

/// The number of the one ticket titled `title`, read from the hub's storage (the page does not
/// show it).
fn ticket_number(storage: &Storage, title: &str) -> String {
    let found = storage
        .write(|tx: &mut dyn HubTx| tx.rows_where(Entity::Ticket.name(), "title", title, 10))
        .unwrap();
    assert_eq!(found.len(), 1, "one ticket titled {title}");
    found[0].1.fields["number"].as_str().unwrap().to_owned()
}

fn requests(storage: &Storage) -> usize {
    count(storage, Entity::IncomingRequest, "origin", "web_form")
}

/// A raw HTTP/1.1 exchange (the body-limit cases a client library would not send).
fn raw(url: &str, head_and_body: &[u8]) -> String {
    let addr = url
        .trim_start_matches("http://")
        .replace("localhost", "127.0.0.1");
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = s.write_all(head_and_body);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn the_web_form_takes_requests_on_sqlite() {
    web_form_at_the_hub(None);
}

#[test]
fn the_web_form_takes_requests_on_postgresql() {
    let Some(db) = common::PgDatabase::create() else {
        return; // no PostgreSQL outside CI: skipped loudly by the helper
    };
    web_form_at_the_hub(Some(&db.url));
}

fn web_form_at_the_hub(storage_url: Option<&str>) {
    let smtp = TestServer::start(Mode::Accept, "hub@rinaldi.it", "segreta");
    let hub = TestHub::start_with(storage_url, false, |c| {
        c.web_form = Some(WebFormConfig {
            triage_max_attachment: TRIAGE_MAX,
            ..config(1000, 3)
        })
    });
    let dir = tempfile::tempdir().unwrap();
    let mut uf = Device::onboarded(dir.path(), "UF", rome(2026, 11, 16, 8, 0));
    uf.mail_on();
    let client = uf.client("Ottica Ferri");
    uf.authorised_contact(&client, "Anna Ferri", "anna@ferri.it");
    rapportino_sync_http::enrol(
        &mut uf.store,
        &hub.url,
        &hub.code(Role::Office),
        "Ufficio",
        None,
    )
    .unwrap();
    uf.sync();
    let mut anna = Browser::new(&hub.url);

    // The page: Italian first, English by the browser or the switch; the headers; no inline
    // script or style.
    let it = anna.get("/request", Some("it-IT,it;q=0.9,en;q=0.8"));
    assert_eq!(it.status, 200);
    assert!(it.body.contains("<html lang=\"it\">"), "{}", it.body);
    assert!(it.body.contains("Richiesta di assistenza"));
    assert!(it.body.contains("href=\"/request?lang=en\""));
    for tag in ["<script", "<style", " style=", "onclick", "onsubmit"] {
        assert!(!it.body.contains(tag), "{tag}");
    }
    assert_eq!(
        it.header("content-security-policy"),
        Some("default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")
    );
    assert_eq!(it.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(it.header("referrer-policy"), Some("same-origin"));
    assert_eq!(it.header("strict-transport-security"), None, "plain HTTP");
    let set_cookie = it.header("set-cookie").unwrap();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"));
    let en = anna.get("/request", Some("en-GB,en;q=0.9"));
    assert!(en.body.contains("<html lang=\"en\">") && en.body.contains("Support request"));
    assert!(en.header("set-cookie").is_none(), "the cookie is kept");
    let switched = anna.get("/request?lang=en", Some("it-IT"));
    assert!(switched.body.contains("Support request"));
    let css = anna.get("/assets/web.css", None);
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));

    // A known contact: a ticket, blocking hence urgent, its attachment listed.
    let token = anna.form();
    let known = request(&token, "Anna@Ferri.it", "La cassa non stampa", "blocking");
    let done = anna.post(&known, Some(("scontrino.txt", b"TM-T20 err 3")));
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("id=\"received\""), "{}", done.body);
    assert!(done
        .body
        .contains("Richiesta ricevuta: riceverà una conferma via e-mail."));
    let number = ticket_number(&hub.storage, "La cassa non stampa");
    assert!(number.contains("-HUB-"), "{number}");
    assert!(!done.body.contains(&number), "the number only in the mail");
    // The same form again (a double submit, a reload): one request, the same page.
    let again = anna.post(&known, Some(("scontrino.txt", b"TM-T20 err 3")));
    assert_eq!(again.body, done.body);
    assert_eq!(requests(&hub.storage), 1);
    assert_eq!(count(&hub.storage, Entity::Ticket, "origin", "web_form"), 1);
    assert_eq!(
        count(
            &hub.storage,
            Entity::IncomingAttachment,
            "name",
            "scontrino.txt"
        ),
        1
    );
    // Its content is kept by the hub, for devices to fetch by hash.
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(b"TM-T20 err 3"))
    };
    let kept = hub.storage.read(|r| r.attachment_content(&sha)).unwrap();
    assert_eq!(kept.as_deref(), Some(&b"TM-T20 err 3"[..]));

    // URGENTE in the subject with the severity "request", from the English page.
    let token = anna.form();
    let mut english = request(&token, "anna@ferri.it", "URGENTE: stampante", "request");
    english[1] = ("lang", "en");
    // An attachment past the strangers' limit: an authorised contact's is kept.
    let log = vec![b'L'; TRIAGE_MAX + 1];
    let urgent = anna.post(&english, Some(("log.txt", &log)));
    assert!(
        urgent
            .body
            .contains("Request received: you will get a confirmation by e-mail."),
        "{}",
        urgent.body
    );
    let urgent_number = ticket_number(&hub.storage, "URGENTE: stampante");
    assert!(!urgent.body.contains(&urgent_number));
    let sha = |b: &[u8]| {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(b))
    };
    let kept = hub
        .storage
        .read(|r| r.attachment_content(&sha(&log)))
        .unwrap();
    assert_eq!(kept.as_deref(), Some(&log[..]));

    // A stranger: the triage queue, and the very same page as the contact's (the page is no
    // oracle of who is a contact).
    let mut luca = Browser::new(&hub.url);
    let token = luca.form();
    let big = vec![b'Z'; TRIAGE_MAX + 1];
    let triage = luca.post(
        &request(&token, "luca@nuovo.it", "Preventivo", "request"),
        Some(("foto.txt", &big)),
    );
    assert_eq!(triage.status, 200);
    assert_eq!(triage.body, done.body);
    assert_eq!(requests(&hub.storage), 3);
    // Its attachment past the strangers' limit: listed by name, size and hash, not kept.
    let listed = hub
        .storage
        .write(|tx: &mut dyn HubTx| {
            tx.rows_where(Entity::IncomingAttachment.name(), "name", "foto.txt", 10)
        })
        .unwrap();
    assert_eq!(listed.len(), 1);
    let f = &listed[0].1.fields;
    assert_eq!(f["size"], serde_json::json!(TRIAGE_MAX + 1));
    assert_eq!(f["sha256"].as_str(), Some(sha(&big).as_str()));
    assert_eq!(f["kept"], serde_json::json!(false));
    let kept = hub
        .storage
        .read(|r| r.attachment_content(&sha(&big)))
        .unwrap();
    assert_eq!(kept, None, "a stranger's large attachment is not kept");
    // Within the strangers' limit it is kept.
    let token = luca.form();
    let small = vec![b'S'; TRIAGE_MAX];
    let triage = luca.post(
        &request(&token, "luca@nuovo.it", "Preventivo 2", "request"),
        Some(("piccola.txt", &small)),
    );
    assert_eq!(triage.body, done.body);
    let kept = hub
        .storage
        .read(|r| r.attachment_content(&sha(&small)))
        .unwrap();
    assert_eq!(kept.as_deref(), Some(&small[..]));
    assert_eq!(requests(&hub.storage), 4);

    // CSRF: missing (no token, no cookie), forged, expired: a stable code, nothing stored.
    let token = anna.form();
    let mut no_token = request(&token, "anna@ferri.it", "Senza token", "request");
    no_token.retain(|(k, _)| *k != "csrf");
    let refused = anna.post(&no_token, None);
    assert_eq!((refused.status, refused.code()), (403, "CSRF_MISSING"));
    let stranger = Browser::new(&hub.url);
    let refused = stranger.post(
        &request(&token, "anna@ferri.it", "Senza cookie", "request"),
        None,
    );
    assert_eq!((refused.status, refused.code()), (403, "CSRF_MISSING"));
    let forged = token.replacen("v1.", "v1.1", 1);
    let refused = anna.post(&request(&forged, "anna@ferri.it", "Falso", "request"), None);
    assert_eq!((refused.status, refused.code()), (403, "CSRF_INVALID"));
    let other_cookie = luca.form();
    let refused = anna.post(
        &request(&other_cookie, "anna@ferri.it", "Altro cookie", "request"),
        None,
    );
    assert_eq!((refused.status, refused.code()), (403, "CSRF_INVALID"));
    let cookie_value = anna
        .cookie
        .as_ref()
        .unwrap()
        .split('=')
        .nth(1)
        .unwrap()
        .to_owned();
    let old = Csrf::new(hub.storage.grant_key(), 4 * 3600)
        .issue(&cookie_value, chrono::Utc::now().timestamp() - 5 * 3600);
    let refused = anna.post(&request(&old, "anna@ferri.it", "Scaduto", "request"), None);
    assert_eq!((refused.status, refused.code()), (403, "CSRF_EXPIRED"));
    assert!(
        refused.body.contains("value=\"Scaduto\""),
        "the values kept"
    );
    assert_eq!(requests(&hub.storage), 4);

    // The honeypot: a page that looks received, nothing stored.
    let token = anna.form();
    let mut bot = request(&token, "anna@ferri.it", "Offerta imperdibile", "request");
    bot.retain(|(k, _)| *k != "website");
    bot.push(("website", "http://spam.example"));
    let fooled = anna.post(&bot, None);
    assert_eq!(fooled.status, 200);
    assert_eq!(fooled.body, done.body);
    assert_eq!(requests(&hub.storage), 4);

    // Oversized: a field, the attachment, the whole body (declared, then streamed): 413.
    let token = anna.form();
    let long = "x".repeat(10_001);
    let mut too_long = request(&token, "anna@ferri.it", "Lungo", "request");
    too_long.retain(|(k, _)| *k != "description");
    too_long.push(("description", &long));
    let refused = anna.post(&too_long, None);
    assert_eq!((refused.status, refused.code()), (413, "FIELD_TOO_LONG"));
    let big = vec![b'a'; ATTACHMENT_MAX + 1];
    let refused = anna.post(
        &request(&token, "anna@ferri.it", "Grande", "request"),
        Some(("big.txt", &big)),
    );
    assert_eq!(
        (refused.status, refused.code()),
        (413, "ATTACHMENT_TOO_LARGE")
    );
    let cookie = anna.cookie.clone().unwrap();
    let head = format!(
        "POST /request HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\n\
         Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {}\r\n\r\n",
        BODY_MAX + 1
    );
    let answer = raw(&hub.url, head.as_bytes());
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("data-code=\"BODY_TOO_LARGE\""));
    let mut chunked = format!(
        "POST /request HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\n\
         Content-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    for _ in 0..(BODY_MAX / 4096 + 1) {
        chunked.extend_from_slice(format!("1000\r\n{}\r\n", "y".repeat(4096)).as_bytes());
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let answer = raw(&hub.url, &chunked);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert_eq!(requests(&hub.storage), 4);

    // <script> in every field: shown escaped in the form shown again (the e-mail is not one),
    // stored verbatim from a valid post, mailed as plain text.
    let token = anna.form();
    let every: Vec<(&str, &str)> = vec![
        ("csrf", &token),
        ("lang", "it"),
        ("email", SCRIPT),
        ("name", SCRIPT),
        ("client", SCRIPT),
        ("subject", SCRIPT),
        ("description", SCRIPT),
        ("severity", SCRIPT),
    ];
    let shown = anna.post(&every, None);
    assert_eq!((shown.status, shown.code()), (422, "EMAIL_INVALID"));
    assert!(!shown.body.contains("<script"), "{}", shown.body);
    let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;";
    assert_eq!(shown.body.matches(escaped).count(), 5, "{}", shown.body);
    let mut verbatim = request(&token, "anna@ferri.it", SCRIPT, "degraded");
    for (k, v) in verbatim.iter_mut() {
        if ["name", "client", "description"].contains(k) {
            *v = SCRIPT;
        }
    }
    let stored = anna.post(&verbatim, None);
    assert_eq!(stored.status, 200, "{}", stored.body);
    assert!(!stored.body.contains("<script"));
    let script_number = ticket_number(&hub.storage, SCRIPT);

    // Past the e-mail address's limit (3 an hour here): 429 with the code, nothing stored.
    let token = anna.form();
    let limited = anna.post(&request(&token, "anna@ferri.it", "Ancora", "request"), None);
    assert_eq!((limited.status, limited.code()), (429, "RATE_LIMITED"));
    assert!(limited.header("retry-after").is_some());
    assert_eq!(requests(&hub.storage), 5);

    // The office's device pulls it all.
    uf.sync();
    let t = tickets::get_by_number(&uf.store, &number).unwrap();
    assert_eq!(t.origin.as_str(), "web_form");
    assert_eq!(t.severity, Severity::Blocking);
    assert!(t.urgent);
    assert_eq!(t.client_id, client.id);
    assert_eq!(t.title, "La cassa non stampa");
    let t = tickets::get_by_number(&uf.store, &urgent_number).unwrap();
    assert_eq!((t.severity, t.urgent), (Severity::Request, true));
    let t = tickets::get_by_number(&uf.store, &script_number).unwrap();
    assert_eq!(t.title, SCRIPT);
    assert!(t.description.as_deref().unwrap().starts_with(SCRIPT));
    assert!(t
        .description
        .as_deref()
        .unwrap()
        .contains(&format!("Azienda indicata: {SCRIPT}")));
    assert_eq!((t.severity, t.urgent), (Severity::Degraded, false));
    let waiting = device_intake::list(&uf.store, Some(RequestStatus::New)).unwrap();
    assert_eq!(waiting.len(), 2);
    assert_eq!(waiting[0].sender_email.as_deref(), Some("luca@nuovo.it"));
    assert_eq!(waiting[0].origin.as_str(), "web_form");

    // The acknowledgements reach the SMTP server, as plain text, <script> as typed.
    let mut account = MailAccount::new(
        "127.0.0.1",
        Security::Plain,
        "hub@rinaldi.it",
        Secret::new("segreta"),
        "assistenza@rinaldi.it",
        "Assistenza Rinaldi",
    );
    account.port = Some(smtp.port);
    let sent = mail::send_round(&hub.storage, &account, chrono::Utc::now()).unwrap();
    assert_eq!(sent.sent, 3, "{sent:?}");
    let delivered = smtp.delivered_text();
    // The stranger gets nothing: the form mails no unverified address.
    assert!(
        !delivered.iter().any(|m| m.contains("luca@nuovo.it")),
        "{delivered:?}"
    );
    let of = |n: &str| delivered.iter().find(|m| m.contains(n)).unwrap().clone();
    let first = of(&number);
    assert!(first.contains("anna@ferri.it"));
    assert!(first.contains("Modulo web"), "the channel: {first}");
    assert!(first.contains("Bloccante"));
    assert!(first.contains("Richiesta ricevuta"), "Italian: {first}");
    let english = of(&urgent_number);
    assert!(
        english.contains("Request received"),
        "the page's language: {english}"
    );
    let script_mail = of(&script_number);
    assert!(script_mail
        .to_ascii_lowercase()
        .contains("content-type: text/plain"));
    assert!(!script_mail.to_ascii_lowercase().contains("text/html"));
}

#[test]
fn one_address_is_limited_and_tls_pages_ask_for_https() {
    let hub = TestHub::start_with(None, true, |c| c.web_form = Some(config(2, 100)));
    let der =
        rustls_pki_types::pem::PemObject::from_pem_slice(hub.ca_pem.as_ref().unwrap().as_bytes())
            .map(|d: rustls_pki_types::CertificateDer<'static>| d)
            .unwrap();
    let mut b = Browser::new(&hub.url);
    b.agent = common::agent_trusting(&der);
    let first = b.get("/request", None);
    assert_eq!(
        first.header("strict-transport-security"),
        Some("max-age=31536000")
    );
    assert!(first.header("set-cookie").unwrap().contains("Secure"));
    for i in 0..2 {
        let token = b.form();
        let subject = format!("Richiesta {i}");
        let p = b.post(
            &request(&token, &format!("p{i}@nuovo.it"), &subject, "request"),
            None,
        );
        assert_eq!(p.status, 200, "{}", p.body);
    }
    let token = b.form();
    let p = b.post(&request(&token, "p3@nuovo.it", "Terza", "request"), None);
    assert_eq!((p.status, p.code()), (429, "RATE_LIMITED"));
    assert!(p.header("retry-after").is_some());
    assert_eq!(requests(&hub.storage), 2);
    // A bot filling the trap is limited like anyone else (not answered "received" for free).
    let token = b.form();
    let mut bot = request(&token, "p4@nuovo.it", "Spam", "request");
    bot.retain(|(k, _)| *k != "website");
    bot.push(("website", "http://spam.example"));
    let p = b.post(&bot, None);
    assert_eq!((p.status, p.code()), (429, "RATE_LIMITED"));
}

#[test]
fn without_the_option_there_is_no_form() {
    let hub = TestHub::start(None, false);
    let mut b = Browser::new(&hub.url);
    assert_eq!(b.get("/request", None).status, 404);
}

#[test]
fn only_so_many_forms_are_read_at_once() {
    let hub = TestHub::start_with(None, false, |c| {
        c.web_form = Some(WebFormConfig {
            max_uploads: 2,
            ..config(100, 100)
        })
    });
    let mut b = Browser::new(&hub.url);
    let token = b.form();
    // Two slow senders hold both slots: their bodies announced, not sent.
    let addr = hub
        .url
        .trim_start_matches("http://")
        .replace("localhost", "127.0.0.1");
    let slow: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut s = TcpStream::connect(&addr).unwrap();
            s.write_all(
                b"POST /request HTTP/1.1\r\nHost: localhost\r\n\
                  Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 1000\r\n\r\n--b\r\n",
            )
            .unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let busy = b.post(&request(&token, "p@nuovo.it", "Occupato", "request"), None);
    assert_eq!(
        (busy.status, busy.code()),
        (503, "HUB_BUSY"),
        "{}",
        busy.body
    );
    assert!(busy.header("retry-after").is_some());
    // They give up: the slots are free again.
    drop(slow);
    std::thread::sleep(Duration::from_millis(300));
    let token = b.form();
    let done = b.post(&request(&token, "p@nuovo.it", "Libero", "request"), None);
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(requests(&hub.storage), 1);
}

/// A sender over the address's limit is answered 429 before its body is read: it never holds
/// an upload slot (here the only one), however slowly it sends.
#[test]
fn a_limited_address_holds_no_upload_slot() {
    let hub = TestHub::start_with(None, false, |c| {
        c.web_form = Some(WebFormConfig {
            max_uploads: 1,
            ..config(1, 100)
        })
    });
    let mut b = Browser::new(&hub.url);
    let token = b.form();
    let first = b.post(&request(&token, "p@nuovo.it", "Prima", "request"), None);
    assert_eq!(first.status, 200, "{}", first.body);
    let addr = hub
        .url
        .trim_start_matches("http://")
        .replace("localhost", "127.0.0.1");
    // Over the limit, a body announced and never sent: the answer comes at once.
    let mut slow = TcpStream::connect(&addr).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    slow.write_all(
        b"POST /request HTTP/1.1\r\nHost: localhost\r\n\
          Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n",
    )
    .unwrap();
    let mut head = [0u8; 64];
    let n = slow.read(&mut head).unwrap_or(0);
    let head = String::from_utf8_lossy(&head[..n]);
    assert!(head.starts_with("HTTP/1.1 429"), "{head:?}");
    assert_eq!(requests(&hub.storage), 1);
}

/// The real binary: `web_form = true` in its configuration file (`--web-form`) serves the
/// form with the options given; the form's options without `--web-form` are refused.
#[test]
fn the_binary_serves_the_form_when_asked() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("hub.db").display());
    let bin = env!("CARGO_BIN_EXE_rapportino-hub");
    let refused = std::process::Command::new(bin)
        .args([
            "serve",
            "--storage",
            &db,
            "--insecure-http",
            "--web-form-per-ip",
            "1",
        ])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--web-form"));
    // The options from hub.toml, as the Debian package's file has them.
    let toml = dir.path().join("hub.toml");
    std::fs::write(
        &toml,
        format!(
            "storage = \"{db}\"\nlisten = \"127.0.0.1:0\"\ninsecure_http = true\n\
             web_form = true\nweb_form_per_ip = 1\n"
        ),
    )
    .unwrap();
    let mut child = std::process::Command::new(bin)
        .args(["serve", "--config"])
        .arg(&toml)
        .arg("--log-json")
        .env("RUST_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut lines = stderr.lines().map_while(Result::ok);
    let addr = lines
        .find_map(|l| {
            let v: serde_json::Value = serde_json::from_str(&l).ok()?;
            (v["message"] == "hub listening").then(|| v["addr"].as_str().unwrap().to_owned())
        })
        .unwrap();
    std::thread::spawn(move || lines.for_each(drop));
    let mut b = Browser::new(&format!("http://{addr}"));
    let token = b.form();
    let first = b.post(&request(&token, "p@nuovo.it", "Prima", "request"), None);
    assert_eq!(first.status, 200, "{}", first.body);
    let token = b.form();
    let second = b.post(&request(&token, "q@nuovo.it", "Seconda", "request"), None);
    assert_eq!((second.status, second.code()), (429, "RATE_LIMITED"));
    let _ = child.kill();
    let _ = child.wait();
}
