//! The property test's world: a real hub over TLS and three devices (real databases on disk),
//! the steps run on them, and what the checks need to know (every push and answer, the hashes
//! of signed reports, the rows written unstorable into the hub).

use rapportino_core::ids::{ClientId, InterventionId, MaterialId, TicketId};
use rapportino_core::interventions::{
    self, InterventionMode, InterventionPatch, MaterialInput, NewIntervention, Outcome,
};
use rapportino_core::reports::{self, SignInput};
use rapportino_core::sync::{self, Transport};
use rapportino_core::tickets::{self, TransitionInput};
use rapportino_core::Store;
use rapportino_model::protocol::{Op as WireOp, PushRequest, PushResponse, ServerChange};
use rapportino_sync_http::HttpTransport;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::steps::*;
use crate::sync_support::faults::{Fault, FaultyTransport, PushLog};
use crate::sync_support::*;

pub struct World {
    pub hub: TestHub,
    pub devices: Vec<Device>,
    pub backups: Vec<Option<PathBuf>>,
    pub log: PushLog,
    pub last_request: Vec<Option<PushRequest>>,
    pub last_answer: Vec<Option<PushResponse>>,
    /// Signed report id → its hash when it was signed.
    pub signed: HashMap<String, String>,
    /// Rows written into the hub that no device can store yet: (entity, id) → kind.
    pub unstorable: BTreeMap<(String, String), Bad>,
    pub injected: usize,
    pub dir: tempfile::TempDir,
}

pub const CODES: [&str; DEVICES] = ["AA", "BB", "CC"];

pub fn ids(store: &Store, sql: &str) -> Vec<String> {
    let mut stmt = store.conn().prepare(sql).unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

pub fn pick(store: &Store, sql: &str, n: usize) -> Option<String> {
    let all = ids(store, sql);
    (!all.is_empty()).then(|| all[n % all.len()].clone())
}

impl World {
    pub fn new(storage_url: Option<&str>) -> World {
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

    pub fn sync(&mut self, d: usize, fault: Fault) -> bool {
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
    pub fn run(&mut self, step: &Step) {
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
                            ..Default::default()
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
    pub fn hub_changes(&self) -> Vec<ServerChange> {
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

pub fn client_input(store: &Store, id: ClientId) -> rapportino_core::clients::ClientInput {
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
