//! Deterministic Italian demo data: clients with valid P.IVA/CF in real towns, sites, contacts,
//! tickets of every severity, origin and status, interventions with time entries and materials
//! over several years, and the service models: coverage calendars, customer classes, patron days
//! and contracts of the five kinds (see [`services`]). The same seed and the same `until` date give
//! the same rows (ids included).
//!
//! Rows go through the one write path (`WriteTx::insert_stamped`): each lands in the change log,
//! stamped with the instant it "happened", in chunks of a few thousand tickets per transaction.
//!
//! The generator uses only `rapportino_core`'s public API; the CLI (`demo`), the benchmarks and
//! the app's "Prova con dati dimostrativi" call [`generate`].

mod data;
mod history;
mod open_tickets;
mod people;
mod services;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use rapportino_core::error::{Code, Error, Result};
use rapportino_core::store::{Stamp, Store};
use rapportino_core::time::format_instant;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct DemoOptions {
    pub seed: u64,
    pub clients: u32,
    pub interventions: u32,
    /// Years of history before `until`.
    pub years: u32,
    /// Last day of history, `YYYY-MM-DD` (default: today).
    #[ts(optional)]
    pub until: Option<String>,
    /// Open tickets to leave at the end (SLA benchmark): the history's own open tickets, then new
    /// ones (new, taken or waiting for the client, opened in the last ten days, no work yet) up
    /// to this count. Absent: only the history's own.
    #[serde(default)]
    #[ts(optional)]
    pub open_tickets: Option<u32>,
}

