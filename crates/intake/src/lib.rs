//! # rapportino-intake
//!
//! The intake engine: what an incoming request becomes. Every channel — a mail fetched over
//! IMAP, a form post, a monitoring webhook — produces the same channel-neutral
//! [`IncomingRequest`] (sender, subject, body, arrival time, origin, attachment listing,
//! threading headers, a source-specific idempotency key); [`decide`] then says what it becomes:
//!
//! - a **new ticket** when the sender is an authorised contact of exactly one client (urgent when
//!   the subject says `URGENTE`, reported at the arrival time);
//! - a **customer message** on an existing ticket when it is a reply — `[T-2026-MR-0001]` in the
//!   subject, or In-Reply-To/References naming one of our messages — (reopening a resolved
//!   ticket, configurable);
//! - a request **to triage** ("Da smistare") when nobody authorised sent it;
//! - **nothing** (recorded as ignored) for auto-replies, mailing lists, our own messages and a
//!   sender over the rate limit — so that two help desks never answer each other for ever.
//!
//! The engine reads what it needs through the [`Directory`] trait and writes nothing: the hub
//! (its storage) and core (a one-person shop's database) each apply the [`Decision`] in one
//! transaction with the request's record, whose unique idempotency key makes it exactly once.
//! It depends on the model crate and mail-parser only.

mod decide;
mod error;
mod mime;
mod request;
mod signals;

pub use decide::{
    decide, title_of, Decision, Directory, IgnoreReason, Rules, TicketRef, TriageReason,
};
pub use error::IntakeError;
pub use mime::{from_header_too_large, from_mime, Envelope};
pub use request::{attachments_not_kept, Attachment, IncomingRequest};
pub use signals::{is_urgent, loop_signal, reply_text, ticket_number_in_subject, LoopSignal};

#[cfg(feature = "imap")]
pub mod imap;
#[cfg(feature = "test-server")]
pub mod testing;
