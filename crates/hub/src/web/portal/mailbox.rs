//! The sign-in mails waiting for the hub's mail round.
//!
//! They go out through the same round, account and connection as the outbox's messages
//! (`crate::mail::send_round`), but they are not outbox rows: an outbox row is synced to every
//! device, and this one holds a live sign-in secret that must exist nowhere but in the mail (the
//! hub keeps only its hash). So they wait here, in memory, per hub, for at most a link's
//! lifetime; a hub restarted before its round has run loses them, and the contact asks again.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use rapportino_mail::OutgoingMessage;

struct Waiting {
    since: Instant,
    until: Duration,
    message: OutgoingMessage,
}

static WAITING: LazyLock<Mutex<HashMap<String, Vec<Waiting>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Most mails one hub keeps waiting (past it the oldest are dropped).
const CAP: usize = 10_000;

/// Queues `message` for the next round of hub `hub_id`; dropped unsent after `valid_for`.
pub fn queue(hub_id: &str, message: OutgoingMessage, valid_for: Duration) {
    let mut all = WAITING.lock().unwrap_or_else(|p| p.into_inner());
    let list = all.entry(hub_id.to_owned()).or_default();
    if list.len() >= CAP {
        list.remove(0);
    }
    list.push(Waiting {
        since: Instant::now(),
        until: valid_for,
        message,
    });
}

/// Takes every waiting mail of hub `hub_id` still worth sending.
pub fn take(hub_id: &str) -> Vec<OutgoingMessage> {
    let mut all = WAITING.lock().unwrap_or_else(|p| p.into_inner());
    all.remove(hub_id)
        .unwrap_or_default()
        .into_iter()
        .filter(|w| w.since.elapsed() < w.until)
        .map(|w| w.message)
        .collect()
}

/// Puts back a mail the server deferred (a temporary failure), for the next round.
pub fn retry(hub_id: &str, message: OutgoingMessage, valid_for: Duration) {
    queue(hub_id, message, valid_for);
}

/// How many mails of hub `hub_id` are waiting.
pub fn waiting(hub_id: &str) -> usize {
    let all = WAITING.lock().unwrap_or_else(|p| p.into_inner());
    all.get(hub_id).map_or(0, Vec::len)
}
