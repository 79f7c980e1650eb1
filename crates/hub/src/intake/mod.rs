//! The hub's intake: the shop's mailboxes collected beside the server (`serve --intake-config`)
//! with the same engine as a one-person shop's device (`rapportino-intake`), each request
//! decided and recorded in one storage transaction — its record, the ticket, its first event
//! and its acknowledgement, or the customer message and the reopening — as changes of the hub's
//! own, which every device pulls like any other.
//!
//! Tickets the hub opens are numbered with the hub's code [`HUB_CODE`] (`T-2026-HUB-0001`),
//! from a yearly counter in `hub_meta`; no device may enrol with that code. They are
//! unassigned (the office assigns them) and carry no hand-picked contract (the automatic rule
//! applies, as for any ticket without one). The acknowledgement is written as the device outbox
//! would (the shop's mail settings, the client's choices, the shop's or default wording) with
//! sender `hub`, so the hub's mail round sends it. Attachments are listed (name, size, hash,
//! kept); the content of those within the mailbox's `kept_max` is kept by the hub
//! (`hub_attachment_content`, by SHA-256, not synced) and served to devices on demand
//! (`GET /v1/attachments/{sha256}`); a larger one is listed with `kept = false` and the ticket's
//! description says so.
//!
//! The look-ups (a key, a ticket by number, one of our Message-IDs, a contact by address, a
//! sender's recent requests) run inside the write transaction, so two collectors, or two runs,
//! never record a mail twice; each reads an index of its own on both engines
//! (`storage::INTAKE_LOOKUPS`).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;
use rapportino_intake::imap::{Recorded, Sink};
use rapportino_intake::{
    decide, Decision, Directory, IncomingRequest, IntakeError, Rules, TicketRef,
};
use rapportino_model::hlc::Hlc;
use rapportino_model::merge::{FieldVersion, RowState};
use rapportino_model::protocol::{Op, ServerChange};
use rapportino_model::status::TicketStatus;
use rapportino_model::vocab::{RequestStatus, Severity};
use rapportino_model::Entity;
use serde_json::{json, Map, Value};

use crate::engine::HUB_DEVICE;
use crate::error::HubError;
use crate::storage::{format_instant, HubTx, Storage};

mod acknowledge;
pub mod attachments;
pub mod webhook;
use acknowledge::acknowledge;

/// The device code in the numbers of the tickets the hub opens.
pub const HUB_CODE: &str = "HUB";
/// The shop's time zone (the year of a number, the times in an acknowledgement).
pub(crate) const SHOP_TZ: Tz = chrono_tz::Europe::Rome;

pub(crate) fn text<'a>(f: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    f.get(k).and_then(Value::as_str)
}

pub(crate) fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        _ => false,
    }
}

/// The engine's questions answered from the hub's rows, inside the write transaction.
struct HubDir<'t> {
    tx: RefCell<&'t mut dyn HubTx>,
    failure: RefCell<Option<HubError>>,
    /// [`Channel::client_id`].
    only_client: Option<String>,
}

impl HubDir<'_> {
    fn rows(
        &self,
        entity: Entity,
        field: &str,
        value: &str,
        limit: i64,
    ) -> Result<Vec<(String, RowState)>, IntakeError> {
        self.tx
            .borrow_mut()
            .rows_where(entity.name(), field, value, limit)
            .map_err(|e| {
                let text = e.to_string();
                self.failure.borrow_mut().get_or_insert(e);
                IntakeError::Directory(text)
            })
    }

    fn ticket(id: &str, row: &RowState) -> Option<TicketRef> {
        Some(TicketRef {
            id: id.to_owned(),
            number: text(&row.fields, "number")?.to_owned(),
            client_id: text(&row.fields, "client_id")?.to_owned(),
            status: text(&row.fields, "status")?.parse().ok()?,
        })
    }
}

