//! The merge rules, in one place, used by the hub (to apply pushed mutations) and by devices (to
//! decide whether a pulled value beats a local change still waiting to be pushed).
//!
//! Per kind of record (see ../shared/ARCHITECTURE.md, "Sync"):
//! - every field: last writer wins, ordered by (hybrid logical clock, device id); a concurrent
//!   write that loses, or is overwritten, is kept as a conflict for review;
//! - time entries: append-only; only the device that opened an entry may close it;
//! - signed reports, accepted or refused quotes: write-once, any later edit is refused;
//! - tickets: a status change must be a legal move from the hub's current status;
//! - deletes: tombstones (the row stays known as deleted; later edits to it are refused).
//!
//! Clocks: a mutation stamped far in the future is clamped to the hub's time and flagged.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Who set a field's current value, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldVersion {
    pub hlc: i64,
    pub device: String,
    /// The server sequence of the change that set it.
    pub seq: i64,
}

/// A row as the hub holds it: current values, each with its version, or a tombstone.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RowState {
    pub fields: Map<String, Value>,
    pub versions: BTreeMap<String, FieldVersion>,
    /// Set once the row is deleted (the tombstone's version).
    pub deleted: Option<FieldVersion>,
    /// The device that inserted the row.
    pub origin_device: String,
}

use crate::hlc::Hlc;
use crate::protocol::{wire_code, Mutation, Op};
use crate::status::TicketStatus;

/// The fields that closing a running time entry sets (the only change a time entry admits).
const TIME_ENTRY_CLOSING: [&str; 3] = ["ended_at", "seconds", "needs_review"];

/// How far ahead of the hub a device clock may be before its stamps are clamped.
pub const MAX_CLOCK_SKEW_MS: i64 = 5 * 60 * 1000;

/// Why a value was kept aside for review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ConflictReason {
    /// Two devices changed the same field without seeing each other's change.
    ConcurrentEdit,
    /// A ticket status move that is not legal from the status the hub had.
    IllegalTransition,
    /// An edit of a report that was already signed.
    ReportSigned,
    /// An edit of a quote already accepted or refused (final).
    QuoteFinal,
    /// A time entry changed by a device other than the one that opened it.
    NotOwner,
    /// A time entry deleted (time entries are corrected by new entries, never removed).
    AppendOnly,
    /// An edit of a record already deleted.
    RowDeleted,
    /// One technician's timer running on two devices at once: both segments are kept; the
    /// office reviews the overlap (voids or adjusts one). Flagged by the hub on the second
    /// segment's insert.
    TimerOverlap,
}

impl ConflictReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictReason::ConcurrentEdit => "concurrent_edit",
            ConflictReason::IllegalTransition => "illegal_transition",
            ConflictReason::ReportSigned => "report_signed",
            ConflictReason::QuoteFinal => "quote_final",
            ConflictReason::NotOwner => "not_owner",
            ConflictReason::AppendOnly => "append_only",
            ConflictReason::RowDeleted => "row_deleted",
            ConflictReason::TimerOverlap => "timer_overlap",
        }
    }
}

/// A value kept aside: what lost, and what it lost to.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictDraft {
    pub field: String,
    pub reason: ConflictReason,
    pub winner_value: Value,
    pub winner: Option<FieldVersion>,
    pub lost_value: Value,
    pub lost_hlc: i64,
    pub lost_device: String,
    pub lost_mutation_id: String,
    pub lost_at: String,
}

/// What to do with one pushed mutation.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Store `row`; emit a change with `changed` (may be empty: nothing new won). `lost` names
    /// the mutation's fields that lost to newer values (the device gets them corrected).
    Apply {
        row: RowState,
        op: Op,
        changed: Map<String, Value>,
        lost: Vec<String>,
        conflicts: Vec<ConflictDraft>,
    },
    /// Refused by a rule: nothing applied.
    Reject {
        code: &'static str,
        conflicts: Vec<ConflictDraft>,
    },
}

