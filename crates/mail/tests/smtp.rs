//! rapportino-mail against a real SMTP server (python3-aiosmtpd, tests/smtp_server.py): what
//! arrives, connection reuse, and the faults — server down, greylisting, 550, wrong password,
//! certificate for another name, attachment over the limit, the same Message-ID on a retry.

mod common;

use std::time::Duration;

use common::{closed_port, fake_pdf, Mode, ServerOptions, TestServer, FROM};
use mail_parser::{HeaderValue, MessageParser, MimeHeaders};
use rapportino_mail::backoff::MAX_ATTEMPTS;
use rapportino_mail::{
    send_one, send_test_message, Attachment, Code, Outcome, OutgoingMessage, Secret, Security,
    Sender,
};

const TEXT: &str = "Gentile cliente,\n\nl'intervento sul ticket T-2026-MR-0001 è terminato: \
                    perché il server non si avviava? La scheda di rete era guasta.\n\
                    Più tardi passerà il tecnico. Città: Forlì. Caffè? Sì, grazie — €10.\n\
                    .Una riga che comincia con un punto (SMTP la protegge raddoppiandolo).\n\
                    .\n\
                    Fine.\n";

fn statement(id: &str, to: &str) -> OutgoingMessage {
    let mut m = OutgoingMessage::new(
        format!("<{id}@rapportino.test>"),
        to,
        "[T-2026-MR-0001] Rapporto d'intervento firmato — perché è già chiuso",
        TEXT,
    );
    m.attachments.push(Attachment {
        filename: "RI-2026-MR-0001.pdf".into(),
        content_type: "application/pdf".into(),
        bytes: fake_pdf(60 * 1024, 1),
    });
    m
}

fn message_ids(server: &TestServer) -> Vec<String> {
    server
        .delivered()
        .iter()
        .map(|raw| {
            let parsed = MessageParser::default().parse(raw).expect("parse");
            parsed.message_id().expect("Message-ID").to_string()
        })
        .collect()
}

fn error_of(outcome: &Outcome) -> &rapportino_mail::MailError {
    outcome
        .error()
        .unwrap_or_else(|| panic!("expected an error, got {outcome:?}"))
}

#[test]
fn starttls_with_login_delivers_headers_italian_text_and_the_pdf_byte_equal() {
    let server = TestServer::start(ServerOptions::default());
    let mut account = server.account();
    account.reply_to = Some("Ufficio <ufficio@example.it>".into());
    let mut message = statement("ri-1", "Mario Rossi <mario.rossi@cliente.example.it>");
    message.cc = vec!["copia@example.it".into()];
    message.in_reply_to = Some("<t-open@rapportino.test>".into());
    message.references = vec![
        "<t-open@rapportino.test>".into(),
        "<t-taken@rapportino.test>".into(),
    ];
    message.html = Some("<p>L'intervento è terminato — perché?</p>".into());
    let pdf = message.attachments[0].bytes.clone();

    let outcome = send_one(&account, &message);
    let Outcome::Sent { reply } = &outcome else {
        panic!("not sent: {outcome:?}");
    };
    assert!(
        reply.starts_with("250 ") && reply.contains("queued as"),
        "{reply}"
    );

    // The customer's copy, then the CC's in a transaction of its own: the same bytes.
    let delivered = server.delivered();
    assert_eq!(delivered.len(), 2);
    assert_eq!(delivered[0], delivered[1]);
    assert_eq!(
        server.envelopes(),
        [["mario.rossi@cliente.example.it"], ["copia@example.it"]]
    );
    assert!(reply.contains("; CC copia@example.it: 250 "), "{reply}");
    let parsed = MessageParser::default()
        .parse(&delivered[0])
        .expect("parse");
    assert_eq!(parsed.message_id(), Some("ri-1@rapportino.test"));
    assert_eq!(
        parsed.subject(),
        Some("[T-2026-MR-0001] Rapporto d'intervento firmato — perché è già chiuso")
    );
    assert!(parsed.subject().unwrap().contains("[T-2026-MR-0001]"));
    assert_eq!(
        parsed.header_raw("Auto-Submitted").map(str::trim),
        Some("auto-generated")
    );
    assert_eq!(
        parsed.in_reply_to().as_text(),
        Some("t-open@rapportino.test")
    );
    let references: Vec<String> = match parsed.references() {
        HeaderValue::TextList(list) => list.iter().map(|s| s.to_string()).collect(),
        HeaderValue::Text(t) => vec![t.to_string()],
        other => panic!("references: {other:?}"),
    };
    assert_eq!(
        references,
        ["t-open@rapportino.test", "t-taken@rapportino.test"]
    );
    let from = parsed.from().and_then(|f| f.first()).expect("From");
    assert_eq!(from.address(), Some(FROM));
    assert_eq!(from.name(), Some("Officina Rossi"));
    let to = parsed.to().and_then(|t| t.first()).expect("To");
    assert_eq!(to.address(), Some("mario.rossi@cliente.example.it"));
    assert_eq!(to.name(), Some("Mario Rossi"));
    assert_eq!(
        parsed
            .cc()
            .and_then(|c| c.first())
            .and_then(|c| c.address()),
        Some("copia@example.it")
    );
    assert_eq!(
        parsed
            .reply_to()
            .and_then(|r| r.first())
            .and_then(|r| r.address()),
        Some("ufficio@example.it")
    );
    // The text with its accents, decoded as the customer's client decodes it.
    assert_eq!(
        parsed.body_text(0).expect("text").replace("\r\n", "\n"),
        TEXT
    );
    assert!(parsed.body_html(0).expect("html").contains("è terminato"));
    // The PDF, byte for byte.
    assert_eq!(parsed.attachment_count(), 1);
    let attachment = parsed.attachment(0).expect("attachment");
    assert_eq!(attachment.attachment_name(), Some("RI-2026-MR-0001.pdf"));
    assert_eq!(
        attachment.content_type().map(|c| (c.ctype(), c.subtype())),
        Some(("application", Some("pdf")))
    );
    assert_eq!(attachment.contents(), pdf.as_slice());
}

