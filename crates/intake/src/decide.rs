//! The decision: what an incoming request becomes (see the crate docs), from the request and
//! what the [`Directory`] knows. Pure: it writes nothing.

use chrono::{DateTime, Duration, Utc};
use rapportino_model::status::TicketStatus;
use rapportino_model::vocab::{Origin, RequestStatus};
use serde::{Deserialize, Serialize};

use crate::error::IntakeError;
use crate::mime::BODY_MAX;
use crate::request::{clip, IncomingRequest};
use crate::signals::{is_urgent, reply_text, ticket_number_in_subject, LoopSignal};

/// A ticket as the intake needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketRef {
    pub id: String,
    pub number: String,
    pub client_id: String,
    pub status: TicketStatus,
}

/// What the engine reads: the hub's storage or a device's database answer it.
pub trait Directory {
    /// Whether a request with this idempotency key is already recorded.
    fn already_recorded(&self, key: &str) -> Result<bool, IntakeError>;
    /// The ticket with this number.
    fn ticket_by_number(&self, number: &str) -> Result<Option<TicketRef>, IntakeError>;
    /// `Some` when `message_id` is one of the messages we sent, with the ticket it is about.
    fn our_message(&self, message_id: &str) -> Result<Option<Option<TicketRef>>, IntakeError>;
    /// The clients for which `email` is an authorised (active) contact, each with that contact.
    fn authorising(&self, email: &str) -> Result<Vec<(String, String)>, IntakeError>;
    /// How many requests from `email` arrived at or after `since`.
    fn requests_since(&self, email: &str, since: DateTime<Utc>) -> Result<u32, IntakeError>;
}

/// The shop's choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rules {
    /// A customer's reply reopens a resolved ticket (it goes back in progress).
    pub reopen_resolved: bool,
    /// A customer's reply to a ticket waiting for them puts it back in progress.
    pub resume_waiting: bool,
    /// Requests from one sender per [`Rules::rate_window_minutes`]; past it they are ignored.
    pub rate_limit: u32,
    pub rate_window_minutes: i64,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            reopen_resolved: true,
            resume_waiting: true,
            rate_limit: 20,
            rate_window_minutes: 60,
        }
    }
}

/// Why a request is recorded and left alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IgnoreReason {
    /// No person wrote it (auto-reply, list, bounce, our own message).
    Loop(LoopSignal),
    /// The sender is over the rate limit.
    RateLimited,
}

/// Why a request waits for the office ("Da smistare").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriageReason {
    /// Nobody authorised has this address.
    UnknownSender,
    /// The message has no readable sender.
    NoSender,
    /// The address is an authorised contact of more than one client.
    SeveralClients,
    /// A reply naming a ticket, from someone not authorised for its client and not answering
    /// one of our messages.
    UnverifiedReply,
}

/// What a request becomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Decision {
    /// Already recorded (a second run, another mailbox, a crash before flagging): nothing to do.
    Duplicate,
    /// Recorded as ignored.
    Ignore { reason: IgnoreReason },
    /// A new ticket for the client of the authorised contact.
    Open {
        client_id: String,
        contact_id: String,
        urgent: bool,
        title: String,
        description: String,
    },
    /// A customer message on an existing ticket, moving it back in progress when `move_to`.
    Append {
        ticket: TicketRef,
        text: String,
        move_to: Option<TicketStatus>,
    },
    /// Waits in the triage queue.
    Triage { reason: TriageReason },
}

impl Decision {
    /// The status the request's record takes.
    pub fn status(&self) -> Option<RequestStatus> {
        Some(match self {
            Decision::Duplicate => return None,
            Decision::Ignore { .. } => RequestStatus::Ignored,
            Decision::Open { .. } => RequestStatus::Ticketed,
            Decision::Append { .. } => RequestStatus::Appended,
            Decision::Triage { .. } => RequestStatus::New,
        })
    }

