//! The one validator of a pushed mutation, derived from [`crate::schema`], and the role rules
//! of data writes. The hub runs both before a mutation enters its log; a refusal carries a
//! stable code (see [`crate::protocol::wire_code`]) and never reaches another device.
//!
//! Role rules (the table is in ARCHITECTURE.md, "Roles on data writes"):
//! - `office` and `admin` may write everything the schema allows;
//! - `technician` may not delete anything but material lines and setting keys of its own
//!   device, may not write contracts, contract templates, calendars, customer classes or the
//!   shop's billing settings, may not write another technician's time entries, may not approve
//!   its own segments, may not insert a report already signed (the hub checks its hash), may
//!   not write the intake's records (incoming requests, customer messages, attachment lists);
//! - for every role: a customer message and an attachment listing are written once, and an
//!   incoming request's content is never rewritten (triage changes only its outcome).

use chrono::{DateTime, NaiveDate};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::numbers;
use crate::protocol::{wire_code, Mutation, Op, Role};
use crate::schema::{self, Column, Kind};
use crate::Entity;

/// Largest id (record id, mutation id).
pub const MAX_ID: usize = 64;

/// Why a mutation is refused: a stable code and a sentence for the refusal log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub detail: String,
}

fn refuse(code: &'static str, detail: impl Into<String>) -> Refusal {
    Refusal {
        code,
        detail: detail.into(),
    }
}

/// An id: 1 to 64 characters of letters, digits, `-` and `_`.
pub fn is_id(s: &str) -> bool {
    (1..=MAX_ID).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What the hub knows about the writer.
#[derive(Debug, Clone, Copy)]
pub struct Writer<'a> {
    pub role: Role,
    /// The writer's device code (`MR`): the numbers it issues must carry it.
    pub device_code: &'a str,
    /// The hub's current sequence (`base_seq` may not be beyond it).
    pub hub_seq: i64,
}

/// Checks a mutation's shape against the schema: entity, ids, field names, types, vocabularies,
/// sizes, required fields on insert, numbers, `base_seq`, clock. Role rules are separate
/// ([`authorize`]) because they need the stored rows.
pub fn check_mutation(m: &Mutation, w: &Writer<'_>) -> Result<Entity, Refusal> {
    let Some(entity) = Entity::from_name(&m.entity) else {
        return Err(refuse(
            wire_code::UNKNOWN_ENTITY,
            format!("no entity {:?}", truncate(&m.entity)),
        ));
    };
    if !is_id(&m.mutation_id) || !is_id(&m.entity_id) {
        return Err(refuse(
            wire_code::INVALID_ID,
            "ids are 1 to 64 letters, digits, '-' or '_'",
        ));
    }
    if m.hlc <= 0 {
        return Err(refuse(
            wire_code::INVALID_CLOCK,
            "the clock must be positive",
        ));
    }
    if m.base_seq < 0 || m.base_seq > w.hub_seq {
        return Err(refuse(
            wire_code::BASE_SEQ_AHEAD,
            format!(
                "base_seq {} is beyond the hub's sequence {}",
                m.base_seq, w.hub_seq
            ),
        ));
    }
    if m.recorded_at.len() > 40 {
        return Err(refuse(wire_code::TOO_LONG, "recorded_at"));
    }
    if m.op == Op::Delete {
        return Ok(entity);
    }
    let columns = schema::columns(entity);
    if m.fields.len() > columns.len() {
        return Err(refuse(
            wire_code::TOO_MANY_FIELDS,
            format!("{} fields for {} columns", m.fields.len(), columns.len()),
        ));
    }
    let key = entity.key_column();
    for (name, value) in &m.fields {
        let Some(col) = columns.iter().find(|c| c.name == name) else {
            return Err(refuse(
                wire_code::UNKNOWN_FIELD,
                format!("{} has no field {:?}", entity.name(), truncate(name)),
            ));
        };
        if name == key && value.as_str() != Some(m.entity_id.as_str()) {
            return Err(refuse(
                wire_code::INVALID_ID,
                "the key field differs from the id",
            ));
        }
        check_value(entity, col, value, w)?;
    }
    if m.op == Op::Insert {
        if let Some(missing) = columns
            .iter()
            .find(|c| c.required() && c.name != key && is_null(m.fields.get(c.name)))
        {
            return Err(refuse(
                wire_code::MISSING_FIELD,
                format!("an insert of {} needs {}", entity.name(), missing.name),
            ));
        }
    }
    if entity == Entity::Message {
        message_rules(m)?;
    }
    Ok(entity)
}