#[test]
fn implicit_tls_delivers() {
    let server = TestServer::start(ServerOptions {
        security: Security::ImplicitTls,
        ..ServerOptions::default()
    });
    let outcome = send_one(&server.account(), &statement("smtps-1", "a@example.it"));
    assert!(outcome.is_sent(), "{outcome:?}");
    assert_eq!(message_ids(&server), ["smtps-1@rapportino.test"]);
}

#[test]
fn plain_to_a_loopback_relay_delivers() {
    let server = TestServer::start(ServerOptions {
        security: Security::Plain,
        ..ServerOptions::default()
    });
    let outcome = send_one(&server.account(), &statement("plain-1", "a@example.it"));
    assert!(outcome.is_sent(), "{outcome:?}");
    assert_eq!(server.delivered_count(), 1);
}

#[test]
fn a_batch_goes_over_one_connection() {
    let server = TestServer::start(ServerOptions::default());
    let messages: Vec<OutgoingMessage> = (0..6)
        .map(|i| statement(&format!("batch-{i}"), &format!("cliente{i}@example.it")))
        .collect();
    let mut sender = Sender::new(server.account()).unwrap();
    let outcomes = sender.send_batch(&messages);
    assert!(outcomes.iter().all(Outcome::is_sent), "{outcomes:?}");
    assert_eq!(sender.connections_opened(), 1);
    sender.close();
    let expected: Vec<String> = (0..6)
        .map(|i| format!("batch-{i}@rapportino.test"))
        .collect();
    assert_eq!(message_ids(&server), expected);

    // A limit per connection opens a new one after that many messages.
    let mut account = server.account();
    account.messages_per_connection = Some(2);
    let mut sender = Sender::new(account).unwrap();
    let outcomes = sender.send_batch(&messages);
    assert!(outcomes.iter().all(Outcome::is_sent), "{outcomes:?}");
    assert_eq!(sender.connections_opened(), 3);
}

#[test]
fn server_down_defers_with_mail_unreachable() {
    let server = TestServer::start(ServerOptions::default());
    let mut account = server.account();
    account.port = Some(closed_port());
    let messages = [
        statement("down-1", "a@example.it"),
        statement("down-2", "b@example.it"),
    ];
    let mut sender = Sender::new(account).unwrap();
    let outcomes = sender.send_batch(&messages);
    for outcome in &outcomes {
        let Outcome::Deferred { error, retry_after } = outcome else {
            panic!("not deferred: {outcome:?}");
        };
        assert_eq!(error.code(), Code::MailUnreachable, "{error}");
        assert!(error.is_transient());
        assert_eq!(*retry_after, Duration::from_secs(60));
    }
    // The second message was not tried against a server already known to be down.
    assert_eq!(sender.connections_opened(), 0);
    assert_eq!(server.delivered_count(), 0);
}