impl Verdict {
    /// Stamps the server sequence on the versions this verdict wrote.
    pub fn stamp(&mut self, seq: i64) {
        if let Verdict::Apply {
            row, changed, op, ..
        } = self
        {
            for key in changed.keys() {
                if let Some(v) = row.versions.get_mut(key) {
                    v.seq = seq;
                }
            }
            if *op == Op::Delete {
                if let Some(t) = row.deleted.as_mut() {
                    t.seq = seq;
                }
            }
        }
    }
}

/// Whether the write stamped `a` beats the one stamped `b`: the later clock wins, the larger
/// device id breaks ties, so every replica picks the same winner.
pub fn beats(a_hlc: i64, a_device: &str, b_hlc: i64, b_device: &str) -> bool {
    (a_hlc, a_device) > (b_hlc, b_device)
}

/// Clamps a clock reading from a device that runs ahead of the hub. Returns the clock to trust
/// and, when clamped, how far ahead the device was.
pub fn clamp_clock(hlc: i64, hub_now_ms: i64) -> (i64, Option<i64>) {
    let physical = Hlc(hlc).physical_ms();
    let skew = physical - hub_now_ms;
    if skew > MAX_CLOCK_SKEW_MS {
        (
            Hlc::from_parts(hub_now_ms, Hlc(hlc).counter()).0,
            Some(skew),
        )
    } else {
        (hlc, None)
    }
}

/// Columns every write stamps by itself (`updated_at`...): merged like any field, but a value of
/// theirs that lost is nothing to review.
pub fn is_bookkeeping(field: &str) -> bool {
    matches!(field, "id" | "rid" | "created_at" | "updated_at")
}

/// Decides a pushed mutation against the row the hub holds. `hlc` is the (clamped) clock to
/// order it by. The versions it writes carry seq 0 until [`Verdict::stamp`].
pub fn decide(current: Option<&RowState>, m: &Mutation, hlc: i64) -> Verdict {
    let mut verdict = decide_fields(current, m, hlc);
    let (Verdict::Apply { conflicts, .. } | Verdict::Reject { conflicts, .. }) = &mut verdict;
    conflicts.retain(|c| !is_bookkeeping(&c.field));
    verdict
}

fn decide_fields(current: Option<&RowState>, m: &Mutation, hlc: i64) -> Verdict {
    let version = FieldVersion {
        hlc,
        device: m.device_id.clone(),
        seq: 0,
    };
    let Some(cur) = current else {
        return match m.op {
            Op::Insert => Verdict::Apply {
                row: RowState {
                    versions: m
                        .fields
                        .keys()
                        .map(|k| (k.clone(), version.clone()))
                        .collect(),
                    fields: m.fields.clone(),
                    deleted: None,
                    origin_device: m.device_id.clone(),
                },
                op: Op::Insert,
                changed: m.fields.clone(),
                lost: Vec::new(),
                conflicts: Vec::new(),
            },
            // An edit of a row the hub never had (its insert was refused): refuse it too.
            Op::Update | Op::Delete => Verdict::Reject {
                code: wire_code::ROW_DELETED,
                conflicts: refused(m, None, ConflictReason::RowDeleted),
            },
        };
    };
    if cur.deleted.is_some() {
        return match m.op {
            // Deleting twice changes nothing.
            Op::Delete => no_change(cur),
            _ => Verdict::Reject {
                code: wire_code::ROW_DELETED,
                conflicts: refused(m, Some(cur), ConflictReason::RowDeleted),
            },
        };
    }
    if let Some(v) = entity_rule(cur, m) {
        return v;
    }
    if m.op == Op::Delete {
        let mut row = cur.clone();
        row.deleted = Some(version);
        // Every live value goes: a concurrent edit the deleting device had not seen is kept.
        let conflicts = cur
            .fields
            .iter()
            .filter(|(k, _)| {
                cur.versions
                    .get(*k)
                    .is_some_and(|v| v.seq > m.base_seq && v.device != m.device_id)
            })
            .map(|(k, val)| ConflictDraft {
                field: k.clone(),
                reason: ConflictReason::ConcurrentEdit,
                winner_value: Value::Null,
                winner: Some(FieldVersion {
                    hlc,
                    device: m.device_id.clone(),
                    seq: 0,
                }),
                lost_value: val.clone(),
                lost_hlc: cur.versions.get(k).map_or(0, |v| v.hlc),
                lost_device: cur
                    .versions
                    .get(k)
                    .map_or_else(String::new, |v| v.device.clone()),
                lost_mutation_id: m.mutation_id.clone(),
                lost_at: m.recorded_at.clone(),
            })
            .collect();
        return Verdict::Apply {
            row,
            op: Op::Delete,
            changed: Map::new(),
            lost: Vec::new(),
            conflicts,
        };
    }
    field_lww(cur, m, version)
}

