//! A transport that loses, repeats and mixes up the hub's answers, around the real HTTPS one,
//! and keeps a log of every mutation pushed (the oracle of the property tests).
#![allow(dead_code, clippy::unwrap_used)]

use rapportino_core::error::{Code, Error, Result};
use rapportino_core::sync::{keys, SnapshotItem, Transport};
use rapportino_core::Store;
use rapportino_model::protocol::{Mutation, PullResponse, PushRequest, PushResponse};
use rapportino_sync_http::HttpTransport;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// The hub applies the push; its answer is lost.
    DropPushAnswer,
    /// The pull page is served; the answer is lost.
    DropPullAnswer,
    /// The push goes out twice; the device sees the second answer (a replay).
    DuplicatePush,
    /// An earlier push arrives again (delayed on the network) before this one.
    StaleRequest,
    /// The device receives the answer to its previous push instead of this one.
    StaleAnswer,
}

/// Every mutation ever pushed, by id (with the device's `base_seq` at the time).
#[derive(Default)]
pub struct PushLog {
    pub mutations: HashMap<String, Mutation>,
    pub order: Vec<String>,
}

fn local_get(conn: &rusqlite::Connection, key: &str) -> rusqlite::Result<Option<String>> {
    use rusqlite::OptionalExtension;
    conn.query_row("SELECT value FROM local_state WHERE key = ?1", [key], |r| {
        r.get(0)
    })
    .optional()
}

pub struct FaultyTransport<'a> {
    inner: HttpTransport,
    fault: Fault,
    fired: bool,
    log: &'a mut PushLog,
    last_request: &'a mut Option<PushRequest>,
    last_answer: &'a mut Option<PushResponse>,
}

impl<'a> FaultyTransport<'a> {
    pub fn for_device(
        store: &Store,
        fault: Fault,
        log: &'a mut PushLog,
        last_request: &'a mut Option<PushRequest>,
        last_answer: &'a mut Option<PushResponse>,
    ) -> Self {
        let conn = store.conn();
        let url = local_get(conn, keys::HUB_URL).unwrap().unwrap();
        let token = rapportino_core::sync::credential::token(store)
            .unwrap()
            .unwrap();
        let ca = local_get(conn, keys::CA_PEM).unwrap();
        FaultyTransport {
            inner: HttpTransport::new(&url, &token, ca.as_deref()).unwrap(),
            fault,
            fired: false,
            log,
            last_request,
            last_answer,
        }
    }

    fn fire(&mut self, fault: Fault) -> bool {
        if self.fault == fault && !self.fired {
            self.fired = true;
            true
        } else {
            false
        }
    }
}

fn lost() -> Error {
    Error::invalid(Code::HubUnreachable, "hub", "answer lost (injected)")
}

impl Transport for FaultyTransport<'_> {
    fn push(&mut self, req: &PushRequest) -> Result<PushResponse> {
        for m in &req.mutations {
            if !self.log.mutations.contains_key(&m.mutation_id) {
                self.log.order.push(m.mutation_id.clone());
                self.log.mutations.insert(m.mutation_id.clone(), m.clone());
            }
        }
        if self.fire(Fault::StaleRequest) {
            if let Some(old) = self.last_request.clone() {
                let _ = self.inner.push(&old)?;
            }
        }
        let answer = self.inner.push(req)?;
        let previous = self.last_answer.replace(answer.clone());
        *self.last_request = Some(req.clone());
        if self.fire(Fault::DropPushAnswer) {
            return Err(lost());
        }
        if self.fire(Fault::DuplicatePush) {
            return self.inner.push(req);
        }
        if self.fire(Fault::StaleAnswer) {
            if let Some(previous) = previous {
                return Ok(previous);
            }
        }
        Ok(answer)
    }

    fn pull(&mut self, after: i64, limit: i64) -> Result<PullResponse> {
        let page = self.inner.pull(after, limit)?;
        if self.fire(Fault::DropPullAnswer) {
            return Err(lost());
        }
        Ok(page)
    }

    fn snapshot(&mut self, on_item: &mut dyn FnMut(SnapshotItem) -> Result<()>) -> Result<()> {
        self.inner.snapshot(on_item)
    }
}