impl Directory for HubDir<'_> {
    fn already_recorded(&self, key: &str) -> Result<bool, IntakeError> {
        Ok(!self
            .rows(Entity::IncomingRequest, "idempotency_key", key, 1)?
            .is_empty())
    }

    fn ticket_by_number(&self, number: &str) -> Result<Option<TicketRef>, IntakeError> {
        Ok(self
            .rows(Entity::Ticket, "number", number, 1)?
            .first()
            .and_then(|(id, row)| HubDir::ticket(id, row)))
    }

    fn our_message(&self, message_id: &str) -> Result<Option<Option<TicketRef>>, IntakeError> {
        let found = self.rows(Entity::Message, "message_id", &format!("<{message_id}>"), 1)?;
        let Some((_, message)) = found.first() else {
            return Ok(None);
        };
        let Some(ticket_id) = text(&message.fields, "ticket_id") else {
            return Ok(Some(None));
        };
        let row = self
            .tx
            .borrow_mut()
            .load_row(Entity::Ticket.name(), ticket_id)
            .map_err(|e| {
                let text = e.to_string();
                self.failure.borrow_mut().get_or_insert(e);
                IntakeError::Directory(text)
            })?;
        Ok(Some(
            row.filter(|r| r.deleted.is_none())
                .and_then(|r| HubDir::ticket(ticket_id, &r)),
        ))
    }

    fn authorising(&self, email: &str) -> Result<Vec<(String, String)>, IntakeError> {
        let mut by_client: BTreeMap<String, String> = BTreeMap::new();
        for (id, row) in self.rows(Entity::Contact, "email", &email.trim().to_lowercase(), 200)? {
            let f = &row.fields;
            if truthy(f.get("authorised")) && !truthy(f.get("archived")) {
                if let Some(client) = text(f, "client_id")
                    .filter(|c| self.only_client.as_deref().is_none_or(|only| only == *c))
                {
                    let entry = by_client
                        .entry(client.to_owned())
                        .or_insert_with(|| id.clone());
                    if id < *entry {
                        *entry = id;
                    }
                }
            }
        }
        Ok(by_client.into_iter().collect())
    }

    fn requests_since(&self, email: &str, since: DateTime<Utc>) -> Result<u32, IntakeError> {
        let since = format_instant(since);
        Ok(self
            .rows(Entity::IncomingRequest, "sender_email", email, 10_000)?
            .iter()
            .filter(|(_, r)| text(&r.fields, "received_at").is_some_and(|t| t >= since.as_str()))
            .count() as u32)
    }
}

/// Writes rows as changes of the hub's own, all at one instant.
pub(crate) struct Writer<'t> {
    pub(crate) tx: &'t mut dyn HubTx,
    pub(crate) now: DateTime<Utc>,
    pub(crate) now_text: String,
}