impl Default for DemoOptions {
    /// The "try it with demo data" size: quick to build, enough to explore.
    fn default() -> Self {
        DemoOptions {
            seed: 42,
            clients: 60,
            interventions: 1_500,
            years: 3,
            until: None,
            open_tickets: None,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct DemoReport {
    pub clients: u64,
    pub sites: u64,
    pub contacts: u64,
    pub tickets: u64,
    pub interventions: u64,
    pub time_entries: u64,
    pub materials: u64,
    pub seconds: f64,
}

/// Writes the TypeScript bindings of [`DemoOptions`] and [`DemoReport`] into `dir`, with the same
/// settings as `rapportino_core::bindings::export_typescript` (core's `tests/bindings.rs` checks
/// both against `ui/src/bindings/`).
pub fn export_typescript(dir: &std::path::Path) -> std::result::Result<(), ts_rs::ExportError> {
    let cfg = ts_rs::Config::new()
        .with_out_dir(dir)
        .with_large_int("number");
    DemoOptions::export_all(&cfg)?;
    DemoReport::export_all(&cfg)
}

/// Progress callback: (interventions written so far, total).
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

/// Fills an empty database with demo data and sets this device up as the first demo technician.
pub fn generate(store: &mut Store, opts: &DemoOptions) -> Result<DemoReport> {
    generate_with_progress(store, opts, &mut |_, _| {})
}

pub fn generate_with_progress(
    store: &mut Store,
    opts: &DemoOptions,
    progress: Progress<'_>,
) -> Result<DemoReport> {
    let started = std::time::Instant::now();
    check_options(opts)?;
    let has_data: bool = store
        .conn()
        .prepare("SELECT 1 FROM clients UNION ALL SELECT 1 FROM technicians LIMIT 1")?
        .exists([])?;
    if has_data || rapportino_core::setup::device_code(store.conn()).is_ok() {
        return Err(Error::invalid(
            Code::AlreadyExists,
            "database",
            "demo data goes into an empty database: this one already has data",
        ));
    }
    let until = match opts.until.as_deref() {
        Some(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
            Error::invalid(
                Code::InvalidFormat,
                "until",
                format!("{s:?} is not a date (YYYY-MM-DD)"),
            )
        })?,
        None => store.now().with_timezone(&store.tz()).date_naive(),
    };
    let tz = store.tz();
    let end = tz
        .from_local_datetime(&until.and_hms_opt(18, 0, 0).unwrap_or_default())
        .earliest()
        .map_or_else(|| store.now(), |t| t.with_timezone(&Utc))
        .min(store.now());
    let start = end - chrono::Duration::days(365 * i64::from(opts.years));
    let mut gen = Gen {
        rng: ChaCha8Rng::seed_from_u64(opts.seed),
    };
    let mut report = DemoReport::default();
    let device_id = store.device_id()?;
    // A bulk load touches many index pages: a larger page cache for its duration.
    let cache: i64 = store
        .conn()
        .query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    store.conn().pragma_update(None, "cache_size", -262_144)?;
    let result = generate_rows(
        store,
        opts,
        &mut gen,
        device_id,
        start,
        end,
        &mut report,
        progress,
    );
    store.conn().pragma_update(None, "cache_size", cache)?;
    result?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
fn generate_rows(
    store: &mut Store,
    opts: &DemoOptions,
    gen: &mut Gen,
    device_id: rapportino_core::ids::DeviceId,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    report: &mut DemoReport,
    progress: Progress<'_>,
) -> Result<()> {
    // The service models draw from their own random stream: they do not change which clients call
    // or what tickets say; only the extra-time tickets, moved out of hours, shift what follows.
    let mut svc = services::Services::new(
        opts.seed,
        store.tz(),
        start,
        end,
        opts.clients,
        opts.interventions,
        opts.years,
    );
    let technicians = people::write_shop_and_technicians(store, gen, device_id, start)?;
    let clients = people::write_clients(store, gen, &mut svc, opts.clients, start, report)?;
    svc.write_setup(store, &clients)?;
    history::write_history(
        store,
        gen,
        &mut svc,
        &technicians,
        &clients,
        history::Span {
            start,
            end,
            interventions: opts.interventions,
            open_tickets: opts.open_tickets.unwrap_or(0),
        },
        report,
        progress,
    )
}

fn check_options(opts: &DemoOptions) -> Result<()> {
    if !(1..=1_000_000).contains(&opts.clients) {
        return Err(Error::invalid(
            Code::InvalidFormat,
            "clients",
            "must be between 1 and 1,000,000",
        ));
    }
    if opts.interventions > 20_000_000 {
        return Err(Error::invalid(
            Code::InvalidFormat,
            "interventions",
            "must be at most 20,000,000",
        ));
    }
    if opts.open_tickets.is_some_and(|n| n > 1_000_000) {
        return Err(Error::invalid(
            Code::InvalidFormat,
            "open_tickets",
            "must be at most 1,000,000",
        ));
    }
    if !(1..=30).contains(&opts.years) {
        return Err(Error::invalid(
            Code::InvalidFormat,
            "years",
            "must be between 1 and 30",
        ));
    }
    Ok(())
}

/// The seeded generator: every random choice, id and mutation id comes from it.
pub(crate) struct Gen {
    rng: ChaCha8Rng,
}

impl Gen {
    /// Stream `stream` of the seed: independent of the other streams of the same seed.
    pub fn with_stream(seed: u64, stream: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Gen { rng }
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.random_range(0..items.len())]
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        self.rng.random_range(lo..=hi)
    }
    pub fn unit(&mut self) -> f64 {
        self.rng.random::<f64>()
    }
    /// A UUIDv7 for a row created at `at`, reproducible from the seed.
    pub fn uuid_at(&mut self, at: DateTime<Utc>) -> Uuid {
        let mut bytes = [0u8; 10];
        self.rng.fill(&mut bytes);
        uuid::Builder::from_unix_timestamp_millis(at.timestamp_millis().max(0) as u64, &bytes)
            .into_uuid()
    }
    pub fn stamp(&mut self, at: DateTime<Utc>) -> Stamp {
        Stamp {
            at,
            at_text: format_instant(at),
            mutation_id: rapportino_core::ids::MutationId(self.uuid_at(at)),
        }
    }
}
