//! The sync engine: push (merge and sequence a batch), pull (pages after a cursor) and the
//! snapshot stream. The merge rules themselves live in `rapportino_model::merge`, shared
//! with the devices; this module applies them inside one serialised storage transaction.

use std::collections::{HashMap, HashSet};

use rapportino_model::hlc::Hlc;
use rapportino_model::merge::{
    clamp_clock, decide, ConflictDraft, ConflictReason, FieldVersion, RowState, Verdict,
};
use rapportino_model::protocol::{
    wire_code, Correction, Mutation, MutationResult, Op, Outcome, PullResponse, PushRequest,
    PushResponse, ServerChange, SnapshotEnd, SnapshotHeader, SnapshotRow, MAX_BATCH, MAX_PULL_PAGE,
    MIN_CLIENT_SCHEMA,
};
use rapportino_model::{Entity, SCHEMA_VERSION};
use serde_json::{Map, Value};

use rapportino_model::protocol::Role;
use rapportino_model::validate::{
    authorize, check_accepted_quote, check_mutation, check_signed_report, check_waiting_party,
    Refusal, Stored, Writer,
};

use crate::auth::AuthedDevice;
use crate::error::HubError;
use crate::extra_time;
use crate::storage::batched::Batched;
use crate::storage::{HubTx, Seen, Storage, StoredOutcome, TechnicianClaim};
use rapportino_model::reads;

/// The device id the hub signs its own records with (conflicts).
pub const HUB_DEVICE: &str = "hub";

/// Rows per snapshot read.
const SNAPSHOT_PAGE: i64 = 2_000;

