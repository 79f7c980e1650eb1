//! Helpers for the device-side sync tests without a hub: a second device, and what a hub would
//! serve for a device's outbox.

use rapportino_core::setup::{self, OnboardingInput};
use rapportino_core::sync::apply::outbox;
use rapportino_core::sync::protocol::ServerChange;
use rapportino_core::Store;

/// A device onboarded with device and technician code `code`.
pub fn second_device(code: &str) -> Store {
    let mut s = Store::open_in_memory().unwrap();
    setup::onboard(
        &mut s,
        &OnboardingInput {
            shop_name: "Assistenza Rinaldi".into(),
            technician_name: format!("Tecnico {code}"),
            technician_code: code.into(),
            device_code: Some(code.into()),
        },
    )
    .unwrap();
    s
}

/// What a hub would serve for `store`'s outbox, numbered from `first_seq`.
pub fn served(store: &Store, first_seq: i64) -> Vec<ServerChange> {
    outbox(store.conn(), 10_000)
        .unwrap()
        .into_iter()
        .enumerate()
        .map(|(i, m)| ServerChange {
            server_seq: first_seq + i as i64,
            mutation_id: m.mutation_id,
            entity: m.entity,
            entity_id: m.entity_id,
            op: m.op,
            fields: m.fields,
            hlc: m.hlc,
            device_id: m.device_id,
            recorded_at: m.recorded_at,
        })
        .collect()
}
