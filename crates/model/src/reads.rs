//! What each role reads. Every role pulls and takes the snapshot of every entity, with one
//! exception: a `technician` device never receives a contract's extra-time PIN hash (the hub
//! verifies the PIN for it online, `POST /v1/extra-time`). The hub removes the hidden fields
//! from everything it sends a technician: pulled changes, snapshot rows, the corrections of a
//! push, and the kept values of a conflict about a hidden field. The table is in ARCHITECTURE.md
//! ("Roles on data writes", Reads).
//!
//! Technicians cannot write contracts (the role rules in [`crate::validate`]), and a device
//! writes only the fields it changes: a technician device holding no hash can never push an
//! update that erases it.

use serde_json::{Map, Value};

use crate::protocol::Role;
use crate::Entity;

/// Fields a technician device never receives: (entity, field).
pub const TECHNICIAN_HIDDEN: &[(Entity, &str)] = &[(Entity::Contract, "extra_time_pin_hash")];

/// Whether `role` may read `field` of `entity`.
pub fn may_read(role: Role, entity: &str, field: &str) -> bool {
    role != Role::Technician
        || !TECHNICIAN_HIDDEN
            .iter()
            .any(|(e, f)| e.name() == entity && *f == field)
}

/// Removes from `fields` (a row, a change or a correction of `entity`) what `role` may not read.
/// A conflict about a hidden field keeps its record, without the values.
pub fn redact(role: Role, entity: &str, fields: &mut Map<String, Value>) {
    if role != Role::Technician {
        return;
    }
    fields.retain(|k, _| may_read(role, entity, k));
    if entity == Entity::SyncConflict.name() {
        let about = |k: &str| fields.get(k).and_then(Value::as_str).map(str::to_owned);
        if let (Some(e), Some(f)) = (about("entity"), about("field")) {
            if !may_read(role, &e, &f) {
                for kept in ["winner_value", "lost_value"] {
                    if fields.contains_key(kept) {
                        fields.insert(kept.into(), Value::String("null".into()));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn technicians_lose_the_pin_hash_and_nothing_else() {
        let row =
            map(json!({"id": "k1", "extra_time_allowed": 1, "extra_time_pin_hash": "$argon2id$x"}));
        let mut t = row.clone();
        redact(Role::Technician, "contract", &mut t);
        assert_eq!(t, map(json!({"id": "k1", "extra_time_allowed": 1})));
        for role in [Role::Office, Role::Admin] {
            let mut o = row.clone();
            redact(role, "contract", &mut o);
            assert_eq!(o, row);
        }
        let mut other = map(json!({"extra_time_pin_hash": "x"}));
        redact(Role::Technician, "ticket", &mut other);
        assert_eq!(other.len(), 1, "only the contract's field is hidden");
    }

    #[test]
    fn a_conflict_about_the_hash_loses_its_values() {
        let mut c = map(json!({"entity": "contract", "field": "extra_time_pin_hash",
            "winner_value": "\"$argon2id$a\"", "lost_value": "\"$argon2id$b\""}));
        redact(Role::Technician, "sync_conflict", &mut c);
        assert_eq!(c["winner_value"], json!("null"));
        assert_eq!(c["lost_value"], json!("null"));
        let mut named = map(json!({"entity": "contract", "field": "name",
            "winner_value": "\"A\"", "lost_value": "\"B\""}));
        redact(Role::Technician, "sync_conflict", &mut named);
        assert_eq!(named["winner_value"], json!("\"A\""));
    }
}
