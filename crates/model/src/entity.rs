//! The kinds of synced record, with the table each lives in.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Setting,
    Technician,
    Device,
    Client,
    Site,
    Contact,
    Ticket,
    TicketEvent,
    Intervention,
    Material,
    TimeEntry,
    Calendar,
    CustomerClass,
    Contract,
    Report,
    ContractTemplate,
    SyncConflict,
    Message,
    MessageAttachment,
    IncomingRequest,
    IncomingMessage,
    IncomingAttachment,
    Article,
    Quote,
}

impl Entity {
    pub fn table(self) -> &'static str {
        match self {
            Entity::Setting => "settings",
            Entity::Technician => "technicians",
            Entity::Device => "devices",
            Entity::Client => "clients",
            Entity::Site => "sites",
            Entity::Contact => "contacts",
            Entity::Ticket => "tickets",
            Entity::TicketEvent => "ticket_events",
            Entity::Intervention => "interventions",
            Entity::Material => "materials",
            Entity::TimeEntry => "time_entries",
            Entity::Calendar => "calendars",
            Entity::CustomerClass => "customer_classes",
            Entity::Contract => "contracts",
            Entity::Report => "reports",
            Entity::ContractTemplate => "contract_templates",
            Entity::SyncConflict => "sync_conflicts",
            Entity::Message => "messages",
            Entity::MessageAttachment => "message_attachments",
            Entity::IncomingRequest => "incoming_requests",
            Entity::IncomingMessage => "incoming_messages",
            Entity::IncomingAttachment => "incoming_attachments",
            Entity::Article => "articles",
            Entity::Quote => "quotes",
        }
    }

    /// The name used in the change log and in errors.
    pub fn name(self) -> &'static str {
        match self {
            Entity::Setting => "setting",
            Entity::Technician => "technician",
            Entity::Device => "device",
            Entity::Client => "client",
            Entity::Site => "site",
            Entity::Contact => "contact",
            Entity::Ticket => "ticket",
            Entity::TicketEvent => "ticket_event",
            Entity::Intervention => "intervention",
            Entity::Material => "material",
            Entity::TimeEntry => "time_entry",
            Entity::Calendar => "calendar",
            Entity::CustomerClass => "customer_class",
            Entity::Contract => "contract",
            Entity::Report => "report",
            Entity::ContractTemplate => "contract_template",
            Entity::SyncConflict => "sync_conflict",
            Entity::Message => "message",
            Entity::MessageAttachment => "message_attachment",
            Entity::IncomingRequest => "incoming_request",
            Entity::IncomingMessage => "incoming_message",
            Entity::IncomingAttachment => "incoming_attachment",
            Entity::Article => "article",
            Entity::Quote => "quote",
        }
    }

    /// The primary-key column.
    pub fn key_column(self) -> &'static str {
        match self {
            Entity::Setting => "key",
            _ => "id",
        }
    }

    /// Whether rows carry `created_at`/`updated_at` maintained by the write path.
    pub fn has_updated_at(self) -> bool {
        !matches!(
            self,
            Entity::TicketEvent
                | Entity::Material
                | Entity::TimeEntry
                | Entity::MessageAttachment
                | Entity::IncomingMessage
                | Entity::IncomingAttachment
        )
    }

    /// Every kind, parents before children: the order a snapshot is applied in.
    pub const ALL: [Entity; 24] = [
        Entity::Setting,
        Entity::Technician,
        Entity::Device,
        Entity::Calendar,
        Entity::CustomerClass,
        Entity::Client,
        Entity::Site,
        Entity::Contact,
        Entity::Contract,
        Entity::ContractTemplate,
        Entity::Article,
        Entity::Ticket,
        Entity::TicketEvent,
        Entity::Intervention,
        Entity::Material,
        Entity::TimeEntry,
        Entity::Report,
        Entity::Quote,
        Entity::SyncConflict,
        Entity::Message,
        Entity::MessageAttachment,
        Entity::IncomingRequest,
        Entity::IncomingMessage,
        Entity::IncomingAttachment,
    ];

    /// The kind named `name` in the change log.
    pub fn from_name(name: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.name() == name)
    }

    pub fn has_created_at(self) -> bool {
        !matches!(self, Entity::Setting | Entity::TicketEvent)
    }
}