#[test]
fn greylisting_defers_then_the_retry_is_accepted_with_the_same_message_id() {
    let server = TestServer::start(ServerOptions {
        mode: Mode::Greylist,
        ..ServerOptions::default()
    });
    let first = statement("grey-1", "grigio@example.it");
    let second = statement("grey-2", "altro@example.it");
    let mut sender = Sender::new(server.account()).unwrap();
    let outcomes = sender.send_batch(&[first.clone(), second.clone()]);
    for outcome in &outcomes {
        let Outcome::Deferred { error, retry_after } = outcome else {
            panic!("not deferred: {outcome:?}");
        };
        assert_eq!(error.code(), Code::MailDeferred);
        assert_eq!(error.smtp_code(), Some(451));
        assert!(error.message().contains("Greylisted"), "{error}");
        assert_eq!(*retry_after, Duration::from_secs(60));
    }
    // The refusal reset the transaction; the connection carried the second message too.
    assert_eq!(sender.connections_opened(), 1);
    assert_eq!(server.delivered_count(), 0);

    // The outbox's retry: the next attempt, the same message.
    let retry: Vec<OutgoingMessage> = [first, second]
        .into_iter()
        .map(|mut m| {
            m.attempt += 1;
            m
        })
        .collect();
    let outcomes = sender.send_batch(&retry);
    assert!(outcomes.iter().all(Outcome::is_sent), "{outcomes:?}");
    assert_eq!(
        message_ids(&server),
        ["grey-1@rapportino.test", "grey-2@rapportino.test"]
    );
}

#[test]
fn a_transient_failure_at_the_last_attempt_fails_for_good() {
    let server = TestServer::start(ServerOptions {
        mode: Mode::Greylist,
        ..ServerOptions::default()
    });
    let mut message = statement("grey-last", "ultimo@example.it");
    message.attempt = MAX_ATTEMPTS;
    let outcome = send_one(&server.account(), &message);
    let Outcome::Failed { error } = &outcome else {
        panic!("not failed: {outcome:?}");
    };
    assert_eq!(error.code(), Code::MailDeferred);
    assert!(
        error.message().starts_with("gave up after 12 attempts"),
        "{error}"
    );
    assert!(error.message().contains("451"), "{error}");
}

#[test]
fn a_550_fails_with_the_servers_reply() {
    let server = TestServer::start(ServerOptions {
        mode: Mode::Reject,
        ..ServerOptions::default()
    });
    let mut sender = Sender::new(server.account()).unwrap();
    let outcomes = sender.send_batch(&[
        statement("refused-1", "nessuno@example.it"),
        statement("refused-2", "altro@example.it"),
    ]);
    for outcome in &outcomes {
        let Outcome::Failed { error } = outcome else {
            panic!("not failed: {outcome:?}");
        };
        assert_eq!(error.code(), Code::MailRefused);
        assert_eq!(error.smtp_code(), Some(550));
        assert!(!error.is_transient());
        assert!(error.message().contains("User unknown"), "{error}");
    }
    assert!(outcomes[0].reply().contains("nessuno@example.it"));
    assert_eq!(sender.connections_opened(), 1);
    assert_eq!(server.delivered_count(), 0);
}