impl Writer<'_> {
    fn version(&mut self, newest: i64) -> Result<FieldVersion, HubError> {
        let hlc = Hlc::from_parts(self.now.timestamp_millis(), 0)
            .0
            .max(newest + 1);
        Ok(FieldVersion {
            hlc,
            device: HUB_DEVICE.into(),
            seq: self.tx.next_seq()?,
        })
    }

    fn change(
        &mut self,
        entity: Entity,
        id: &str,
        op: Op,
        fields: Map<String, Value>,
        v: &FieldVersion,
    ) -> Result<(), HubError> {
        self.tx.append_change(&ServerChange {
            server_seq: v.seq,
            mutation_id: format!("hub-intake-{id}-{}", v.seq),
            entity: entity.name().into(),
            entity_id: id.to_owned(),
            op,
            fields,
            hlc: v.hlc,
            device_id: HUB_DEVICE.into(),
            recorded_at: self.now_text.clone(),
        })
    }

    pub(crate) fn insert(
        &mut self,
        entity: Entity,
        id: &str,
        mut fields: Map<String, Value>,
    ) -> Result<(), HubError> {
        fields.insert(entity.key_column().into(), Value::String(id.to_owned()));
        if entity.has_created_at() {
            fields.insert("created_at".into(), Value::String(self.now_text.clone()));
        }
        if entity.has_updated_at() {
            fields.insert("updated_at".into(), Value::String(self.now_text.clone()));
        }
        let v = self.version(0)?;
        let row = RowState {
            versions: fields.keys().map(|k| (k.clone(), v.clone())).collect(),
            fields: fields.clone(),
            deleted: None,
            origin_device: HUB_DEVICE.into(),
        };
        self.tx.save_row(entity.name(), id, &row)?;
        self.change(entity, id, Op::Insert, fields, &v)
    }

    fn update(
        &mut self,
        entity: Entity,
        id: &str,
        mut fields: Map<String, Value>,
    ) -> Result<(), HubError> {
        let Some(mut row) = self.tx.load_row(entity.name(), id)? else {
            return Err(HubError::NotFound(format!("{} {id}", entity.name())));
        };
        if entity.has_updated_at() {
            fields.insert("updated_at".into(), Value::String(self.now_text.clone()));
        }
        let newest = row.versions.values().map(|v| v.hlc).max().unwrap_or(0);
        let v = self.version(newest)?;
        for (k, val) in &fields {
            row.fields.insert(k.clone(), val.clone());
            row.versions.insert(k.clone(), v.clone());
        }
        self.tx.save_row(entity.name(), id, &row)?;
        self.change(entity, id, Op::Update, fields, &v)
    }

    pub(crate) fn setting(&mut self, key: &str) -> Result<Option<Value>, HubError> {
        Ok(self
            .tx
            .load_row(Entity::Setting.name(), key)?
            .filter(|r| r.deleted.is_none())
            .and_then(|r| text(&r.fields, "value").and_then(|v| serde_json::from_str(v).ok())))
    }
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub(crate) fn obj(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

/// What a channel knows of a request beyond the engine's view of it (the web form's severity).
#[derive(Debug, Clone, Default)]
pub struct Channel {
    /// The ticket's severity (else `request`); `blocking` also makes it urgent.
    pub severity: Option<Severity>,
    /// The first event's note (else "Dalla casella <source>").
    pub note: Option<String>,
    /// The requester's language (`it`/`en`), for the acknowledgement when the client has none.
    pub language: Option<&'static str>,
    /// Largest attachment whose content is kept for a request that opens or joins no ticket
    /// (triage, ignored); `None`: the request's own limit (a mailbox's `kept_max`).
    pub triage_kept_max: Option<u64>,
    /// The client the sender is already known for (the reserved area's session): only that
    /// client's authorisation counts, so a contact authorised for several clients still gets
    /// a ticket of the right one instead of a triage item.
    pub client_id: Option<String>,
}

impl Channel {
    fn urgent(&self, request: &IncomingRequest) -> bool {
        self.severity == Some(Severity::Blocking) || rapportino_intake::is_urgent(&request.subject)
    }
}

/// Takes one request at the hub: decides and records it in one transaction.
pub fn take(
    storage: &Storage,
    request: &IncomingRequest,
    rules: &Rules,
    now: DateTime<Utc>,
) -> Result<Recorded, HubError> {
    take_from(storage, request, rules, now, &Channel::default())
}

/// [`take`], with what the channel adds.
pub fn take_from(
    storage: &Storage,
    request: &IncomingRequest,
    rules: &Rules,
    now: DateTime<Utc>,
    channel: &Channel,
) -> Result<Recorded, HubError> {
    storage.write(|tx| take_in(tx, request, rules, now, channel))
}

/// Takes a fetched batch at the hub in one storage transaction (one commit, not one per mail):
/// all recorded, or — on a failure — none.
pub fn take_batch(
    storage: &Storage,
    requests: &[&IncomingRequest],
    rules: &Rules,
    now: DateTime<Utc>,
) -> Result<Vec<Recorded>, HubError> {
    storage.write(|tx| {
        requests
            .iter()
            .map(|r| take_in(&mut *tx, r, rules, now, &Channel::default()))
            .collect()
    })
}

fn take_in(
    tx: &mut dyn HubTx,
    request: &IncomingRequest,
    rules: &Rules,
    now: DateTime<Utc>,
    channel: &Channel,
) -> Result<Recorded, HubError> {
    let dir = HubDir {
        tx: RefCell::new(tx),
        failure: RefCell::new(None),
        only_client: channel.client_id.clone(),
    };
    let decided = decide(request, &dir, rules);
    let failure = dir.failure.into_inner();
    let tx = dir.tx.into_inner();
    let decision = match (decided, failure) {
        (Ok(d), _) => d,
        (Err(_), Some(e)) => return Err(e),
        (Err(e), None) => return Err(HubError::Internal(e.to_string())),
    };
    let status = decision.status();
    let mut w = Writer {
        tx,
        now,
        now_text: format_instant(now),
    };
    apply(&mut w, request, decision, channel)?;
    Ok(Recorded { status })
}

/// What became of the request recorded under `key`: its status and, when it made or joined a
/// ticket, that ticket's number. `None` when no such request is recorded.
pub fn outcome(
    storage: &Storage,
    key: &str,
) -> Result<Option<(RequestStatus, Option<String>)>, HubError> {
    storage.write(|tx| {
        let found = tx.rows_where(Entity::IncomingRequest.name(), "idempotency_key", key, 1)?;
        let Some((_, row)) = found.first() else {
            return Ok(None);
        };
        let Some(status) = text(&row.fields, "status").and_then(|s| s.parse().ok()) else {
            return Ok(None);
        };
        let number = match text(&row.fields, "ticket_id") {
            Some(id) => tx
                .load_row(Entity::Ticket.name(), id)?
                .and_then(|t| text(&t.fields, "number").map(str::to_owned)),
            None => None,
        };
        Ok(Some((status, number)))
    })
}

fn apply(
    w: &mut Writer<'_>,
    request: &IncomingRequest,
    decision: Decision,
    channel: &Channel,
) -> Result<(), HubError> {
    let status = decision.status();
    let reason = decision.reason();
    match decision {
        Decision::Duplicate => Ok(()),
        Decision::Open {
            client_id,
            contact_id,
            urgent,
            title,
            description,
        } => {
            let ticket = open_ticket(
                w,
                request,
                channel,
                &client_id,
                &contact_id,
                urgent || channel.urgent(request),
                &title,
                &description,
            )?;
            record(
                w,
                request,
                channel,
                RequestStatus::Ticketed,
                None,
                Some(&client_id),
                Some(&ticket),
            )?;
            Ok(())
        }
        Decision::Append {
            ticket,
            text: body,
            move_to,
        } => {
            let request_id = record(
                w,
                request,
                channel,
                RequestStatus::Appended,
                None,
                Some(&ticket.client_id),
                Some(&ticket.id),
            )?;
            w.insert(
                Entity::IncomingMessage,
                &new_id(),
                obj(json!({
                    "ticket_id": ticket.id,
                    "request_id": request_id,
                    "from_email": request.sender_email.clone().unwrap_or_default(),
                    "from_name": request.sender_name,
                    "at": format_instant(request.received_at),
                    "body": body,
                })),
            )?;
            if let Some(to) = move_to {
                reopen(w, &ticket, to)?;
            }
            Ok(())
        }
        Decision::Ignore { .. } | Decision::Triage { .. } => {
            record(
                w,
                request,
                channel,
                status.unwrap_or(RequestStatus::New),
                reason.as_deref(),
                None,
                None,
            )?;
            Ok(())
        }
    }
}

/// The next number of a ticket the hub opens (`T-2026-HUB-0001`), from the yearly counter.
pub(crate) fn next_number(w: &mut Writer<'_>) -> Result<String, HubError> {
    let year = w.now.with_timezone(&SHOP_TZ).year();
    let seq = w.tx.bump_counter(&format!("intake.ticket_seq.{year}"))?;
    Ok(format!("T-{year}-{HUB_CODE}-{seq:04}"))
}

#[allow(clippy::too_many_arguments)]
fn open_ticket(
    w: &mut Writer<'_>,
    request: &IncomingRequest,
    channel: &Channel,
    client_id: &str,
    contact_id: &str,
    urgent: bool,
    title: &str,
    description: &str,
) -> Result<String, HubError> {
    let id = new_id();
    let number = next_number(w)?;
    // The response clock starts when the request arrived (never in the future).
    let reported_at = format_instant(request.received_at.min(w.now));
    let description: String = match rapportino_intake::attachments_not_kept(request) {
        Some(note) => format!("{description}\n\n{note}"),
        None => description.to_owned(),
    };
    let description: String = description.chars().take(20_000).collect();
    w.insert(
        Entity::Ticket,
        &id,
        obj(json!({
            "number": number,
            "client_id": client_id,
            "contact_id": contact_id,
            "site_id": null,
            "origin": request.origin.as_str(),
            "severity": channel.severity.unwrap_or(Severity::Request).as_str(),
            "urgent": urgent,
            "category": request.category,
            "is_bug": false,
            "title": title,
            "description": if description.trim().is_empty() { Value::Null } else { Value::String(description) },
            "status": "new",
            "reported_at": reported_at,
            "opened_at": w.now_text,
            "assigned_technician_id": null,
            "contract_id": null,
            "extra_time": false,
            "priority_requested": false,
            "out_of_scope": false,
            "service": request.service,
        })),
    )?;
    w.insert(
        Entity::TicketEvent,
        &new_id(),
        obj(json!({
            "ticket_id": id,
            "from_status": null,
            "to_status": "new",
            "at": w.now_text,
            "technician_id": null,
            "note": channel.note.clone().unwrap_or_else(|| format!("Dalla casella {}", request.source)),
        })),
    )?;
    acknowledge(
        w,
        &acknowledge::Opened {
            ticket_id: &id,
            number: &number,
            client_id,
            contact_id,
            title,
            reported_at: &reported_at,
            origin: request.origin,
            severity: channel.severity.unwrap_or(Severity::Request),
            language: channel.language,
        },
    )?;
    Ok(id)
}

fn reopen(w: &mut Writer<'_>, ticket: &TicketRef, to: TicketStatus) -> Result<(), HubError> {
    let mut fields = obj(json!({"status": to.as_str()}));
    if ticket.status == TicketStatus::Resolved {
        fields.insert("resolved_at".into(), Value::Null);
    }
    w.update(Entity::Ticket, &ticket.id, fields)?;
    w.insert(
        Entity::TicketEvent,
        &new_id(),
        obj(json!({
            "ticket_id": ticket.id,
            "from_status": ticket.status.as_str(),
            "to_status": to.as_str(),
            "at": w.now_text,
            "technician_id": null,
            "note": "Risposta del cliente via e-mail",
        })),
    )
}

/// The request's record and its attachments' listing; its id.
fn record(
    w: &mut Writer<'_>,
    request: &IncomingRequest,
    channel: &Channel,
    status: RequestStatus,
    reason: Option<&str>,
    client: Option<&str>,
    ticket: Option<&str>,
) -> Result<String, HubError> {
    let id = new_id();
    let handled = (status != RequestStatus::New).then(|| w.now_text.clone());
    w.insert(
        Entity::IncomingRequest,
        &id,
        obj(json!({
            "idempotency_key": request.idempotency_key,
            "origin": request.origin.as_str(),
            "source": request.source.chars().take(120).collect::<String>(),
            "sender_email": request.sender_email,
            "sender_name": request.sender_name,
            "subject": request.subject,
            "body": if request.body.is_empty() { None } else { Some(&request.body) },
            "received_at": format_instant(request.received_at),
            "status": status.as_str(),
            "reason": reason,
            "urgent": channel.urgent(request),
            "category": request.category,
            "service": request.service,
            "client_id": client,
            "ticket_id": ticket,
            "message_id": request.message_id,
            "in_reply_to": request.references.first(),
            "handled_at": handled,
        })),
    )?;
    let kept_max = match (ticket, channel.triage_kept_max) {
        (None, Some(max)) => max,
        _ => u64::MAX,
    };
    for a in &request.attachments {
        let content = a.content.as_ref().filter(|_| a.size <= kept_max);
        if let Some(content) = content {
            w.tx.keep_attachment(&a.sha256, content)?;
        }
        w.insert(
            Entity::IncomingAttachment,
            &new_id(),
            obj(json!({
                "request_id": id,
                "name": a.name,
                "mime_type": a.mime_type,
                "size": a.size,
                "sha256": a.sha256,
                "kept": content.is_some(),
            })),
        )?;
    }
    Ok(id)
}

/// The hub's sink for the collector.
pub struct HubSink {
    pub storage: Arc<Storage>,
    pub rules: Rules,
}

impl Sink for HubSink {
    fn take(&mut self, request: &IncomingRequest) -> Result<Recorded, IntakeError> {
        take(&self.storage, request, &self.rules, Utc::now())
            .map_err(|e| IntakeError::Record(e.to_string()))
    }

    fn take_batch(
        &mut self,
        requests: &[(u32, IncomingRequest)],
    ) -> (Vec<(u32, Recorded)>, Option<IntakeError>) {
        let refs: Vec<&IncomingRequest> = requests.iter().map(|(_, r)| r).collect();
        match take_batch(&self.storage, &refs, &self.rules, Utc::now()) {
            Ok(done) => (
                requests.iter().map(|(uid, _)| *uid).zip(done).collect(),
                None,
            ),
            Err(e) => (Vec::new(), Some(IntakeError::Record(e.to_string()))),
        }
    }
}

/// Collects every mailbox of `config` until `stop` says so, one thread per mailbox.
pub fn run_collectors(
    storage: Arc<Storage>,
    config: rapportino_intake::imap::IntakeConfig,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> Vec<std::thread::JoinHandle<()>> {
    config
        .mailboxes
        .into_iter()
        .map(|mailbox| {
            let mut sink = HubSink {
                storage: storage.clone(),
                rules: config.rules.clone(),
            };
            let stop = stop.clone();
            std::thread::spawn(move || {
                let stopped = || stop.load(std::sync::atomic::Ordering::Relaxed);
                let result = rapportino_intake::imap::run_blocking(&mailbox, &mut sink, &stopped, &mut |r| match r {
                    Ok(r) if r.fetched > 0 => tracing::info!(
                        mailbox = %r.mailbox,
                        fetched = r.fetched,
                        ticketed = r.ticketed,
                        appended = r.appended,
                        triage = r.triage,
                        ignored = r.ignored,
                        duplicates = r.duplicates,
                        "intake round"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(mailbox = %mailbox.name, code = e.code(), error = %e, "intake round failed"),
                });
                if let Err(e) = result {
                    tracing::warn!(mailbox = %mailbox.name, error = %e, "intake stopped");
                }
            })
        })
        .collect()
}