    /// The reason the record keeps (stable snake_case words).
    pub fn reason(&self) -> Option<String> {
        let word = |v: serde_json::Value| v.as_str().map(str::to_owned);
        match self {
            Decision::Ignore {
                reason: IgnoreReason::Loop(s),
            } => Some(s.as_str().to_owned()),
            Decision::Ignore {
                reason: IgnoreReason::RateLimited,
            } => Some("rate_limited".to_owned()),
            Decision::Triage { reason } => serde_json::to_value(reason).ok().and_then(word),
            _ => None,
        }
    }
}

/// A ticket's title from a subject: the subject (at most 200 characters), or a stand-in.
pub fn title_of(subject: &str) -> String {
    clip(subject.trim(), 200).unwrap_or_else(|| "(senza oggetto)".to_owned())
}

/// Decides what `request` becomes. See the crate docs for the order of the checks.
pub fn decide(
    request: &IncomingRequest,
    dir: &dyn Directory,
    rules: &Rules,
) -> Result<Decision, IntakeError> {
    if dir.already_recorded(&request.idempotency_key)? {
        return Ok(Decision::Duplicate);
    }
    if let Some(signal) = request.loop_signal {
        return Ok(Decision::Ignore {
            reason: IgnoreReason::Loop(signal),
        });
    }
    if let Some(id) = &request.message_id {
        if dir.our_message(id)?.is_some() {
            return Ok(Decision::Ignore {
                reason: IgnoreReason::Loop(LoopSignal::OurOwn),
            });
        }
    }
    let Some(sender) = request.sender_email.as_deref() else {
        return Ok(Decision::Triage {
            reason: TriageReason::NoSender,
        });
    };
    let window = Duration::minutes(rules.rate_window_minutes.max(1));
    if dir.requests_since(sender, request.received_at - window)? >= rules.rate_limit {
        return Ok(Decision::Ignore {
            reason: IgnoreReason::RateLimited,
        });
    }
    let authorising = dir.authorising(sender)?;
    // A reply: threading headers naming one of our messages, else the number in the subject.
    let mut threaded = None;
    for r in &request.references {
        if let Some(Some(t)) = dir.our_message(r)? {
            threaded = Some(t);
            break;
        }
    }
    let by_subject = match (&threaded, ticket_number_in_subject(&request.subject)) {
        (None, Some(n)) => dir.ticket_by_number(&n)?,
        _ => None,
    };
    let verified = threaded.is_some();
    if let Some(ticket) = threaded.or(by_subject) {
        let open = !matches!(
            ticket.status,
            TicketStatus::Closed | TicketStatus::Cancelled
        );
        if open {
            // On the web form anyone may type any address: a number in its subject is not
            // proof enough to write into (or reopen) that client's ticket.
            let authorised = authorising.iter().any(|(c, _)| *c == ticket.client_id)
                && request.origin != Origin::WebForm;
            if !(verified || authorised) {
                return Ok(Decision::Triage {
                    reason: TriageReason::UnverifiedReply,
                });
            }
            let move_to = match ticket.status {
                TicketStatus::Resolved if rules.reopen_resolved => Some(TicketStatus::InProgress),
                TicketStatus::WaitingClient if rules.resume_waiting => {
                    Some(TicketStatus::InProgress)
                }
                _ => None,
            };
            let text = clip(&reply_text(&request.body), BODY_MAX)
                .unwrap_or_else(|| title_of(&request.subject));
            return Ok(Decision::Append {
                ticket,
                text,
                move_to,
            });
        }
        // A reply to a closed or cancelled ticket is a new request.
    }
    match authorising.as_slice() {
        [] => Ok(Decision::Triage {
            reason: TriageReason::UnknownSender,
        }),
        [(client_id, contact_id)] => Ok(Decision::Open {
            client_id: client_id.clone(),
            contact_id: contact_id.clone(),
            urgent: is_urgent(&request.subject),
            title: title_of(&request.subject),
            description: request.body.clone(),
        }),
        _ => Ok(Decision::Triage {
            reason: TriageReason::SeveralClients,
        }),
    }
}
