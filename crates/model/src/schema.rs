//! The synced entities' columns, as the hub validates them: type, whether an insert must carry
//! a value, the vocabulary of an enum column, the size of a text. It mirrors the device's
//! SQLite tables (core's `schema_matches_the_database` test fails when they differ), so a row
//! the hub accepts is a row every device of this version can store.

use crate::status::TicketStatus;
use crate::vocab::PartyKind;
use crate::vocab::{ContractKind, InterventionMode, Origin, Outcome, PackageMode, ReportStatus};
use crate::vocab::{
    MessageKind, MessageStatus, QuoteStatus, RequestStatus, Severity, TimeEntryKind,
};
use crate::Entity;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A record id (UUID text) or a reference to one.
    Id,
    /// Text of at most this many characters.
    Text(usize),
    /// A UTC instant, RFC 3339 (`2026-11-22T09:30:00Z`).
    Instant,
    /// A local date, `YYYY-MM-DD`.
    Date,
    Integer,
    Real,
    /// 0 or 1 (JSON `true`/`false` accepted).
    Bool,
    /// One of these texts.
    Enum(&'static [&'static str]),
    /// JSON text (an array or object), at most this many characters.
    Json(usize),
    /// A human number (`T-2026-MR-0017`): must carry the writing device's own code.
    Number,
}

/// One column of a synced table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
    /// NOT NULL in the table.
    pub not_null: bool,
    /// NOT NULL with a default: an insert may leave it out (NULL stands for the default).
    pub has_default: bool,
}

impl Column {
    /// An insert must carry a non-null value.
    pub fn required(&self) -> bool {
        self.not_null && !self.has_default
    }
}

const fn req(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        not_null: true,
        has_default: false,
    }
}
const fn opt(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        not_null: false,
        has_default: false,
    }
}
const fn def(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        not_null: true,
        has_default: true,
    }
}

const NAME: Kind = Kind::Text(200);
const SHORT: Kind = Kind::Text(120);
const ADDRESS: Kind = Kind::Text(300);
const NOTES: Kind = Kind::Text(10_000);
const DESCRIPTION: Kind = Kind::Text(20_000);
const EMAIL: Kind = Kind::Text(254);
const PHONE: Kind = Kind::Text(40);
const CODE: Kind = Kind::Text(16);
const LIST: Kind = Kind::Json(10_000);
/// A conflict keeps a value as JSON text: as large as the largest value it can hold.
const KEPT_VALUE: Kind = Kind::Text(SNAPSHOT_MAX);
/// A signed report's canonical snapshot (content and vector signatures).
pub const SNAPSHOT_MAX: usize = 4 << 20;
/// A setting's value (the shop logo, base64 PNG, is the largest).
pub const SETTING_MAX: usize = 3 << 20;
/// An attachment's content, base64 (a report or statement PDF; the mail limit is lower).
pub const ATTACHMENT_MAX: usize = 8 << 20;
/// An incoming request's idempotency key (a Message-ID, or mailbox + UIDVALIDITY + UID, or a
/// form's or webhook's own key).
pub const IDEMPOTENCY_KEY_MAX: usize = 300;
/// The largest attachment whose content the hub keeps (larger ones are listed, not kept).
pub const INCOMING_ATTACHMENT_KEPT_MAX: i64 = 25 << 20;
/// A quote's lines (JSON array; a line is a few hundred characters at most).
const QUOTE_LINES: Kind = Kind::Json(200_000);
/// A Message-ID (`<uuid@domain>`).
const MESSAGE_ID: Kind = Kind::Text(250);

const CONFLICT_REASONS: &[&str] = &[
    "concurrent_edit",
    "illegal_transition",
    "report_signed",
    "quote_final",
    "not_owner",
    "append_only",
    "row_deleted",
    "timer_overlap",
];
const RESOLUTIONS: &[&str] = &["keep_current", "restore_lost"];