/// A customer message goes to a client's people (`client_id` required), except the polite
/// reply to a declined request (`request_declined`): no client, exactly one recipient (the one
/// sender), no copy.
fn message_rules(m: &Mutation) -> Result<(), Refusal> {
    // A list is a JSON array, or JSON text holding one.
    let list = |k: &str| -> Option<Vec<Value>> {
        match m.fields.get(k)? {
            Value::Array(a) => Some(a.clone()),
            Value::String(s) => serde_json::from_str::<Vec<Value>>(s).ok(),
            _ => None,
        }
    };
    let declined = m.fields.get("kind").and_then(Value::as_str) == Some("request_declined");
    let no_client = is_null(m.fields.get("client_id"));
    match m.op {
        Op::Insert if declined => {
            let one = list("recipients").is_some_and(|r| r.len() == 1);
            let no_copy = is_null(m.fields.get("cc")) || list("cc").is_some_and(|c| c.is_empty());
            if !no_client || !one || !no_copy {
                return Err(refuse(
                    wire_code::FORBIDDEN,
                    "a declined request's reply goes to its one sender only, with no client",
                ));
            }
        }
        Op::Insert if no_client => {
            return Err(refuse(
                wire_code::MISSING_FIELD,
                "an insert of message needs client_id",
            ));
        }
        Op::Update if m.fields.contains_key("client_id") && no_client => {
            return Err(refuse(
                wire_code::MISSING_FIELD,
                "a message's client cannot be removed",
            ));
        }
        _ => {}
    }
    Ok(())
}

fn is_null(v: Option<&Value>) -> bool {
    v.is_none_or(Value::is_null)
}

fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}

fn check_value(entity: Entity, col: &Column, v: &Value, w: &Writer<'_>) -> Result<(), Refusal> {
    let field = || format!("{}.{}", entity.name(), col.name);
    if v.is_null() {
        return if col.not_null && !col.has_default {
            Err(refuse(
                wire_code::MISSING_FIELD,
                format!("{} cannot be empty", field()),
            ))
        } else {
            Ok(())
        };
    }
    let wrong = |what: &str| {
        Err(refuse(
            wire_code::WRONG_TYPE,
            format!("{} must be {what}", field()),
        ))
    };
    match col.kind {
        Kind::Id => match v.as_str() {
            Some(s) if is_id(s) => Ok(()),
            _ => wrong("an id"),
        },
        Kind::Text(max) => match v.as_str() {
            Some(s) if s.chars().count() > max => Err(refuse(
                wire_code::TOO_LONG,
                format!("{} is longer than {max} characters", field()),
            )),
            Some(_) => Ok(()),
            None => wrong("text"),
        },
        Kind::Json(max) => match v {
            Value::String(s) if s.len() > max => Err(refuse(
                wire_code::TOO_LONG,
                format!("{} is longer than {max} characters", field()),
            )),
            Value::String(s) if serde_json::from_str::<Value>(s).is_ok() => Ok(()),
            Value::Array(_) | Value::Object(_) if v.to_string().len() <= max => Ok(()),
            _ => wrong("JSON text"),
        },
        Kind::Instant => match v.as_str() {
            Some(s) if s.len() <= 40 && DateTime::parse_from_rfc3339(s).is_ok() => Ok(()),
            _ => wrong("an RFC 3339 instant"),
        },
        Kind::Date => match v.as_str() {
            Some(s) if s.len() == 10 && NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() => Ok(()),
            _ => wrong("a date (YYYY-MM-DD)"),
        },
        Kind::Integer => match v.as_i64() {
            Some(_) => Ok(()),
            None => wrong("an integer"),
        },
        Kind::Real => match v.as_f64() {
            Some(x) if x.is_finite() => Ok(()),
            _ => wrong("a number"),
        },
        Kind::Bool => match v {
            Value::Bool(_) => Ok(()),
            Value::Number(n) if matches!(n.as_i64(), Some(0 | 1)) => Ok(()),
            _ => wrong("0 or 1"),
        },
        Kind::Enum(values) => match v.as_str() {
            Some(s) if values.contains(&s) => Ok(()),
            _ => Err(refuse(
                wire_code::BAD_ENUM,
                format!("{} must be one of {}", field(), values.join(", ")),
            )),
        },
        Kind::Number => {
            let Some(s) = v.as_str() else {
                return wrong("a number such as T-2026-MR-0001");
            };
            let Some(n) = numbers::parse(s) else {
                return Err(refuse(
                    wire_code::BAD_NUMBER,
                    format!("{} {:?} is not a valid number", field(), truncate(s)),
                ));
            };
            if numbers::prefix_of(entity) != Some(n.prefix) {
                return Err(refuse(
                    wire_code::BAD_NUMBER,
                    format!(
                        "{} must start with {:?}",
                        field(),
                        numbers::prefix_of(entity)
                    ),
                ));
            }
            if n.device_code != w.device_code {
                return Err(refuse(
                    wire_code::FOREIGN_NUMBER,
                    format!(
                        "{} {s} carries device code {}, not the writer's {}",
                        field(),
                        n.device_code,
                        w.device_code
                    ),
                ));
            }
            Ok(())
        }
    }
}

