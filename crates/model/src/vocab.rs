//! The stored vocabularies of synced records (besides the ticket status, in [`crate::status`]):
//! one text per value in SQLite, the change log and JSON. The schema's enum columns name them,
//! so the hub refuses a value no device could store.

use crate::macros::string_enum;

string_enum! {
    /// How the request reached the shop.
    Origin, field = "origin" {
        Phone => "phone",
        Email => "email",
        WebForm => "web_form",
        Monitoring => "monitoring",
        Chat => "chat",
        OnSite => "on_site",
        Other => "other",
    }
}

string_enum! {
    /// The three severity classes (labels are configurable, the classes are not).
    Severity, field = "severity" {
        /// Whole service down for all users, no workaround.
        Blocking => "blocking",
        /// Partial outage or degraded service.
        Degraded => "degraded",
        /// No impact: configuration changes, information, questions.
        Request => "request",
    }
}

string_enum! {
    /// Who a ticket waits for when it waits for a third party (the party's name beside it).
    PartyKind, field = "waiting_party_kind" {
        /// A carrier (corriere): a shipment, a replacement part in transit.
        Carrier => "carrier",
        /// A vendor (fornitore): an order, a warranty repair, a licence.
        Vendor => "vendor",
        /// A provider (operatore): a line, a connectivity or hosting ticket.
        Provider => "provider",
        Other => "other",
    }
}

string_enum! {
    InterventionMode, field = "mode" {
        OnSite => "on_site",
        Remote => "remote",
    }
}

string_enum! {
    Outcome, field = "outcome" {
        /// The problem is solved.
        Resolved => "resolved",
        /// More work is needed (another intervention, parts to order, escalation).
        FollowUp => "follow_up",
        /// The cause lies outside the contract (third party, component not covered): reason required.
        OutOfContract => "out_of_contract",
    }
}

string_enum! {
    /// Why a rapporto carries the technician's signature alone.
    SignatureAbsence, field = "customer_absence" {
        /// The customer was not there to sign (work done in their absence).
        Absent => "absent",
        /// The customer was there and refused to sign.
        Refused => "refused",
    }
}

string_enum! {
    /// What a customer message is about: the event that queued it.
    MessageKind, field = "kind" {
        /// A request became a ticket: its number, origin, reason and severity.
        TicketOpened => "ticket_opened",
        /// "Presa in carico", with the estimated resolution date when there is one.
        TicketTaken => "ticket_taken",
        /// The ticket is resolved.
        TicketResolved => "ticket_resolved",
        /// The signed rapporto d'intervento, its PDF attached.
        ReportSigned => "report_signed",
        /// The month's statement, its PDF attached.
        Statement => "statement",
        /// The cause lies outside the contract.
        OutOfContract => "out_of_contract",
        /// A quote (preventivo), its PDF attached.
        Quote => "quote",
        /// The polite reply to a stranger whose request the office declined in triage: to that
        /// one sender, with no client.
        RequestDeclined => "request_declined",
    }
}

string_enum! {
    /// Where a customer message stands.
    MessageStatus, field = "status" {
        /// Waiting for its sender (the hub, or this device when it works alone).
        Queued => "queued",
        /// The server accepted it.
        Sent => "sent",
        /// A temporary failure (4xx, no network): tried again later.
        Deferred => "deferred",
        /// Refused for good (5xx, authentication): the server's reply says why.
        Failed => "failed",
        /// Nobody to send it to (no address): waits for one.
        Held => "held",
        /// Withdrawn by the user.
        Cancelled => "cancelled",
    }
}

string_enum! {
    /// Where an incoming request (an e-mail, a form post, a monitoring alert) stands.
    RequestStatus, field = "status" {
        /// Unknown sender: waits in the "Da smistare" queue.
        New => "new",
        /// An authorised contact's request: became a ticket by itself.
        Ticketed => "ticketed",
        /// Triaged by the office: assigned to a client, became a ticket.
        Assigned => "assigned",
        /// A reply about an existing ticket: appended to it as a customer message.
        Appended => "appended",
        /// Declined by the office (the reason says why).
        Rejected => "rejected",
        /// Not a request: an auto-reply, a mailing list, a loop, over the sender's rate.
        Ignored => "ignored",
    }
}

string_enum! {
    TimeEntryKind, field = "kind" {
        Timer => "timer",
        Manual => "manual",
        Adjustment => "adjustment",
        Void => "void",
        Approval => "approval",
    }
}

string_enum! {
    /// Where a quote (preventivo) stands. "Expired" is not stored: a sent quote past its
    /// validity date reads as expired.
    QuoteStatus, field = "status" {
        Draft => "draft",
        Sent => "sent",
        /// Signed by the customer: frozen and hashed like a signed report, final.
        Accepted => "accepted",
        /// Refused by the customer (a date, an optional reason): final.
        Refused => "refused",
    }
}

string_enum! {
    ReportStatus, field = "status" {
        Draft => "draft",
        Signed => "signed",
    }
}

string_enum! {
    /// The five service models.
    ContractKind, field = "kind" {
        /// Coverage calendar, SLA targets per severity, yearly included hours, extra time.
        Sla => "sla",
        /// Prepaid hours (pacchetto ore a scalare), on-site, remote or either.
        HourPackage => "hour_package",
        /// N tickets (ticket a consumo), one consumed when a case is closed.
        IncidentPack => "incident_pack",
        /// Yearly free hours tied to a customer class.
        FreeHours => "free_hours",
        /// Time and materials (a consuntivo): rates, call-out fee, km.
        TimeMaterials => "time_materials",
    }
}

string_enum! {
    /// Which work an hour package pays for.
    PackageMode, field = "package_mode" {
        OnSite => "on_site",
        Remote => "remote",
        Any => "any",
    }
}

#[allow(clippy::derivable_impls)] // the variants come from string_enum!, which derives no Default
impl Default for ContractKind {
    fn default() -> Self {
        ContractKind::TimeMaterials
    }
}

impl MessageKind {
    /// Whether the message belongs to a ticket (its subject carries the ticket's number).
    pub fn about_a_ticket(self) -> bool {
        !matches!(
            self,
            MessageKind::Statement | MessageKind::Quote | MessageKind::RequestDeclined
        )
    }
}