#[test]
fn a_refused_copy_does_not_stop_the_customers_message() {
    let server = TestServer::start(ServerOptions {
        refuse: &["sbagliata@officina.it"],
        ..ServerOptions::default()
    });
    let mut sender = Sender::new(server.account()).unwrap();
    let mut two_copies = statement("cc-1", "cliente@example.it");
    two_copies.cc = vec![
        "sbagliata@officina.it".into(),
        "Archivio <archivio@officina.it>".into(),
    ];
    let mut refused_copy = statement("cc-2", "altro.cliente@example.it");
    refused_copy.cc = vec!["sbagliata@officina.it".into()];
    // A refused primary recipient still fails the message, copies or not.
    let mut refused_primary = statement("cc-3", "sbagliata@officina.it");
    refused_primary.cc = vec!["archivio@officina.it".into()];
    let outcomes = sender.send_batch(&[two_copies, refused_copy, refused_primary]);

    let Outcome::Sent { reply } = &outcomes[0] else {
        panic!("not sent: {:?}", outcomes[0]);
    };
    assert!(reply.starts_with("250 "), "{reply}");
    assert!(reply.contains("CC archivio@officina.it: 250 "), "{reply}");
    assert!(
        reply.contains("CC sbagliata@officina.it refused:") && reply.contains("550"),
        "{reply}"
    );
    let Outcome::Sent { reply } = &outcomes[1] else {
        panic!("not sent: {:?}", outcomes[1]);
    };
    assert!(reply.starts_with("250 "), "{reply}");
    assert!(
        reply.contains("CC sbagliata@officina.it refused:"),
        "{reply}"
    );
    let error = error_of(&outcomes[2]);
    assert_eq!(error.code(), Code::MailRefused);
    assert_eq!(error.smtp_code(), Some(550));

    // The customer's copy first, in its own transaction; the shop's after it, same bytes and
    // Message-ID; nothing of the refused message; all over one connection.
    assert_eq!(
        server.envelopes(),
        vec![
            vec!["cliente@example.it".to_owned()],
            vec!["archivio@officina.it".to_owned()],
            vec!["altro.cliente@example.it".to_owned()],
        ]
    );
    assert_eq!(
        message_ids(&server),
        [
            "cc-1@rapportino.test",
            "cc-1@rapportino.test",
            "cc-2@rapportino.test"
        ]
    );
    let delivered = server.delivered();
    assert_eq!(delivered[0], delivered[1]);
    assert_eq!(sender.connections_opened(), 1);
}

#[test]
fn a_wrong_password_is_mail_auth_failed() {
    let server = TestServer::start(ServerOptions::default());
    let mut account = server.account();
    account.password = Secret::new("sbagliata-123");
    let mut sender = Sender::new(account).unwrap();
    let outcomes = sender.send_batch(&[
        statement("auth-1", "a@example.it"),
        statement("auth-2", "b@example.it"),
    ]);
    for outcome in &outcomes {
        let Outcome::Failed { error } = outcome else {
            panic!("not failed: {outcome:?}");
        };
        assert_eq!(error.code(), Code::MailAuthFailed);
        assert_eq!(error.smtp_code(), Some(535));
        assert!(error.message().contains("credentials invalid"), "{error}");
        assert!(!error.message().contains("sbagliata"), "{error}");
    }
    // One login refused is enough: the second message was not tried again.
    assert_eq!(sender.connections_opened(), 1);
    assert_eq!(server.delivered_count(), 0);
}

#[test]
fn a_certificate_for_another_name_is_mail_tls() {
    for security in [Security::Starttls, Security::ImplicitTls] {
        let server = TestServer::start(ServerOptions {
            security,
            cert_names: &["mail.altro-dominio.example"],
            ..ServerOptions::default()
        });
        let outcome = send_one(&server.account(), &statement("tls-1", "a@example.it"));
        let Outcome::Deferred { error, .. } = &outcome else {
            panic!("{security:?}: not deferred: {outcome:?}");
        };
        assert_eq!(error.code(), Code::MailTls, "{security:?}: {error}");
        assert!(
            error.message().contains("not valid for the name localhost"),
            "{security:?}: {error}"
        );
        assert_eq!(server.delivered_count(), 0);
    }
}

#[test]
fn a_certificate_from_an_unknown_authority_is_mail_tls() {
    let server = TestServer::start(ServerOptions::default());
    let mut account = server.account();
    account.extra_ca_pem = None;
    let outcome = send_one(&account, &statement("tls-2", "a@example.it"));
    let error = error_of(&outcome);
    assert_eq!(error.code(), Code::MailTls);
    assert!(
        error
            .message()
            .contains("not signed by a trusted authority"),
        "{error}"
    );
    assert_eq!(server.delivered_count(), 0);
}

#[test]
fn starttls_is_required_when_configured() {
    // A server without TLS: the STARTTLS account refuses to go on in clear.
    let server = TestServer::start(ServerOptions {
        security: Security::Plain,
        ..ServerOptions::default()
    });
    let mut account = server.account();
    account.security = Security::Starttls;
    let outcome = send_one(&account, &statement("clear-1", "a@example.it"));
    let error = error_of(&outcome);
    assert_eq!(error.code(), Code::MailTls);
    assert!(
        error.message().contains("does not offer STARTTLS"),
        "{error}"
    );
    assert_eq!(server.delivered_count(), 0);
}

