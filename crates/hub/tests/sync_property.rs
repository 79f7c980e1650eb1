//! Property test of sync: random offline work on three devices, partial syncs, lost, repeated
//! and mixed-up answers, crashes between the hub applying a batch and the device seeing the
//! acknowledgement, devices restored from old backups, and rows no device can store (written
//! straight into the hub's storage, as an older hub took them before pushed mutations were
//! validated), some repaired by a later change. After a final sync every replica (and a new
//! device starting from a snapshot) is identical, every mutation took effect at most once and
//! none was lost, numbers are unique, signed reports never changed, every value that lost or
//! was overwritten unseen is in the conflicts table, and each device's quarantine holds exactly
//! the rows that are still unstorable.
#![allow(clippy::unwrap_used)]

mod common;
mod sync_support;

use proptest::prelude::*;
use rapportino_core::ids::{ClientId, InterventionId, MaterialId, TicketId};
use rapportino_core::interventions::{
    self, InterventionMode, InterventionPatch, MaterialInput, NewIntervention, Outcome,
};
use rapportino_core::reports::{self, SignInput};
use rapportino_core::sync::http::HttpTransport;
use rapportino_core::sync::{self, Transport};
use rapportino_core::sync::{conflicts, quarantine};
use rapportino_core::tickets::{self, TransitionInput};
use rapportino_core::Store;
use rapportino_model::protocol::{Op as WireOp, PushRequest, PushResponse, ServerChange};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use sync_support::faults::{Fault, FaultyTransport, PushLog};
use sync_support::*;

const DEVICES: usize = 3;
const CITIES: [&str; 4] = ["Bari", "Lecce", "Torino", "Udine"];

#[derive(Debug, Clone)]
enum Step {
    NewClient(usize),
    SetCity(usize, usize, usize),
    SetNotes(usize, usize, u8),
    NewTicket(usize, usize),
    MoveTicket(usize, usize, usize),
    Work(usize, usize),
    AddMaterial(usize, usize),
    RemoveMaterial(usize, usize),
    SignReport(usize, usize),
    /// An edit made while the device's clock is two days ahead.
    SkewedEdit(usize, usize),
    Sync(usize, Fault),
    CrashAfterApply(usize),
    Backup(usize),
    Restore(usize),
    /// A row no device can store, signed by device `usize`, written into the hub's storage.
    Unstorable(usize, Bad),
    /// A later change that makes the n-th still unstorable row storable.
    Repair(usize),
}

/// Kinds of rows no device can store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bad {
    /// A client insert with no fields (NOT NULL).
    EmptyClient,
    /// A complete client whose `archived` is a text (a STRICT INTEGER column).
    WrongType,
    /// A technician with the code of device n's technician (a unique index).
    DuplicateCode(usize),
}

fn bad() -> impl Strategy<Value = Bad> {
    prop_oneof![
        Just(Bad::EmptyClient),
        Just(Bad::WrongType),
        (0..DEVICES).prop_map(Bad::DuplicateCode),
    ]
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        3 => Just(Fault::None),
        1 => Just(Fault::DropPushAnswer),
        1 => Just(Fault::DropPullAnswer),
        1 => Just(Fault::DuplicatePush),
        1 => Just(Fault::StaleRequest),
        1 => Just(Fault::StaleAnswer),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    let d = 0..DEVICES;
    let p = 0..64usize;
    prop_oneof![
        2 => d.clone().prop_map(Step::NewClient),
        3 => (d.clone(), p.clone(), 0..CITIES.len()).prop_map(|(a, b, c)| Step::SetCity(a, b, c)),
        2 => (d.clone(), p.clone(), any::<u8>()).prop_map(|(a, b, c)| Step::SetNotes(a, b, c)),
        2 => (d.clone(), p.clone()).prop_map(|(a, b)| Step::NewTicket(a, b)),
        3 => (d.clone(), p.clone(), 0..4usize).prop_map(|(a, b, c)| Step::MoveTicket(a, b, c)),
        2 => (d.clone(), p.clone()).prop_map(|(a, b)| Step::Work(a, b)),
        1 => (d.clone(), p.clone()).prop_map(|(a, b)| Step::AddMaterial(a, b)),
        1 => (d.clone(), p.clone()).prop_map(|(a, b)| Step::RemoveMaterial(a, b)),
        1 => (d.clone(), p.clone()).prop_map(|(a, b)| Step::SignReport(a, b)),
        1 => (d.clone(), p.clone()).prop_map(|(a, b)| Step::SkewedEdit(a, b)),
        5 => (d.clone(), fault()).prop_map(|(a, f)| Step::Sync(a, f)),
        1 => d.clone().prop_map(Step::CrashAfterApply),
        1 => d.clone().prop_map(Step::Backup),
        1 => d.clone().prop_map(Step::Restore),
        1 => (d, bad()).prop_map(|(a, b)| Step::Unstorable(a, b)),
        1 => p.prop_map(Step::Repair),
    ]
}

