//! A push's rows and changes, written in bulk: [`Batched`] wraps the storage transaction for
//! the length of one push batch. The rows the batch touches are loaded with one statement
//! ([`HubTx::load_rows`]) before the first mutation; the merge then reads and writes them in
//! memory; the changes it appends and the rows it writes go to the storage at the end
//! ([`HubTx::append_changes`], [`HubTx::save_rows`]: multi-row statements), or before any
//! statement that reads `hub_rows` or `hub_changes` itself (a look-up by field, the timer
//! overlaps, a technician's code), so every read sees every write before it. The engine's
//! validation and merge are the same code either way: only where the bytes go changes. A
//! failure anywhere rolls the whole transaction back, as before.

use std::collections::HashMap;

use rapportino_model::merge::RowState;
use rapportino_model::protocol::ServerChange;

use super::{HubTx, Seen, StoredOutcome, TechnicianClaim};
use crate::error::HubError;

type Key = super::RowKey;

/// The transaction of one push batch, rows and changes held until [`Batched::finish`].
pub struct Batched<'t> {
    inner: &'t mut dyn HubTx,
    /// Rows read or written in this batch (`None`: not in the storage), and whether written.
    rows: HashMap<Key, (Option<RowState>, bool)>,
    /// Rows written, in the order of their first write.
    dirty: Vec<Key>,
    changes: Vec<ServerChange>,
    last_seq: Option<i64>,
}

impl<'t> Batched<'t> {
    /// Wraps `inner`, with the rows `keys` (entity, id) loaded in one statement.
    pub fn new(inner: &'t mut dyn HubTx, keys: &[Key]) -> Result<Batched<'t>, HubError> {
        let mut rows: HashMap<Key, (Option<RowState>, bool)> = HashMap::with_capacity(keys.len());
        let mut wanted: Vec<Key> = Vec::with_capacity(keys.len());
        for k in keys {
            if !rows.contains_key(k) {
                rows.insert(k.clone(), (None, false));
                wanted.push(k.clone());
            }
        }
        for (k, row) in inner.load_rows(&wanted)? {
            rows.insert(k, (Some(row), false));
        }
        Ok(Batched {
            inner,
            rows,
            dirty: Vec::new(),
            changes: Vec::new(),
            last_seq: None,
        })
    }

    /// Writes what is held: the changes, then the rows.
    fn flush(&mut self) -> Result<(), HubError> {
        if !self.changes.is_empty() {
            self.inner.append_changes(&self.changes)?;
            self.changes.clear();
        }
        if !self.dirty.is_empty() {
            let rows: Vec<(&str, &str, &RowState)> = self
                .dirty
                .iter()
                .filter_map(|k| {
                    let row = self.rows.get(k)?.0.as_ref()?;
                    Some((k.0.as_str(), k.1.as_str(), row))
                })
                .collect();
            self.inner.save_rows(&rows)?;
            for k in std::mem::take(&mut self.dirty) {
                if let Some(held) = self.rows.get_mut(&k) {
                    held.1 = false;
                }
            }
        }
        Ok(())
    }

    /// Writes what is held; the transaction is then the caller's to commit.
    pub fn finish(mut self) -> Result<(), HubError> {
        self.flush()
    }
}

impl HubTx for Batched<'_> {
    fn seen(&mut self, mutation_ids: &[String]) -> Result<Vec<(String, Seen)>, HubError> {
        self.flush()?;
        self.inner.seen(mutation_ids)
    }

    fn load_row(&mut self, entity: &str, entity_id: &str) -> Result<Option<RowState>, HubError> {
        let key = (entity.to_owned(), entity_id.to_owned());
        if let Some((row, _)) = self.rows.get(&key) {
            return Ok(row.clone());
        }
        // Not held, hence not written in this batch: the storage has it as it is.
        let row = self.inner.load_row(entity, entity_id)?;
        self.rows.insert(key, (row.clone(), false));
        Ok(row)
    }

    fn save_row(&mut self, entity: &str, entity_id: &str, row: &RowState) -> Result<(), HubError> {
        self.put_row(entity, entity_id, row.clone())
    }

    fn put_row(&mut self, entity: &str, entity_id: &str, row: RowState) -> Result<(), HubError> {
        let key = (entity.to_owned(), entity_id.to_owned());
        let held = self.rows.entry(key.clone()).or_insert((None, false));
        held.0 = Some(row);
        if !held.1 {
            held.1 = true;
            self.dirty.push(key);
        }
        Ok(())
    }

    fn next_seq(&mut self) -> Result<i64, HubError> {
        match self.last_seq {
            Some(last) => Ok(last + 1),
            None => self.inner.next_seq(),
        }
    }

    fn append_change(&mut self, change: &ServerChange) -> Result<(), HubError> {
        self.put_change(change.clone())
    }

    fn put_change(&mut self, change: ServerChange) -> Result<(), HubError> {
        self.last_seq = Some(change.server_seq);
        self.changes.push(change);
        Ok(())
    }

    fn save_outcome(&mut self, outcome: &StoredOutcome) -> Result<(), HubError> {
        self.inner.save_outcome(outcome)
    }

    fn log_refusal(
        &mut self,
        device_id: &str,
        mutation_id: &str,
        code: &str,
        detail: &str,
    ) -> Result<(), HubError> {
        self.inner.log_refusal(device_id, mutation_id, code, detail)
    }

    fn wrong_pins_since(&mut self, scope: &str, since: &str) -> Result<i64, HubError> {
        self.flush()?;
        self.inner.wrong_pins_since(scope, since)
    }

    fn technician_code_holder(
        &mut self,
        device_id: &str,
        claim: &TechnicianClaim,
    ) -> Result<Option<String>, HubError> {
        self.flush()?;
        self.inner.technician_code_holder(device_id, claim)
    }

    fn rows_where(
        &mut self,
        entity: &str,
        field: &str,
        value: &str,
        limit: i64,
    ) -> Result<Vec<(String, RowState)>, HubError> {
        self.flush()?;
        self.inner.rows_where(entity, field, value, limit)
    }

    fn bump_counter(&mut self, key: &str) -> Result<i64, HubError> {
        self.inner.bump_counter(key)
    }

    fn keep_attachment(&mut self, sha256: &str, content: &[u8]) -> Result<(), HubError> {
        self.inner.keep_attachment(sha256, content)
    }

    fn flag_clock_skew(&mut self, device_id: &str, skew_ms: i64) -> Result<(), HubError> {
        self.inner.flag_clock_skew(device_id, skew_ms)
    }

    fn time_entries_started(
        &mut self,
        technician_id: &str,
        after: &str,
        before: &str,
    ) -> Result<Vec<(String, RowState)>, HubError> {
        self.flush()?;
        self.inner
            .time_entries_started(technician_id, after, before)
    }

    // load_rows, save_rows and append_changes: the trait's defaults, row by row through the
    // methods above (the buffer answers them; the inner engine's bulk forms would bypass it).
}