#[test]
fn an_attachment_over_the_limit_is_refused_before_connecting() {
    let server = TestServer::start(ServerOptions::default());
    let mut account = server.account();
    account.max_attachment_bytes = Some(50 * 1024);
    let mut sender = Sender::new(account).unwrap();
    let outcome = sender.send(&statement("big-1", "a@example.it"));
    let Outcome::Failed { error } = &outcome else {
        panic!("not failed: {outcome:?}");
    };
    assert_eq!(error.code(), Code::MailTooLarge);
    assert_eq!(
        sender.connections_opened(),
        0,
        "no connection for a message that cannot go"
    );
    assert_eq!(server.delivered_count(), 0);
}

#[test]
fn an_invalid_recipient_fails_alone_in_its_batch() {
    let server = TestServer::start(ServerOptions::default());
    let mut sender = Sender::new(server.account()).unwrap();
    let outcomes = sender.send_batch(&[
        statement("ok-1", "a@example.it"),
        statement("bad-1", "mario.rossi@@example.it"),
        statement("ok-2", "b@example.it"),
    ]);
    assert!(
        outcomes[0].is_sent() && outcomes[2].is_sent(),
        "{outcomes:?}"
    );
    assert_eq!(outcomes[1].code(), Some(Code::MailAddressInvalid));
    assert!(outcomes[1].reply().contains("mario.rossi@@example.it"));
    assert_eq!(
        message_ids(&server),
        ["ok-1@rapportino.test", "ok-2@rapportino.test"]
    );
}

#[test]
fn a_retry_after_a_crash_carries_the_same_message_id() {
    // The server accepted the message, then the device crashed before marking it sent: the
    // outbox sends it again from what it stored, Message-ID included.
    let server = TestServer::start(ServerOptions::default());
    let message = statement("crash-1", "a@example.it");
    {
        let mut sender = Sender::new(server.account()).unwrap();
        assert!(sender.send(&message).is_sent());
        // The process dies here: the sender is dropped without a "sent" mark anywhere.
    }
    let mut again = message.clone();
    again.attempt = 2;
    assert!(send_one(&server.account(), &again).is_sent());
    assert_eq!(
        message_ids(&server),
        ["crash-1@rapportino.test", "crash-1@rapportino.test"]
    );
}

#[test]
fn the_test_message_arrives() {
    let server = TestServer::start(ServerOptions::default());
    let outcome = send_test_message(
        &server.account(),
        "titolare@example.it",
        "<test-1@rapportino.test>",
    );
    assert!(outcome.is_sent(), "{outcome:?}");
    let delivered = server.delivered();
    let parsed = MessageParser::default().parse(&delivered[0]).unwrap();
    assert_eq!(parsed.message_id(), Some("test-1@rapportino.test"));
    assert!(parsed.subject().unwrap().contains("messaggio di prova"));
    assert!(parsed
        .body_text(0)
        .unwrap()
        .contains("Questo è un messaggio di prova"));
}

#[test]
fn plain_text_to_a_remote_host_is_refused_before_connecting() {
    let server = TestServer::start(ServerOptions::default());
    let mut account = server.account();
    account.security = Security::Plain;
    account.host = "smtp.example.it".into();
    let outcome = send_one(&account, &statement("remote-1", "a@example.it"));
    assert_eq!(outcome.code(), Some(Code::MailConfigInvalid));
    assert!(matches!(outcome, Outcome::Failed { .. }));
}

#[test]
fn a_server_that_never_answers_times_out_and_is_deferred() {
    // Accepts the connection and says nothing (a hung server or a black-holing firewall).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let holder = std::thread::spawn(move || {
        let (socket, _) = listener.accept().unwrap();
        std::thread::sleep(Duration::from_secs(3));
        drop(socket);
    });
    let server = TestServer::start(ServerOptions::default());
    let mut account = server.account();
    account.port = Some(port);
    account.timeout_secs = Some(1);
    let started = std::time::Instant::now();
    let outcome = send_one(&account, &statement("hung-1", "a@example.it"));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let Outcome::Deferred { error, .. } = &outcome else {
        panic!("not deferred: {outcome:?}");
    };
    assert_eq!(error.code(), Code::MailUnreachable);
    assert!(error.message().contains("timed out"), "{error}");
    holder.join().unwrap();
}