const CONTRACT_TERMS: [Column; 32] = [
    opt("calendar_id", Kind::Id),
    opt("response_blocking_minutes", Kind::Integer),
    opt("response_degraded_minutes", Kind::Integer),
    opt("response_request_minutes", Kind::Integer),
    opt("intervention_blocking_minutes", Kind::Integer),
    opt("intervention_degraded_minutes", Kind::Integer),
    opt("intervention_request_minutes", Kind::Integer),
    opt("included_minutes", Kind::Integer),
    opt("package_mode", Kind::Enum(PackageMode::TEXTS)),
    opt("incident_tickets", Kind::Integer),
    opt("customer_class", CODE),
    def("channels", LIST),
    def("services", LIST),
    def("extra_time_allowed", Kind::Bool),
    def("extra_time_multiplier_pct", Kind::Integer),
    opt("overage_rate_cents", Kind::Integer),
    opt("rate_on_site_cents", Kind::Integer),
    opt("rate_remote_cents", Kind::Integer),
    opt("rate_extra_cents", Kind::Integer),
    opt("callout_fee_cents", Kind::Integer),
    opt("km_rate_cents", Kind::Integer),
    def("rounding_minutes", Kind::Integer),
    def("minimum_minutes", Kind::Integer),
    // Issue 17: the resolution target per severity and the coverage calendar per severity
    // (None: the contract's own calendar).
    opt("resolution_blocking_minutes", Kind::Integer),
    opt("resolution_degraded_minutes", Kind::Integer),
    opt("resolution_request_minutes", Kind::Integer),
    opt("calendar_blocking_id", Kind::Id),
    opt("calendar_degraded_id", Kind::Id),
    opt("calendar_request_id", Kind::Id),
    // Issue 17 items 2 and 3: priority on demand's surcharge, channel-bound free hours.
    opt("priority_fee_cents", Kind::Integer),
    opt("priority_surcharge_pct", Kind::Integer),
    def("free_hours_channels", LIST),
];