/// Field-level last writer wins.
fn field_lww(cur: &RowState, m: &Mutation, version: FieldVersion) -> Verdict {
    let mut row = cur.clone();
    let mut changed = Map::new();
    let mut lost = Vec::new();
    let mut conflicts = Vec::new();
    for (key, value) in &m.fields {
        let current_value = cur.fields.get(key);
        let current_version = cur.versions.get(key);
        let wins = current_version
            .is_none_or(|cv| beats(version.hlc, &version.device, cv.hlc, &cv.device));
        let differs = current_value != Some(value);
        if wins {
            if differs {
                if let (Some(cv), Some(old)) = (current_version, current_value) {
                    // Overwriting a value the writer had not seen: keep it for review.
                    if cv.seq > m.base_seq && cv.device != m.device_id {
                        conflicts.push(ConflictDraft {
                            field: key.clone(),
                            reason: ConflictReason::ConcurrentEdit,
                            winner_value: value.clone(),
                            winner: Some(version.clone()),
                            lost_value: old.clone(),
                            lost_hlc: cv.hlc,
                            lost_device: cv.device.clone(),
                            lost_mutation_id: String::new(),
                            lost_at: m.recorded_at.clone(),
                        });
                    }
                }
                changed.insert(key.clone(), value.clone());
                row.fields.insert(key.clone(), value.clone());
                row.versions.insert(key.clone(), version.clone());
            } else {
                // The same value again: the newer stamp orders later writes, but the value is
                // still the one the hub sequenced then (what devices may or may not have seen).
                let seq = current_version.map_or(0, |cv| cv.seq);
                row.versions.insert(
                    key.clone(),
                    FieldVersion {
                        seq,
                        ..version.clone()
                    },
                );
            }
        } else if differs {
            lost.push(key.clone());
            conflicts.push(ConflictDraft {
                field: key.clone(),
                reason: ConflictReason::ConcurrentEdit,
                winner_value: current_value.cloned().unwrap_or(Value::Null),
                winner: current_version.cloned(),
                lost_value: value.clone(),
                lost_hlc: version.hlc,
                lost_device: version.device.clone(),
                lost_mutation_id: m.mutation_id.clone(),
                lost_at: m.recorded_at.clone(),
            });
        }
    }
    // The row exists already: whatever the device called it, this is an update of it.
    Verdict::Apply {
        row,
        op: Op::Update,
        changed,
        lost,
        conflicts,
    }
}

