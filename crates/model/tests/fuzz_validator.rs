//! Fuzzing the push decoder and the mutation validator (proptest): arbitrary bytes, arbitrary
//! JSON and mutations shaped from the schema with random values never make them panic, and a
//! mutation the validator accepts has only schema columns, with every required one on insert.
//!
//! The test command runs a few hundred cases; a benchmark run sets `FUZZ_CASES` (e.g. a
//! million, about ten minutes: `scripts/bench-fuzz.sh`). Failing inputs proptest finds are
//! kept in `fuzz_validator.proptest-regressions` beside this file and replayed first.

use proptest::prelude::*;
use rapportino_model::protocol::{Mutation, Op, PushRequest, Role};
use rapportino_model::schema;
use rapportino_model::validate::{authorize, check_mutation, check_signed_report, Stored, Writer};
use rapportino_model::Entity;
use serde_json::{Map, Value};

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(300)
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,40}".prop_map(Value::String),
        prop_oneof![
            Just("2026-11-20T10:00:00Z"),
            Just("2026-11-20"),
            Just("T-2026-FZ-0001"),
            Just("T-2026-FZ-9223372036854775806"),
            Just("RI-2026-FZ-0001"),
            Just("signed"),
            Just("new"),
            Just("[]"),
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A mutation of a real entity with (mostly) real column names and random values.
fn mutation() -> impl Strategy<Value = Mutation> {
    let entity = prop::sample::select(Entity::ALL.to_vec());
    let op = prop_oneof![Just(Op::Insert), Just(Op::Update), Just(Op::Delete)];
    (
        entity,
        op,
        prop::collection::vec((any::<prop::sample::Index>(), json_value()), 0..12),
        "[A-Za-z0-9_-]{0,70}",
        any::<i64>(),
        any::<i64>(),
    )
        .prop_map(|(entity, op, picks, id, hlc, base_seq)| {
            let cols = schema::columns(entity);
            let fields: Map<String, Value> = picks
                .into_iter()
                .map(|(i, v)| (cols[i.index(cols.len())].name.to_owned(), v))
                .collect();
            Mutation {
                mutation_id: id.clone(),
                entity: entity.name().into(),
                entity_id: id,
                op,
                fields,
                hlc,
                device_id: "fuzz".into(),
                recorded_at: "2026-11-20T10:00:00Z".into(),
                base_seq,
            }
        })
}

fn roles() -> impl Strategy<Value = Role> {
    prop_oneof![
        Just(Role::Technician),
        Just(Role::Office),
        Just(Role::Admin)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn the_decoder_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = serde_json::from_slice::<PushRequest>(&bytes);
    }

    #[test]
    fn the_decoder_and_validator_never_panic_on_json(body in json_value()) {
        if let Ok(req) = serde_json::from_value::<PushRequest>(body) {
            let w = Writer { role: Role::Technician, device_code: "FZ", hub_seq: 10 };
            for m in &req.mutations {
                let _ = check_mutation(m, &w);
            }
        }
    }

    #[test]
    fn what_the_validator_accepts_fits_the_schema(m in mutation(), role in roles(), seq in 0i64..1000) {
        let w = Writer { role, device_code: "FZ", hub_seq: seq };
        if let Ok(entity) = check_mutation(&m, &w) {
            prop_assert!(m.hlc > 0 && (0..=seq).contains(&m.base_seq));
            let cols = schema::columns(entity);
            for name in m.fields.keys() {
                prop_assert!(cols.iter().any(|c| c.name == name));
            }
            if m.op == Op::Insert {
                for c in cols.iter().filter(|c| c.required() && c.name != entity.key_column()) {
                    prop_assert!(m.fields.get(c.name).is_some_and(|v| !v.is_null()), "{}", c.name);
                }
            }
            let stored = Stored { current: None, writer_technician: Some("t"), corrected_technician: None };
            let _ = authorize(role, &m, entity, &stored);
            let _ = check_signed_report(&m.fields);
        }
    }
}