/// The columns of an entity's table (the key column included, `rid` — a local storage key —
/// not).
pub fn columns(entity: Entity) -> Vec<Column> {
    use Kind::*;
    let stamps = [req("created_at", Instant), req("updated_at", Instant)];
    let mut cols: Vec<Column> = match entity {
        Entity::Setting => vec![
            req("key", Text(64)),
            req("value", Text(SETTING_MAX)),
            req("updated_at", Instant),
        ],
        Entity::Technician => vec![
            req("id", Id),
            req("code", CODE),
            req("name", NAME),
            opt("email", EMAIL),
            opt("phone", PHONE),
            def("active", Bool),
        ],
        Entity::Device => vec![
            req("id", Id),
            req("code", CODE),
            opt("technician_id", Id),
            opt("name", NAME),
        ],
        Entity::Client => vec![
            req("id", Id),
            req("name", NAME),
            opt("vat_number", Text(20)),
            opt("fiscal_code", Text(20)),
            opt("street", ADDRESS),
            opt("postcode", Text(10)),
            opt("city", SHORT),
            opt("province", Text(4)),
            opt("email", EMAIL),
            opt("pec", EMAIL),
            opt("phone", PHONE),
            opt("notes", NOTES),
            def("customer_class", CODE),
            def("archived", Bool),
            opt("patron_day", Text(5)),
            opt("external_id", Text(64)),
        ],
        Entity::Site => vec![
            req("id", Id),
            req("client_id", Id),
            req("name", NAME),
            opt("street", ADDRESS),
            opt("postcode", Text(10)),
            opt("city", SHORT),
            opt("province", Text(4)),
            opt("notes", NOTES),
            def("archived", Bool),
            opt("patron_day", Text(5)),
        ],
        Entity::Contact => vec![
            req("id", Id),
            req("client_id", Id),
            req("name", NAME),
            opt("role", SHORT),
            opt("email", EMAIL),
            opt("phone", PHONE),
            def("authorised", Bool),
            opt("notes", NOTES),
            def("archived", Bool),
        ],
        Entity::Ticket => vec![
            req("id", Id),
            req("number", Number),
            req("client_id", Id),
            opt("contact_id", Id),
            opt("site_id", Id),
            req("origin", Enum(Origin::TEXTS)),
            req("severity", Enum(Severity::TEXTS)),
            def("urgent", Bool),
            opt("category", SHORT),
            def("is_bug", Bool),
            req("title", NAME),
            opt("description", DESCRIPTION),
            req("status", Enum(TicketStatus::TEXTS)),
            req("reported_at", Instant),
            req("opened_at", Instant),
            opt("taken_at", Instant),
            opt("resolved_at", Instant),
            opt("closed_at", Instant),
            opt("cancelled_at", Instant),
            opt("estimated_resolution_at", Instant),
            opt("assigned_technician_id", Id),
            opt("contract_id", Id),
            def("extra_time", Bool),
            def("priority_requested", Bool),
            def("out_of_scope", Bool),
            opt("service", SHORT),
            // The hub's grant for extra time claimed on a technician's device (the PIN checked
            // online by the hub: `POST /v1/extra-time`).
            opt("extra_time_grant", Text(200)),
            // Waiting for a third party: who (both set in that state, cleared when it leaves it;
            // the hub refuses the state without them, see `validate::check_waiting_party`).
            opt("waiting_party_kind", Enum(PartyKind::TEXTS)),
            opt("waiting_party_name", SHORT),
        ],
        Entity::TicketEvent => vec![
            req("id", Id),
            req("ticket_id", Id),
            opt("from_status", Enum(TicketStatus::TEXTS)),
            req("to_status", Enum(TicketStatus::TEXTS)),
            req("at", Instant),
            opt("technician_id", Id),
            opt("note", NOTES),
            opt("waiting_party_kind", Enum(PartyKind::TEXTS)),
            opt("waiting_party_name", SHORT),
        ],
        Entity::Intervention => vec![
            req("id", Id),
            req("ticket_id", Id),
            req("client_id", Id),
            opt("site_id", Id),
            req("mode", Enum(InterventionMode::TEXTS)),
            req("technician_id", Id),
            opt("work_done", DESCRIPTION),
            opt("outcome", Enum(Outcome::TEXTS)),
            opt("outcome_reason", NOTES),
            opt("escalated_from_id", Id),
            def("travel_km", Real),
            def("travel_minutes", Integer),
            opt("started_at", Instant),
            opt("finished_at", Instant),
            opt("contract_id", Id),
        ],
        Entity::Material => vec![
            req("id", Id),
            req("intervention_id", Id),
            req("description", NAME),
            req("quantity", Real),
            req("unit_price_cents", Integer),
            req("created_at", Instant),
            // The catalogue article it was picked from (None: a free-text line) and its VAT
            // rate in percent (the article's, else the shop's default).
            opt("article_id", Id),
            def("vat_rate", Integer),
        ],
        Entity::TimeEntry => vec![
            req("id", Id),
            req("intervention_id", Id),
            req("technician_id", Id),
            req("kind", Enum(TimeEntryKind::TEXTS)),
            req("started_at", Instant),
            opt("ended_at", Instant),
            opt("seconds", Integer),
            opt("corrects_id", Id),
            opt("note", NOTES),
            def("needs_review", Bool),
            req("device_id", Id),
            req("created_at", Instant),
        ],
        Entity::Calendar => vec![
            req("id", Id),
            req("name", NAME),
            req("time_zone", Text(64)),
            req("windows", LIST),
            def("open_on_holidays", Bool),
            def("exceptions", LIST),
            opt("preset", Text(16)),
            def("archived", Bool),
        ],
        Entity::CustomerClass => vec![
            req("id", Id),
            req("code", CODE),
            req("name", NAME),
            def("channels", LIST),
            def("services", LIST),
            def("free_minutes_per_year", Integer),
            def("priority", Integer),
            def("archived", Bool),
        ],
        Entity::Contract => {
            let mut c = vec![
                req("id", Id),
                req("client_id", Id),
                req("kind", Enum(ContractKind::TEXTS)),
                req("name", NAME),
                req("starts_on", Date),
                req("ends_on", Date),
            ];
            c.extend(CONTRACT_TERMS);
            c.push(opt("extra_time_pin_hash", Text(200)));
            c.push(opt("notes", NOTES));
            c.push(def("archived", Bool));
            // Issue 20: the id in the tool a contract was imported from, and its opening
            // balance (minutes and incident tickets used before the import).
            c.push(opt("external_id", Text(64)));
            c.push(def("opening_used_minutes", Integer));
            c.push(def("opening_used_tickets", Integer));
            c
        }
        Entity::ContractTemplate => {
            let mut c = vec![
                req("id", Id),
                req("name", NAME),
                req("kind", Enum(ContractKind::TEXTS)),
                req("duration_months", Integer),
            ];
            c.extend(CONTRACT_TERMS);
            c.push(opt("notes", NOTES));
            c.push(def("archived", Bool));
            c
        }
        Entity::Report => vec![
            req("id", Id),
            req("number", Number),
            req("intervention_id", Id),
            req("client_id", Id),
            opt("supersedes_id", Id),
            req("work_date", Date),
            req("status", Enum(ReportStatus::TEXTS)),
            opt("signer_name", NAME),
            opt("signed_at", Instant),
            opt("snapshot", Text(SNAPSHOT_MAX)),
            opt("snapshot_sha256", Text(64)),
        ],
        Entity::SyncConflict => vec![
            req("id", Id),
            req("entity", Text(64)),
            req("entity_id", Text(64)),
            req("field", Text(64)),
            req("reason", Enum(CONFLICT_REASONS)),
            req("winner_value", KEPT_VALUE),
            opt("winner_device_id", Text(64)),
            req("lost_value", KEPT_VALUE),
            req("lost_device_id", Text(64)),
            req("lost_mutation_id", Text(64)),
            req("lost_at", Text(40)),
            opt("resolved_at", Instant),
            opt("resolution", Enum(RESOLUTIONS)),
        ],
        Entity::Message => vec![
            req("id", Id),
            req("kind", Enum(MessageKind::TEXTS)),
            // Required but for `request_declined` (to a stranger): `validate::message_rules`.
            opt("client_id", Id),
            opt("ticket_id", Id),
            opt("report_id", Id),
            opt("period", Text(7)),
            req("language", Enum(&["it", "en"])),
            req("recipients", LIST),
            def("cc", LIST),
            req("subject", Text(300)),
            req("body", DESCRIPTION),
            req("message_id", MESSAGE_ID),
            opt("in_reply_to", MESSAGE_ID),
            req("sender", CODE),
            req("status", Enum(MessageStatus::TEXTS)),
            def("attempts", Integer),
            opt("next_attempt_at", Instant),
            opt("last_reply", Text(2000)),
            opt("sent_at", Instant),
            def("attachments_ready", Bool),
            opt("quote_id", Id),
        ],
        Entity::MessageAttachment => vec![
            req("id", Id),
            req("message_id", Id),
            req("name", NAME),
            req("mime_type", Text(100)),
            req("size", Integer),
            req("sha256", Text(64)),
            req("content", Text(ATTACHMENT_MAX)),
            req("created_at", Instant),
        ],
        Entity::IncomingRequest => vec![
            req("id", Id),
            req("idempotency_key", Text(IDEMPOTENCY_KEY_MAX)),
            req("origin", Enum(Origin::TEXTS)),
            // The mailbox, form or webhook source it came through.
            req("source", SHORT),
            opt("sender_email", EMAIL),
            opt("sender_name", NAME),
            req("subject", Text(300)),
            opt("body", DESCRIPTION),
            req("received_at", Instant),
            req("status", Enum(RequestStatus::TEXTS)),
            opt("reason", NOTES),
            def("urgent", Bool),
            opt("category", SHORT),
            opt("service", SHORT),
            opt("client_id", Id),
            opt("ticket_id", Id),
            opt("message_id", MESSAGE_ID),
            opt("in_reply_to", MESSAGE_ID),
            opt("handled_at", Instant),
        ],
        Entity::IncomingMessage => vec![
            req("id", Id),
            req("ticket_id", Id),
            opt("request_id", Id),
            req("from_email", EMAIL),
            opt("from_name", NAME),
            req("at", Instant),
            req("body", DESCRIPTION),
            req("created_at", Instant),
        ],
        Entity::IncomingAttachment => vec![
            req("id", Id),
            req("request_id", Id),
            req("name", NAME),
            req("mime_type", Text(100)),
            req("size", Integer),
            req("sha256", Text(64)),
            // The hub (or the device working alone) holds the content: false past the limit.
            def("kept", Bool),
            req("created_at", Instant),
        ],
        Entity::Article => vec![
            req("id", Id),
            req("code", Text(40)),
            req("description", NAME),
            req("unit", Text(16)),
            req("unit_price_cents", Integer),
            req("vat_rate", Integer),
            def("archived", Bool),
        ],
        Entity::Quote => vec![
            req("id", Id),
            req("number", Number),
            req("client_id", Id),
            opt("ticket_id", Id),
            req("status", Enum(QuoteStatus::TEXTS)),
            req("valid_until", Date),
            opt("notes", NOTES),
            def("lines", QUOTE_LINES),
            opt("sent_at", Instant),
            opt("accepted_at", Instant),
            opt("refused_at", Instant),
            opt("refusal_reason", NOTES),
            opt("signer_name", NAME),
            opt("snapshot", Text(SNAPSHOT_MAX)),
            opt("snapshot_sha256", Text(64)),
        ],
    };
    if entity.has_created_at() && entity.has_updated_at() {
        cols.extend(stamps);
    }
    cols
}

/// The column `name` of `entity`.
pub fn column(entity: Entity, name: &str) -> Option<Column> {
    columns(entity).into_iter().find(|c| c.name == name)
}