struct World {
    hub: TestHub,
    devices: Vec<Device>,
    backups: Vec<Option<PathBuf>>,
    log: PushLog,
    last_request: Vec<Option<PushRequest>>,
    last_answer: Vec<Option<PushResponse>>,
    /// Signed report id → its hash when it was signed.
    signed: HashMap<String, String>,
    /// Rows written into the hub that no device can store yet: (entity, id) → kind.
    unstorable: BTreeMap<(String, String), Bad>,
    injected: usize,
    dir: tempfile::TempDir,
}

const CODES: [&str; DEVICES] = ["AA", "BB", "CC"];

fn ids(store: &Store, sql: &str) -> Vec<String> {
    let mut stmt = store.conn().prepare(sql).unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn pick(store: &Store, sql: &str, n: usize) -> Option<String> {
    let all = ids(store, sql);
    (!all.is_empty()).then(|| all[n % all.len()].clone())
}

impl World {
    fn new(storage_url: Option<&str>) -> World {
        let hub = TestHub::start(storage_url, true);
        let dir = tempfile::tempdir().unwrap();
        let devices = CODES
            .iter()
            .enumerate()
            .map(|(i, code)| {
                let start = rome(2026, 11, 16, 8, 0) + chrono::Duration::minutes(i as i64 * 7);
                Device::enrolled(dir.path(), &hub, code, start)
            })
            .collect();
        World {
            hub,
            devices,
            backups: vec![None; DEVICES],
            log: PushLog::default(),
            last_request: vec![None; DEVICES],
            last_answer: vec![None; DEVICES],
            signed: HashMap::new(),
            unstorable: BTreeMap::new(),
            injected: 0,
            dir,
        }
    }

    /// Writes a row no device can store into the hub, as device `d`'s.
    fn unstorable(&mut self, d: usize, kind: Bad) {
        if let Bad::DuplicateCode(n) = kind {
            // Only after device n's own technician reached the hub: before, the hub's order
            // puts the duplicate first, and then device n's technician is the row the others
            // cannot store (the honest case of two devices onboarded offline with one code,
            // which the device cannot settle by itself: technician codes are checked at
            // enrolment).
            let tech = rapportino_core::setup::current_technician(self.devices[n].store.conn())
                .unwrap()
                .to_string();
            let sequenced = self
                .hub
                .storage
                .write(|tx| tx.load_row("technician", &tech))
                .unwrap()
                .is_some();
            if !sequenced {
                return;
            }
        }
        self.injected += 1;
        // Ids after every real one: a new device's snapshot (rows by id) then meets the real
        // technician before the one clashing with its code, as the devices that pulled them
        // in order did (which of two clashing rows a snapshot keeps follows id order).
        let id = format!("ffffffff-ffff-7fff-bfff-{:012}", self.injected);
        let now = "2026-11-16T09:00:00Z";
        let (entity, fields) = match kind {
            Bad::EmptyClient => ("client", serde_json::json!({})),
            Bad::WrongType => (
                "client",
                serde_json::json!({"name": format!("Cliente rotto {}", self.injected),
                    "city": "Bari", "archived": "forse", "created_at": now, "updated_at": now}),
            ),
            Bad::DuplicateCode(n) => (
                "technician",
                serde_json::json!({"code": CODES[n], "name": "Omonimo", "active": 1,
                    "created_at": now, "updated_at": now}),
            ),
        };
        let device = self.devices[d].store.device_id().unwrap().to_string();
        inject(
            &self.hub.storage,
            &device,
            entity,
            &id,
            WireOp::Insert,
            fields,
        );
        self.unstorable.insert((entity.to_owned(), id), kind);
    }

    /// A later change (by the hub's administrator, say) that makes an unstorable row storable.
    fn repair(&mut self, n: usize) {
        let Some(((entity, id), kind)) = self
            .unstorable
            .iter()
            .nth(n % self.unstorable.len().max(1))
            .map(|(k, v)| (k.clone(), *v))
        else {
            return;
        };
        let now = "2026-11-16T10:00:00Z";
        let fields = match kind {
            Bad::EmptyClient | Bad::WrongType => {
                serde_json::json!({"name": format!("Riparato {n}"),
                "archived": false, "created_at": now, "updated_at": now})
            }
            Bad::DuplicateCode(_) => serde_json::json!({"code": format!("R{}", self.injected),
                "updated_at": now}),
        };
        self.injected += 1;
        inject(
            &self.hub.storage,
            "hub",
            &entity,
            &id,
            WireOp::Update,
            fields,
        );
        self.unstorable.remove(&(entity, id));
    }

    fn sync(&mut self, d: usize, fault: Fault) -> bool {
        let dev = &mut self.devices[d];
        let mut t = FaultyTransport::for_device(
            &dev.store,
            fault,
            &mut self.log,
            &mut self.last_request[d],
            &mut self.last_answer[d],
        );
        sync::run(&mut dev.store, &mut t).is_ok()
    }

    /// Runs one step; a step the device refuses (an illegal move, numbering on hold...) simply
    /// writes nothing.
    fn run(&mut self, step: &Step) {
        // Time passes between steps on every device.
        for dev in &self.devices {
            dev.clock.advance(chrono::Duration::seconds(37));
        }
        match *step {
            Step::NewClient(d) => {
                let n = ids(&self.devices[d].store, "SELECT id FROM clients").len();
                self.devices[d].client(&format!("Cliente {d}-{n}"));
            }
            Step::SetCity(d, p, c) => self.set_city(d, p, CITIES[c]),
            Step::SetNotes(d, p, n) => self.set_notes(d, p, n),
            Step::NewTicket(d, p) => {
                let dev = &mut self.devices[d];
                if let Some(c) = pick(&dev.store, "SELECT id FROM clients ORDER BY id", p) {
                    let _ =
                        tickets::open(&mut dev.store, &new_ticket(c.parse().unwrap(), "Guasto"));
                }
            }
            Step::MoveTicket(d, p, choice) => {
                let dev = &mut self.devices[d];
                if let Some(t) = pick(&dev.store, "SELECT id FROM tickets ORDER BY id", p) {
                    let id: TicketId = t.parse().unwrap();
                    let from = tickets::get(&dev.store, id).unwrap().status;
                    let next = from.next_states();
                    if !next.is_empty() {
                        let to = next[choice % next.len()];
                        let input = TransitionInput {
                            note: from.note_required(to).then(|| "motivo".to_owned()),
                            ..TransitionInput::to(to)
                        };
                        let _ = tickets::transition(&mut dev.store, id, &input);
                    }
                }
            }
            Step::Work(d, p) => {
                let dev = &mut self.devices[d];
                let sql = "SELECT id FROM tickets WHERE status NOT IN ('closed', 'cancelled') ORDER BY id";
                if let Some(t) = pick(&dev.store, sql, p) {
                    let made = interventions::create(
                        &mut dev.store,
                        &NewIntervention {
                            ticket_id: t.parse().unwrap(),
                            mode: InterventionMode::Remote,
                            site_id: None,
                            technician_id: None,
                        },
                    );
                    if let Ok(i) = made {
                        if interventions::start(&mut dev.store, i.id).is_ok() {
                            dev.clock.advance(chrono::Duration::minutes(25));
                            let _ = interventions::stop(&mut dev.store, i.id);
                        }
                    }
                }
            }
            Step::AddMaterial(d, p) => {
                let dev = &mut self.devices[d];
                if let Some(i) = pick(&dev.store, "SELECT id FROM interventions ORDER BY id", p) {
                    let id: InterventionId = i.parse().unwrap();
                    let _ = interventions::add_material(
                        &mut dev.store,
                        id,
                        &MaterialInput {
                            description: "Cavo di rete".into(),
                            quantity: 2.0,
                            unit_price_cents: 350,
                        },
                    );
                }
            }
            Step::RemoveMaterial(d, p) => {
                let dev = &mut self.devices[d];
                if let Some(m) = pick(&dev.store, "SELECT id FROM materials ORDER BY id", p) {
                    let id: MaterialId = m.parse().unwrap();
                    let _ = interventions::remove_material(&mut dev.store, id);
                }
            }
            Step::SignReport(d, p) => self.sign(d, p),
            Step::SkewedEdit(d, p) => {
                let clock = self.devices[d].clock.clone();
                let before = rapportino_core::time::Clock::now(clock.as_ref());
                clock.set(chrono::Utc::now() + chrono::Duration::days(2));
                self.set_notes(d, p, 255);
                clock.set(before);
            }
            Step::Sync(d, f) => {
                self.sync(d, f);
            }
            Step::CrashAfterApply(d) => {
                self.sync(d, Fault::DropPushAnswer);
                self.devices[d].crash_and_restart();
            }
            Step::Backup(d) => {
                let path = self
                    .dir
                    .path()
                    .join(format!("backup-{d}-{}.db", self.log.order.len()));
                let _ = std::fs::remove_file(&path);
                rapportino_core::backup::backup_to(&self.devices[d].store, &path).unwrap();
                self.backups[d] = Some(path);
            }
            Step::Unstorable(d, kind) => self.unstorable(d, kind),
            Step::Repair(n) => self.repair(n),
            Step::Restore(d) => {
                if let Some(path) = self.backups[d].clone() {
                    let safety = self.dir.path().join(format!("safety-{d}"));
                    rapportino_core::backup::restore_from(
                        &mut self.devices[d].store,
                        &path,
                        &safety,
                    )
                    .unwrap();
                }
            }
        }
    }

    fn set_city(&mut self, d: usize, p: usize, city: &str) {
        let dev = &mut self.devices[d];
        if let Some(c) = pick(&dev.store, "SELECT id FROM clients ORDER BY id", p) {
            let id: ClientId = c.parse().unwrap();
            let mut input = client_input(&dev.store, id);
            input.address.city = Some(city.into());
            let _ = rapportino_core::clients::update(&mut dev.store, id, &input);
        }
    }

    fn set_notes(&mut self, d: usize, p: usize, n: u8) {
        let dev = &mut self.devices[d];
        if let Some(c) = pick(&dev.store, "SELECT id FROM clients ORDER BY id", p) {
            let id: ClientId = c.parse().unwrap();
            let mut input = client_input(&dev.store, id);
            input.notes = Some(format!("Nota {n} da {}", dev.code));
            let _ = rapportino_core::clients::update(&mut dev.store, id, &input);
        }
    }

    fn sign(&mut self, d: usize, p: usize) {
        let dev = &mut self.devices[d];
        let sql = "SELECT i.id FROM interventions i WHERE i.finished_at IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.intervention_id = i.id) ORDER BY i.id";
        let Some(i) = pick(&dev.store, sql, p) else {
            return;
        };
        let id: InterventionId = i.parse().unwrap();
        let _ = interventions::update(
            &mut dev.store,
            id,
            &InterventionPatch {
                work_done: Some("Sostituito l'alimentatore.".into()),
                outcome: Some(Outcome::Resolved),
                ..Default::default()
            },
        );
        let Ok(draft) = reports::create(&mut dev.store, id) else {
            return;
        };
        let input = SignInput {
            customer: Some(signature("Anna Bianchi")),
            customer_absence: None,
            technician: signature(""),
        };
        if let Ok(r) = reports::sign(&mut dev.store, draft.id, &input) {
            self.signed
                .insert(r.id.to_string(), r.snapshot_sha256.clone().unwrap());
        }
    }

    /// Everything the hub sequenced, in order.
    fn hub_changes(&self) -> Vec<ServerChange> {
        let dev = &self.devices[0];
        let token = sync::credential::token(&dev.store).unwrap().unwrap();
        let mut t = HttpTransport::new(&self.hub.url, &token, self.hub.ca_pem.as_deref()).unwrap();
        let mut out = Vec::new();
        let mut after = 0;
        loop {
            let page = t.pull(after, 1000).unwrap();
            out.extend(page.changes);
            after = page.next_cursor;
            if !page.more {
                return out;
            }
        }
    }
}

fn client_input(store: &Store, id: ClientId) -> rapportino_core::clients::ClientInput {
    let c = rapportino_core::clients::get(store, id).unwrap();
    rapportino_core::clients::ClientInput {
        name: c.name,
        address: rapportino_core::address::Address {
            city: c.address.city,
            ..Default::default()
        },
        notes: c.notes,
        ..Default::default()
    }
}

/// A column of a replica's row as JSON (booleans are stored as 0/1).
fn replica_value(store: &Store, entity: &str, id: &str, field: &str) -> Option<Value> {
    let e = rapportino_core::store::Entity::from_name(entity)?;
    let sql = format!(
        "SELECT {field} FROM {} WHERE {} = ?1",
        e.table(),
        e.key_column()
    );
    let v: rusqlite::types::Value = store.conn().query_row(&sql, [id], |r| r.get(0)).ok()?;
    Some(match v {
        rusqlite::types::Value::Null => Value::Null,
        rusqlite::types::Value::Integer(i) => Value::from(i),
        rusqlite::types::Value::Real(f) => Value::from(f),
        rusqlite::types::Value::Text(s) => Value::String(s),
        rusqlite::types::Value::Blob(_) => Value::Null,
    })
}

fn normalise(v: &Value) -> Value {
    match v {
        Value::Bool(b) => Value::from(i64::from(*b)),
        other => other.clone(),
    }
}

/// One applied value of a field: (server sequence, mutation id, device id, value).
type AppliedValue<'a> = (i64, &'a str, &'a str, Value);

fn check(world: &mut World) {
    // Final syncs: everyone pushes, then everyone pulls what the others pushed.
    for _ in 0..2 {
        for d in 0..DEVICES {
            assert!(
                world.sync(d, Fault::None),
                "final sync of device {d} failed: {:?}",
                sync::status(&world.devices[d].store).unwrap().last_error
            );
        }
    }
    let fresh = Device::enrolled(world.dir.path(), &world.hub, "ZZ", rome(2026, 11, 20, 8, 0));
    let mut fresh = fresh;
    fresh.sync();
    let mut all: Vec<&Device> = world.devices.iter().collect();
    // The new device's own onboarding rows (its technician and device) are on every replica
    // only after the others pull once more.
    drop(all);
    for d in 0..DEVICES {
        assert!(world.sync(d, Fault::None));
    }
    fresh.sync();
    all = world.devices.iter().collect();
    all.push(&fresh);
    assert_converged(&all);

    let changes = world.hub_changes();
    // Gapless server sequence.
    for (i, c) in changes.iter().enumerate() {
        assert_eq!(c.server_seq, i as i64 + 1, "server sequence has a gap");
    }
    // Each mutation took effect at most once.
    let mut applied: HashMap<&str, &ServerChange> = HashMap::new();
    for c in &changes {
        assert!(
            applied.insert(c.mutation_id.as_str(), c).is_none(),
            "{} applied twice",
            c.mutation_id
        );
    }
    let replica = &world.devices[0].store;
    // Nothing lost: every inserted row that was not deleted is on the replica, and nothing else.
    let mut live: BTreeMap<(String, String), bool> = BTreeMap::new();
    for c in &changes {
        match c.op {
            WireOp::Insert => {
                live.insert((c.entity.clone(), c.entity_id.clone()), true);
            }
            WireOp::Delete => {
                live.insert((c.entity.clone(), c.entity_id.clone()), false);
            }
            WireOp::Update => {}
        }
    }
    for ((entity, id), alive) in &live {
        // A row no device can store is on no replica: it waits in every device's quarantine.
        let alive = &(*alive && !world.unstorable.contains_key(&(entity.clone(), id.clone())));
        let e = rapportino_core::store::Entity::from_name(entity).unwrap();
        let n: i64 = replica
            .conn()
            .query_row(
                &format!(
                    "SELECT count(*) FROM {} WHERE {} = ?1",
                    e.table(),
                    e.key_column()
                ),
                [id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            n,
            i64::from(*alive),
            "{entity} {id}: expected alive={alive}"
        );
    }
    for e in rapportino_core::store::Entity::ALL {
        let on_replica = ids(
            replica,
            &format!("SELECT {} FROM {}", e.key_column(), e.table()),
        );
        for id in on_replica {
            assert!(
                live.get(&(e.name().to_owned(), id.clone())) == Some(&true),
                "{} {id} is on the replica but the hub never sequenced it",
                e.name()
            );
        }
    }
    // Each device's quarantine holds exactly the rows still unstorable: nothing else was set
    // aside, and every repaired row left it.
    let expected: Vec<(String, String)> = world.unstorable.keys().cloned().collect();
    for d in &all {
        let mut held: Vec<(String, String)> = quarantine::list(&d.store)
            .unwrap()
            .into_iter()
            .map(|q| (q.entity, q.entity_id))
            .collect();
        held.sort();
        assert_eq!(held, expected, "quarantine of {}", d.code);
        assert_eq!(
            sync::status(&d.store).unwrap().quarantined,
            expected.len() as i64
        );
    }
    // Numbers unique.
    for table in ["tickets", "reports"] {
        let dup: i64 = replica
            .conn()
            .query_row(
                &format!("SELECT count(*) - count(DISTINCT number) FROM {table}"),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(dup, 0, "duplicate {table} numbers");
    }
    // Signed reports never changed. One signed and then discarded by restoring an older backup
    // before it ever reached the hub is gone with the rest of that unsent work.
    for (id, hash) in &world.signed {
        if live.get(&("report".to_owned(), id.clone())) != Some(&true) {
            continue;
        }
        for d in &all {
            let r = reports::get(&d.store, id.parse().unwrap()).unwrap();
            assert_eq!(
                r.snapshot_sha256.as_deref(),
                Some(hash.as_str()),
                "report {id} on {}",
                d.code
            );
            assert!(reports::verify(&d.store, r.id).unwrap().matches);
        }
    }
    // Every value that lost, or was overwritten by a device that had not seen it, is kept.
    let kept = conflicts::list(&world.devices[0].store, true).unwrap();
    let by_mutation: HashSet<(&str, &str)> = kept
        .iter()
        .filter(|k| !k.field.is_empty())
        .flat_map(|k| [(k.entity_id.as_str(), k.field.as_str())])
        .collect();
    let lost_values: HashSet<(String, String, String)> = kept
        .iter()
        .map(|k| {
            (
                k.entity_id.clone(),
                k.field.clone(),
                normalise(&k.lost_value).to_string(),
            )
        })
        .collect();
    // The chain of applied values of every field.
    let mut chains: HashMap<(String, String), Vec<AppliedValue<'_>>> = HashMap::new();
    for c in &changes {
        for (f, v) in &c.fields {
            chains
                .entry((c.entity_id.clone(), f.clone()))
                .or_default()
                .push((
                    c.server_seq,
                    c.mutation_id.as_str(),
                    c.device_id.as_str(),
                    normalise(v),
                ));
        }
    }
    // Stamps every write sets (updated_at...) merge like any field but are not kept for review.
    let bookkeeping = |f: &str| matches!(f, "id" | "rid" | "created_at" | "updated_at");
    for ((id, field), chain) in &chains {
        if bookkeeping(field) {
            continue;
        }
        for pair in chain.windows(2) {
            let (seq, _, dev_a, ref old) = pair[0];
            let (_, mid, dev_b, ref new) = pair[1];
            if old == new || dev_a == dev_b || dev_b == "hub" {
                continue;
            }
            let Some(m) = world.log.mutations.get(mid) else {
                continue;
            };
            // The overwriting device had written that same value itself (a write that changed
            // nothing at the hub): it overwrote nothing it had not seen.
            let wrote_it_too = world.log.mutations.values().any(|x| {
                x.device_id == dev_b
                    && x.entity_id == *id
                    && x.fields.get(field.as_str()).map(normalise).as_ref() == Some(old)
            });
            if m.base_seq < seq && !wrote_it_too {
                assert!(
                    lost_values.contains(&(id.clone(), field.clone(), old.to_string())),
                    "{id}.{field} = {old} was overwritten unseen by {mid} and is not in the conflicts"
                );
            }
        }
    }
    for mid in &world.log.order {
        if applied.contains_key(mid.as_str()) {
            continue;
        }
        let m = &world.log.mutations[mid];
        for (f, v) in m.fields.iter().filter(|(f, _)| !bookkeeping(f)) {
            let v = normalise(v);
            let kept_here = lost_values.contains(&(m.entity_id.clone(), f.clone(), v.to_string()))
                || by_mutation.contains(&(m.entity_id.as_str(), "*"));
            let same_as_applied = chains
                .get(&(m.entity_id.clone(), f.clone()))
                .is_some_and(|c| c.iter().any(|(_, _, _, x)| *x == v))
                || replica_value(replica, &m.entity, &m.entity_id, f).map(|x| normalise(&x))
                    == Some(v.clone());
            assert!(
                kept_here || same_as_applied,
                "{} {}.{f} = {v} from {mid} did not take and is not in the conflicts",
                m.entity,
                m.entity_id
            );
        }
    }
}

fn cases() -> u32 {
    std::env::var("SYNC_PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12)
}

fn property(storage_url: Option<&str>, steps: &[Step]) {
    let mut world = World::new(storage_url);
    for s in steps {
        world.run(s);
    }
    check(&mut world);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 64, ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge_exactly_once_on_a_sqlite_hub(steps in prop::collection::vec(step(), 10..70)) {
        property(None, &steps);
    }

    #[test]
    fn replicas_converge_exactly_once_on_a_postgres_hub(steps in prop::collection::vec(step(), 10..70)) {
        // A fresh database per case on the shared throwaway server.
        if let Some(db) = common::PgDatabase::create() {
            property(Some(&db.url), &steps);
        }
    }
}
