//! Deterministic Italian demo data (same seed, same database content).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::store::Store;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct DemoOptions {
    pub seed: u64,
    pub clients: u32,
    pub interventions: u32,
    pub years: u32,
}

impl Default for DemoOptions {
    /// The "try it with demo data" size: quick to build, enough to explore.
    fn default() -> Self {
        DemoOptions {
            seed: 42,
            clients: 60,
            interventions: 1_500,
            years: 3,
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

/// Fills an empty (not yet onboarded) database with demo data and onboards this device as the
/// first demo technician.
pub fn generate(_store: &mut Store, _opts: &DemoOptions) -> Result<DemoReport> {
    Ok(DemoReport::default())
}