/// What the role rules need to know about the stored rows.
pub struct Stored<'a> {
    /// The row the mutation writes, as the hub holds it (None: new).
    pub current: Option<&'a serde_json::Map<String, Value>>,
    /// The technician the writing device belongs to (its `device` row), when known.
    pub writer_technician: Option<&'a str>,
    /// For an approval or other correction of a time entry: the technician of the entry it
    /// corrects.
    pub corrected_technician: Option<&'a str>,
}

/// Entities a technician's device may never write.
const OFFICE_ONLY: [Entity; 5] = [
    Entity::Article,
    Entity::Contract,
    Entity::ContractTemplate,
    Entity::Calendar,
    Entity::CustomerClass,
];

/// Setting keys only the office may write (billing terms; the shop's identity is written by
/// onboarding and stays the office's after the first sync).
const OFFICE_SETTINGS: [&str; 2] = ["billing_defaults", "default_vat_rate"];

/// The intake's records (requests, the customer messages and attachment lists they bring): the
/// hub writes them; the office triages requests; technicians only read them.
const INTAKE: [Entity; 3] = [
    Entity::IncomingRequest,
    Entity::IncomingMessage,
    Entity::IncomingAttachment,
];

/// What triage may change on a recorded request: what came in stays as it came.
const TRIAGE_FIELDS: [&str; 9] = [
    "status",
    "reason",
    "client_id",
    "ticket_id",
    "handled_at",
    "urgent",
    "category",
    "service",
    "updated_at",
];

/// The intake's rules, for every role: a customer message or an attachment's listing is written
/// once; a request's content (sender, subject, body, arrival, key) is never rewritten.
fn intake_rules(m: &Mutation, entity: Entity) -> Result<(), Refusal> {
    let forbidden = |why: &str| Err(refuse(wire_code::FORBIDDEN_ROLE, why.to_owned()));
    match (entity, m.op) {
        (Entity::IncomingMessage | Entity::IncomingAttachment, Op::Update) => {
            forbidden("a customer message and an attachment's listing are written once")
        }
        (Entity::IncomingRequest, Op::Update)
            if !m.fields.keys().all(|k| TRIAGE_FIELDS.contains(&k.as_str())) =>
        {
            forbidden("a request's content stays as it came in; triage changes its outcome")
        }
        _ => Ok(()),
    }
}