/// Checks a batch before anything is applied: the whole batch is refused, or none of it is.
fn check_batch(device: &AuthedDevice, req: &PushRequest) -> Result<(), HubError> {
    let hub = SCHEMA_VERSION;
    if req.schema_version < MIN_CLIENT_SCHEMA {
        return Err(HubError::UpgradeRequired {
            client: req.schema_version,
            min: MIN_CLIENT_SCHEMA,
        });
    }
    if req.schema_version > hub {
        return Err(HubError::HubTooOld {
            client: req.schema_version,
            hub,
        });
    }
    if req.mutations.len() > MAX_BATCH {
        return Err(HubError::BatchTooLarge {
            len: req.mutations.len(),
            max: MAX_BATCH,
        });
    }
    for m in &req.mutations {
        if m.device_id != device.device_id {
            return Err(HubError::MalformedBody(format!(
                "mutation {} claims device {}, but the credential is device {}",
                m.mutation_id, m.device_id, device.device_id
            )));
        }
        if m.mutation_id.is_empty() || m.mutation_id.len() > 64 || m.entity_id.len() > 64 {
            return Err(HubError::MalformedBody(format!(
                "mutation {:?}: ids must be 1 to 64 characters",
                m.mutation_id
            )));
        }
        if let Some(bad) = m.fields.keys().find(|k| !is_identifier(k)) {
            return Err(HubError::MalformedBody(format!(
                "mutation {}: {bad:?} is not a field name",
                m.mutation_id
            )));
        }
    }
    Ok(())
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Applies a batch: each mutation once, in order, under the merge rules. A replayed mutation
/// answers with its stored outcome and the hub's current values of its fields.
pub fn push(
    storage: &Storage,
    device: &AuthedDevice,
    req: PushRequest,
    now_ms: i64,
) -> Result<PushResponse, HubError> {
    check_batch(device, &req)?;
    let key = storage.grant_key().to_vec();
    let mut answer = storage.write(|tx| {
        // The rows the batch touches, loaded at once; its writes go out in bulk at the end.
        let keys: Vec<(String, String)> = req
            .mutations
            .iter()
            .map(|m| (m.entity.clone(), m.entity_id.clone()))
            .collect();
        let mut batch = Batched::new(tx, &keys)?;
        let tx: &mut dyn HubTx = &mut batch;
        let ids: Vec<String> = req
            .mutations
            .iter()
            .map(|m| m.mutation_id.clone())
            .collect();
        let mut seen: HashMap<String, Seen> = tx.seen(&ids)?.into_iter().collect();
        let mut in_batch: HashSet<&str> = HashSet::new();
        let mut results = Vec::with_capacity(req.mutations.len());
        let mut hub_hlc = Hlc::from_parts(now_ms, 0).0;
        let mut skew: Option<i64> = None;
        for m in &req.mutations {
            if let Some(before) = seen.get(&m.mutation_id) {
                results.push(replayed(tx, m, before)?);
                continue;
            }
            if !in_batch.insert(&m.mutation_id) {
                continue; // the same mutation twice in one batch: the first one counts
            }
            let (hlc, ahead) = clamp_clock(m.hlc, now_ms);
            if let Some(ms) = ahead {
                if skew.is_none() {
                    tx.flag_clock_skew(&device.device_id, ms)?;
                }
                skew = Some(skew.map_or(ms, |s: i64| s.max(ms)));
            }
            hub_hlc = hub_hlc.max(hlc);
            let result = match check_one(tx, device, m, &key)? {
                Err(refusal) => refuse(tx, m, &refusal)?,
                Ok(()) => apply_one(tx, m, hlc, now_ms)?,
            };
            if let Some(seq) = result.server_seq {
                seen.insert(m.mutation_id.clone(), Seen::Applied { server_seq: seq });
            }
            results.push(result);
        }
        batch.finish()?;
        Ok(PushResponse {
            results,
            hub_hlc,
            clock_skew_ms: skew,
        })
    })?;
    // The hub's values sent back are read like any other: no PIN hash to a technician.
    for c in answer
        .results
        .iter_mut()
        .flat_map(|r| r.corrections.iter_mut())
    {
        reads::redact(device.role, &c.entity, &mut c.fields);
    }
    Ok(answer)
}

/// The validator and the role rules (`rapportino_model::validate`) on one mutation, against
/// what the hub holds.
fn check_one(
    tx: &mut dyn HubTx,
    device: &AuthedDevice,
    m: &Mutation,
    grant_key: &[u8],
) -> Result<Result<(), Refusal>, HubError> {
    let writer = Writer {
        role: device.role,
        device_code: &device.device_code,
        hub_seq: tx.next_seq()? - 1,
    };
    let entity = match check_mutation(m, &writer) {
        Ok(entity) => entity,
        Err(refusal) => return Ok(Err(refusal)),
    };
    // Technician codes are unique across the shop: a technician written after its device
    // enrolled is checked here as the enrolment checks the device's own (whatever the role).
    if entity == Entity::Technician && m.op != Op::Delete {
        if let Some(code) = m.fields.get("code").and_then(Value::as_str) {
            let claim = TechnicianClaim {
                id: m.entity_id.clone(),
                code: code.trim().to_owned(),
            };
            if let Some(holder) = tx.technician_code_holder(&device.device_id, &claim)? {
                return Ok(Err(Refusal {
                    code: wire_code::TECHNICIAN_CODE_TAKEN,
                    detail: format!("technician code {:?} is {holder}", claim.code),
                }));
            }
        }
    }
    if device.role != Role::Technician {
        return Ok(Ok(()));
    }
    let current = tx.load_row(&m.entity, &m.entity_id)?;
    let own = tx.load_row(Entity::Device.name(), &device.device_id)?;
    let writer_technician = own
        .as_ref()
        .and_then(|d| text_field(&d.fields, "technician_id"));
    let corrected = match m.fields.get("corrects_id").and_then(Value::as_str) {
        Some(id) if entity == Entity::TimeEntry => tx.load_row(Entity::TimeEntry.name(), id)?,
        _ => None,
    };
    let stored = Stored {
        current: current.as_ref().map(|r| &r.fields),
        writer_technician: writer_technician.as_deref(),
        corrected_technician: corrected
            .as_ref()
            .and_then(|r| r.fields.get("technician_id")?.as_str()),
    };
    if let Err(refusal) = authorize(device.role, m, entity, &stored) {
        return Ok(Err(refusal));
    }
    extra_time::check_push(tx, grant_key, m, current.as_ref())
}

fn text_field(fields: &Map<String, Value>, key: &str) -> Option<String> {
    fields.get(key)?.as_str().map(str::to_owned)
}

/// Records a refusal (outcome, refusal log) and answers it with the hub's values, so the
/// device puts back what it had written.
fn refuse(tx: &mut dyn HubTx, m: &Mutation, refusal: &Refusal) -> Result<MutationResult, HubError> {
    tx.save_outcome(&StoredOutcome {
        mutation_id: m.mutation_id.clone(),
        device_id: m.device_id.clone(),
        outcome: "rejected".into(),
        code: Some(refusal.code.into()),
    })?;
    let detail = format!(
        "{} {} {}: {}",
        m.op.as_str(),
        m.entity,
        m.entity_id,
        refusal.detail
    );
    tx.log_refusal(&m.device_id, &m.mutation_id, refusal.code, &detail)?;
    let current = match Entity::from_name(&m.entity) {
        Some(_) => tx.load_row(&m.entity, &m.entity_id)?,
        None => None,
    };
    Ok(rejected(
        m,
        refusal.code,
        correction_for(m, current.as_ref()),
    ))
}

fn apply_one(
    tx: &mut dyn HubTx,
    m: &Mutation,
    hlc: i64,
    now_ms: i64,
) -> Result<MutationResult, HubError> {
    if Entity::from_name(&m.entity).is_none()
        || m.entity == Entity::SyncConflict.name() && m.op != Op::Update
    {
        // Conflicts are created by the hub only; devices may only resolve them.
        let refusal = Refusal {
            code: wire_code::UNKNOWN_ENTITY,
            detail: "conflicts are created by the hub; a device may only resolve them".into(),
        };
        return refuse(tx, m, &refusal);
    }
    let current = tx.load_row(&m.entity, &m.entity_id)?;
    let mut verdict = decide(current.as_ref(), m, hlc);
    match &mut verdict {
        Verdict::Reject { code, conflicts } => {
            let code: &'static str = code;
            tx.save_outcome(&StoredOutcome {
                mutation_id: m.mutation_id.clone(),
                device_id: m.device_id.clone(),
                outcome: "rejected".into(),
                code: Some(code.into()),
            })?;
            let detail = format!("{} {} {}", m.op.as_str(), m.entity, m.entity_id);
            tx.log_refusal(&m.device_id, &m.mutation_id, code, &detail)?;
            let conflicts = std::mem::take(conflicts);
            for c in &conflicts {
                record_conflict(tx, m, c, now_ms)?;
            }
            let corrections = correction_for(m, current.as_ref());
            Ok(rejected(m, code, corrections))
        }
        Verdict::Apply { .. } => {
            let Verdict::Apply {
                op, changed, row, ..
            } = &verdict
            else {
                unreachable!("matched above")
            };
            // A report is signed only with the SHA-256 of its snapshot, whoever signs it.
            if m.entity == Entity::Report.name() && *op != Op::Delete {
                if let Err(refusal) = check_signed_report(&row.fields) {
                    return refuse(tx, m, &refusal);
                }
            }
            // An accepted quote likewise carries the SHA-256 of its signed snapshot.
            if m.entity == Entity::Quote.name() && *op != Op::Delete {
                if let Err(refusal) = check_accepted_quote(&row.fields) {
                    return refuse(tx, m, &refusal);
                }
            }
            // A ticket waiting for a third party names the party (on the ticket and its event).
            if let (Some(entity), false) = (Entity::from_name(&m.entity), *op == Op::Delete) {
                if let Err(refusal) = check_waiting_party(entity, &row.fields) {
                    return refuse(tx, m, &refusal);
                }
            }
            let emits = !changed.is_empty() || *op == Op::Delete || current.is_none();
            let server_seq = if emits {
                let seq = tx.next_seq()?;
                verdict.stamp(seq);
                Some(seq)
            } else {
                tx.save_outcome(&StoredOutcome {
                    mutation_id: m.mutation_id.clone(),
                    device_id: m.device_id.clone(),
                    outcome: "superseded".into(),
                    code: Some(wire_code::SUPERSEDED.into()),
                })?;
                None
            };
            // The verdict taken apart: its row and change move to the storage, no copy.
            let Verdict::Apply {
                op,
                changed,
                lost,
                conflicts,
                row,
            } = verdict
            else {
                unreachable!("still an Apply")
            };
            if let Some(seq) = server_seq {
                tx.put_change(ServerChange {
                    server_seq: seq,
                    mutation_id: m.mutation_id.clone(),
                    entity: m.entity.clone(),
                    entity_id: m.entity_id.clone(),
                    op,
                    fields: changed,
                    hlc,
                    device_id: m.device_id.clone(),
                    recorded_at: m.recorded_at.clone(),
                })?;
            }
            let corrections = if lost.is_empty() {
                Vec::new()
            } else {
                vec![Correction {
                    entity: m.entity.clone(),
                    entity_id: m.entity_id.clone(),
                    fields: lost
                        .iter()
                        .filter_map(|k| row.fields.get(k).map(|v| (k.clone(), v.clone())))
                        .collect(),
                    deleted: false,
                }]
            };
            tx.put_row(&m.entity, &m.entity_id, row)?;
            for c in &conflicts {
                record_conflict(tx, m, c, now_ms)?;
            }
            if m.entity == Entity::TimeEntry.name() && op == Op::Insert {
                for c in timer_overlaps(tx, m, hlc)? {
                    record_conflict(tx, m, &c, now_ms)?;
                }
            }
            Ok(MutationResult {
                mutation_id: m.mutation_id.clone(),
                outcome: Outcome::Applied,
                server_seq,
                code: None,
                corrections,
            })
        }
    }
}

/// How far back a segment may have started and still overlap a new one (a segment left
/// running longer is flagged for review on its own).
const OVERLAP_LOOKBACK_HOURS: i64 = 48;

/// One technician's timer running on two laptops: a new timer segment that overlaps a segment
/// of the same technician from another device is kept (both are stored) and flagged as a
/// `timer_overlap` conflict for the office to review (void or adjust one).
fn timer_overlaps(
    tx: &mut dyn HubTx,
    m: &Mutation,
    hlc: i64,
) -> Result<Vec<ConflictDraft>, HubError> {
    let text = |k: &str| m.fields.get(k).and_then(Value::as_str);
    let (Some("timer"), Some(technician), Some(start)) =
        (text("kind"), text("technician_id"), text("started_at"))
    else {
        return Ok(Vec::new());
    };
    let Ok(start_at) = chrono::DateTime::parse_from_rfc3339(start) else {
        return Ok(Vec::new());
    };
    let end = text("ended_at").unwrap_or("9999-12-31T23:59:59Z");
    let since = (start_at - chrono::Duration::hours(OVERLAP_LOOKBACK_HOURS))
        .to_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let others = tx.time_entries_started(technician, &since, end)?;
    Ok(others
        .into_iter()
        .filter(|(id, row)| {
            let field = |k: &str| row.fields.get(k).and_then(Value::as_str);
            *id != m.entity_id
                && field("kind") == Some("timer")
                && field("device_id") != Some(m.device_id.as_str())
                && field("ended_at").is_none_or(|e| e > start)
        })
        .take(5)
        .map(|(_, row)| ConflictDraft {
            field: "started_at".into(),
            reason: ConflictReason::TimerOverlap,
            winner_value: row.fields.get("started_at").cloned().unwrap_or(Value::Null),
            winner: row.versions.get("started_at").cloned(),
            lost_value: Value::String(start.to_owned()),
            lost_hlc: hlc,
            lost_device: m.device_id.clone(),
            lost_mutation_id: m.mutation_id.clone(),
            lost_at: m.recorded_at.clone(),
        })
        .collect())
}

fn rejected(m: &Mutation, code: &str, corrections: Vec<Correction>) -> MutationResult {
    MutationResult {
        mutation_id: m.mutation_id.clone(),
        outcome: Outcome::Rejected,
        server_seq: None,
        code: Some(code.to_owned()),
        corrections,
    }
}

/// What the device must put back for a mutation of its that did not (fully) take: the hub's
/// values of the fields it wrote, or the row's absence.
fn correction_for(m: &Mutation, current: Option<&RowState>) -> Vec<Correction> {
    match current {
        Some(row) if row.deleted.is_none() => {
            let fields: Map<String, Value> = m
                .fields
                .keys()
                .filter_map(|k| {
                    // A field nobody wrote since the insert holds the column's default.
                    let hub = row.fields.get(k).cloned().unwrap_or(Value::Null);
                    (m.fields.get(k) != Some(&hub)).then(|| (k.clone(), hub))
                })
                .collect();
            if fields.is_empty() && m.op != Op::Delete {
                Vec::new()
            } else if m.op == Op::Delete {
                // A refused delete: the device gets the whole row back.
                vec![Correction {
                    entity: m.entity.clone(),
                    entity_id: m.entity_id.clone(),
                    fields: row.fields.clone(),
                    deleted: false,
                }]
            } else {
                vec![Correction {
                    entity: m.entity.clone(),
                    entity_id: m.entity_id.clone(),
                    fields,
                    deleted: false,
                }]
            }
        }
        _ => vec![Correction {
            entity: m.entity.clone(),
            entity_id: m.entity_id.clone(),
            fields: Map::new(),
            deleted: true,
        }],
    }
}

/// The answer to a mutation seen before: its stored outcome, with the hub's current values of
/// its fields so that a device that missed the first answer converges all the same.
fn replayed(tx: &mut dyn HubTx, m: &Mutation, before: &Seen) -> Result<MutationResult, HubError> {
    let current = tx.load_row(&m.entity, &m.entity_id)?;
    let corrections = correction_for(m, current.as_ref());
    Ok(match before {
        Seen::Applied { server_seq } => MutationResult {
            mutation_id: m.mutation_id.clone(),
            outcome: Outcome::Duplicate,
            server_seq: Some(*server_seq),
            code: None,
            corrections,
        },
        Seen::NoChange(o) => MutationResult {
            mutation_id: m.mutation_id.clone(),
            outcome: if o.outcome == "rejected" {
                Outcome::Rejected
            } else {
                Outcome::Duplicate
            },
            server_seq: None,
            code: o.code.clone(),
            corrections,
        },
    })
}

/// Stores a conflict as a synced record (every device gets it to review).
fn record_conflict(
    tx: &mut dyn HubTx,
    m: &Mutation,
    c: &ConflictDraft,
    now_ms: i64,
) -> Result<(), HubError> {
    let id = uuid::Uuid::now_v7().to_string();
    let now = chrono::DateTime::from_timestamp_millis(now_ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let text = |v: &Value| Value::String(v.to_string());
    let mut fields = Map::new();
    fields.insert("entity".into(), Value::String(m.entity.clone()));
    fields.insert("entity_id".into(), Value::String(m.entity_id.clone()));
    fields.insert("field".into(), Value::String(c.field.clone()));
    fields.insert("reason".into(), Value::String(c.reason.as_str().into()));
    fields.insert("winner_value".into(), text(&c.winner_value));
    fields.insert(
        "winner_device_id".into(),
        c.winner
            .as_ref()
            .map_or(Value::Null, |w| Value::String(w.device.clone())),
    );
    fields.insert("lost_value".into(), text(&c.lost_value));
    fields.insert(
        "lost_device_id".into(),
        Value::String(c.lost_device.clone()),
    );
    fields.insert(
        "lost_mutation_id".into(),
        Value::String(c.lost_mutation_id.clone()),
    );
    fields.insert("lost_at".into(), Value::String(c.lost_at.clone()));
    fields.insert("resolved_at".into(), Value::Null);
    fields.insert("resolution".into(), Value::Null);
    fields.insert("created_at".into(), Value::String(now.clone()));
    fields.insert("updated_at".into(), Value::String(now.clone()));
    let hlc = Hlc::from_parts(now_ms, 0).0;
    let seq = tx.next_seq()?;
    let version = FieldVersion {
        hlc,
        device: HUB_DEVICE.into(),
        seq,
    };
    let row = RowState {
        versions: fields
            .keys()
            .map(|k| (k.clone(), version.clone()))
            .collect(),
        fields: fields.clone(),
        deleted: None,
        origin_device: HUB_DEVICE.into(),
    };
    tx.save_row(Entity::SyncConflict.name(), &id, &row)?;
    tx.append_change(&ServerChange {
        server_seq: seq,
        mutation_id: format!("hub-{id}"),
        entity: Entity::SyncConflict.name().into(),
        entity_id: id,
        op: Op::Insert,
        fields,
        hlc,
        device_id: HUB_DEVICE.into(),
        recorded_at: now,
    })
}

/// A page of changes after `after`, as the office reads it (everything).
pub fn pull(storage: &Storage, after: i64, limit: i64) -> Result<PullResponse, HubError> {
    pull_as(storage, Role::Office, after, limit)
}

/// A page of changes after `after`, without what `role` may not read
/// (`rapportino_model::reads`).
pub fn pull_as(
    storage: &Storage,
    role: Role,
    after: i64,
    limit: i64,
) -> Result<PullResponse, HubError> {
    if after < 0 {
        return Err(HubError::MalformedBody("after must be 0 or more".into()));
    }
    let limit = limit.clamp(1, MAX_PULL_PAGE);
    storage.read(|r| {
        let mut changes = r.changes_after(after, limit + 1)?;
        let more = changes.len() as i64 > limit;
        changes.truncate(limit as usize);
        for c in &mut changes {
            reads::redact(role, &c.entity, &mut c.fields);
        }
        let next_cursor = changes.last().map_or(after, |c| c.server_seq);
        Ok(PullResponse {
            changes,
            next_cursor,
            more,
        })
    })
}

/// Streams every live row, parents first, consistent with one server sequence (NDJSON: a
/// header, the rows, an end line with the count), as the office reads it.
pub fn snapshot(
    storage: &Storage,
    out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
) -> Result<(), HubError> {
    snapshot_as(storage, Role::Office, out)
}

/// [`snapshot`] without what `role` may not read (`rapportino_model::reads`).
pub fn snapshot_as(
    storage: &Storage,
    role: Role,
    out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
) -> Result<(), HubError> {
    storage.read(|r| {
        let cursor = r.max_seq()?;
        let mut line = serde_json::to_vec(&SnapshotHeader {
            schema_version: SCHEMA_VERSION,
            cursor,
        })?;
        line.push(b'\n');
        out(&line).map_err(gone)?;
        let mut rows = 0u64;
        let mut buf = Vec::with_capacity(1 << 16);
        for entity in Entity::ALL {
            let mut after = String::new();
            loop {
                let page = r.rows_page(entity.name(), &after, SNAPSHOT_PAGE)?;
                let Some((last, _)) = page.last() else { break };
                after = last.clone();
                buf.clear();
                for (id, row) in &page {
                    let mut fields = row.fields.clone();
                    reads::redact(role, entity.name(), &mut fields);
                    serde_json::to_writer(
                        &mut buf,
                        &SnapshotRow {
                            entity: entity.name().into(),
                            entity_id: id.clone(),
                            fields,
                        },
                    )?;
                    buf.push(b'\n');
                }
                rows += page.len() as u64;
                out(&buf).map_err(gone)?;
                if (page.len() as i64) < SNAPSHOT_PAGE {
                    break;
                }
            }
        }
        let mut end = serde_json::to_vec(&SnapshotEnd { end_rows: rows })?;
        end.push(b'\n');
        out(&end).map_err(gone)
    })
}

fn gone(e: std::io::Error) -> HubError {
    HubError::Internal(format!("snapshot receiver went away: {e}"))
}