/// Rules of particular kinds of record, checked before field merging.
fn entity_rule(cur: &RowState, m: &Mutation) -> Option<Verdict> {
    match m.entity.as_str() {
        "report" if text(cur, "status") == Some("signed") => {
            // Write-once: the same values again are harmless, anything else is refused.
            let edits =
                m.op == Op::Delete || m.fields.iter().any(|(k, v)| cur.fields.get(k) != Some(v));
            edits.then(|| Verdict::Reject {
                code: wire_code::REPORT_SIGNED,
                conflicts: refused(m, Some(cur), ConflictReason::ReportSigned),
            })
        }
        // An accepted or refused quote is final the same way (the refusal's date and reason
        // included), recorded under its own reason.
        "quote" if matches!(text(cur, "status"), Some("accepted" | "refused")) => {
            let edits =
                m.op == Op::Delete || m.fields.iter().any(|(k, v)| cur.fields.get(k) != Some(v));
            edits.then(|| Verdict::Reject {
                code: wire_code::QUOTE_FINAL,
                conflicts: refused(m, Some(cur), ConflictReason::QuoteFinal),
            })
        }
        "time_entry" => match m.op {
            Op::Delete => Some(Verdict::Reject {
                code: wire_code::APPEND_ONLY,
                conflicts: refused(m, Some(cur), ConflictReason::AppendOnly),
            }),
            Op::Update | Op::Insert if m.device_id != cur.origin_device => {
                let edits = m.fields.iter().any(|(k, v)| cur.fields.get(k) != Some(v));
                edits.then(|| Verdict::Reject {
                    code: wire_code::NOT_OWNER,
                    conflicts: refused(m, Some(cur), ConflictReason::NotOwner),
                })
            }
            _ => {
                // The opening device may close its entry once; nothing else of it ever changes
                // (corrections are new entries: adjustments and voids).
                let closed = cur.fields.get("ended_at").is_some_and(|v| !v.is_null());
                let edits_other = m.fields.iter().any(|(k, v)| {
                    cur.fields.get(k) != Some(v)
                        && (closed || !TIME_ENTRY_CLOSING.contains(&k.as_str()))
                });
                edits_other.then(|| Verdict::Reject {
                    code: wire_code::APPEND_ONLY,
                    conflicts: refused(m, Some(cur), ConflictReason::AppendOnly),
                })
            }
        },
        "ticket" => {
            let to = m.fields.get("status").and_then(Value::as_str)?;
            let from = text(cur, "status")?;
            if from == to {
                return None;
            }
            let legal = match (from.parse::<TicketStatus>(), to.parse::<TicketStatus>()) {
                (Ok(f), Ok(t)) => f.can_move_to(t),
                _ => false,
            };
            (!legal).then(|| Verdict::Reject {
                code: wire_code::ILLEGAL_TRANSITION,
                conflicts: refused(m, Some(cur), ConflictReason::IllegalTransition),
            })
        }
        _ => None,
    }
}

fn text<'a>(row: &'a RowState, key: &str) -> Option<&'a str> {
    row.fields.get(key).and_then(Value::as_str)
}

fn no_change(cur: &RowState) -> Verdict {
    Verdict::Apply {
        row: cur.clone(),
        op: Op::Update,
        changed: Map::new(),
        lost: Vec::new(),
        conflicts: Vec::new(),
    }
}

/// Every value of a refused mutation that differs from the hub's, kept for review.
fn refused(m: &Mutation, cur: Option<&RowState>, reason: ConflictReason) -> Vec<ConflictDraft> {
    let mut out: Vec<ConflictDraft> = m
        .fields
        .iter()
        .filter(|(k, v)| cur.and_then(|c| c.fields.get(*k)) != Some(*v))
        .map(|(k, v)| ConflictDraft {
            field: k.clone(),
            reason,
            winner_value: cur
                .and_then(|c| c.fields.get(k))
                .cloned()
                .unwrap_or(Value::Null),
            winner: cur.and_then(|c| c.versions.get(k)).cloned(),
            lost_value: v.clone(),
            lost_hlc: m.hlc,
            lost_device: m.device_id.clone(),
            lost_mutation_id: m.mutation_id.clone(),
            lost_at: m.recorded_at.clone(),
        })
        .collect();
    if out.is_empty() && m.op == Op::Delete {
        out.push(ConflictDraft {
            field: "*".into(),
            reason,
            winner_value: Value::Bool(true),
            winner: None,
            lost_value: Value::String("delete".into()),
            lost_hlc: m.hlc,
            lost_device: m.device_id.clone(),
            lost_mutation_id: m.mutation_id.clone(),
            lost_at: m.recorded_at.clone(),
        });
    }
    out
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