/// The role rules of data writes (see the module docs).
pub fn authorize(role: Role, m: &Mutation, entity: Entity, s: &Stored<'_>) -> Result<(), Refusal> {
    intake_rules(m, entity)?;
    if role != Role::Technician {
        return Ok(());
    }
    let forbidden = |why: &str| Err(refuse(wire_code::FORBIDDEN_ROLE, why.to_owned()));
    if INTAKE.contains(&entity) {
        return forbidden("requests come in through the hub and are triaged by the office");
    }
    if m.op == Op::Delete && entity != Entity::Material {
        return forbidden("a technician's device cannot delete this record");
    }
    if OFFICE_ONLY.contains(&entity) {
        return forbidden(
            "contracts, templates, calendars, classes and the catalogue are the office's",
        );
    }
    if entity == Entity::Setting && OFFICE_SETTINGS.contains(&m.entity_id.as_str()) {
        return forbidden("billing terms are the office's");
    }
    if entity == Entity::Setting && m.entity_id.starts_with("mail") {
        return forbidden("the mail settings and templates are the office's");
    }
    if entity == Entity::Message && m.op == Op::Update {
        // The hub sends the messages of enrolled devices and records how it went; a
        // technician's device may only queue one again or withdraw it.
        let hub_sends = s.current.and_then(|c| c.get("sender")?.as_str()) == Some("hub");
        let status_only = m
            .fields
            .keys()
            .all(|k| k == "status" || k == "next_attempt_at");
        let to = m.fields.get("status").and_then(Value::as_str);
        if hub_sends && !(status_only && matches!(to, None | Some("queued" | "cancelled"))) {
            return forbidden("only the hub records how the messages it sends went");
        }
    }
    if entity == Entity::MessageAttachment && m.op != Op::Insert {
        return forbidden("an attachment is written once");
    }
    if entity == Entity::Device && m.entity_id != m.device_id {
        return forbidden("a technician's device writes only its own device record");
    }
    if entity == Entity::Device {
        // Bound once (onboarding, or joining from the hub); moving a laptop to another
        // technician is the office's (it would let the laptop write that technician's time).
        let bound = s.current.and_then(|c| c.get("technician_id")?.as_str());
        let asked = m.fields.get("technician_id");
        if let (Some(bound), Some(asked)) = (bound, asked) {
            if asked.as_str() != Some(bound) {
                return forbidden("moving a device to another technician is the office's");
            }
        }
    }
    if entity == Entity::TimeEntry {
        if s.writer_technician.is_none() {
            return forbidden("time from a device whose technician the hub does not know");
        }
        let technician = m
            .fields
            .get("technician_id")
            .and_then(Value::as_str)
            .or_else(|| s.current.and_then(|c| c.get("technician_id")?.as_str()));
        if let (Some(t), Some(w)) = (technician, s.writer_technician) {
            if t != w {
                return forbidden("a technician writes only their own time");
            }
        }
        let kind = m.fields.get("kind").and_then(Value::as_str);
        if kind == Some("approval") && s.corrected_technician == s.writer_technician {
            return forbidden("a technician cannot approve their own segment");
        }
    }
    Ok(())
}

/// A ticket waiting for a third party names the party: checked on the row a mutation leaves (a
/// ticket, or the status event that records the move), since the status and the party may come
/// in one mutation or the party may already be on the row. The name's length is the schema's.
pub fn check_waiting_party(
    entity: Entity,
    row: &serde_json::Map<String, Value>,
) -> Result<(), Refusal> {
    let status = match entity {
        Entity::Ticket => "status",
        Entity::TicketEvent => "to_status",
        _ => return Ok(()),
    };
    if row.get(status).and_then(Value::as_str) != Some("waiting_third_party") {
        return Ok(());
    }
    let kind = row.get("waiting_party_kind").and_then(Value::as_str);
    let name = row.get("waiting_party_name").and_then(Value::as_str);
    match (kind, name.map(str::trim)) {
        (Some(_), Some(n)) if !n.is_empty() => Ok(()),
        _ => Err(refuse(
            wire_code::MISSING_FIELD,
            format!(
                "a {} waiting for a third party needs waiting_party_kind and waiting_party_name",
                entity.name()
            ),
        )),
    }
}

/// A signed report's hash must be the SHA-256 of its snapshot: checked on the row a mutation
/// leaves (an insert already signed, or the update that signs a draft).
pub fn check_signed_report(row: &serde_json::Map<String, Value>) -> Result<(), Refusal> {
    if row.get("status").and_then(Value::as_str) != Some("signed") {
        return Ok(());
    }
    let snapshot = row.get("snapshot").and_then(Value::as_str);
    let hash = row.get("snapshot_sha256").and_then(Value::as_str);
    match (snapshot, hash) {
        (Some(snap), Some(hash)) if hex::encode(Sha256::digest(snap.as_bytes())) == hash => Ok(()),
        _ => Err(refuse(
            wire_code::REPORT_HASH_MISMATCH,
            "a signed report's hash is not the SHA-256 of its snapshot",
        )),
    }
}

/// An accepted quote's hash must be the SHA-256 of its snapshot (the customer's signature is
/// inside it), like a signed report's.
pub fn check_accepted_quote(row: &serde_json::Map<String, Value>) -> Result<(), Refusal> {
    if row.get("status").and_then(Value::as_str) != Some("accepted") {
        return Ok(());
    }
    let snapshot = row.get("snapshot").and_then(Value::as_str);
    let hash = row.get("snapshot_sha256").and_then(Value::as_str);
    match (snapshot, hash) {
        (Some(snap), Some(hash)) if hex::encode(Sha256::digest(snap.as_bytes())) == hash => Ok(()),
        _ => Err(refuse(
            wire_code::REPORT_HASH_MISMATCH,
            "an accepted quote's hash is not the SHA-256 of its snapshot",
        )),
    }
}
