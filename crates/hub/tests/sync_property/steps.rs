//! The property test's steps: what one device does (offline work, a sync under a fault, a crash,
//! a backup and restore) or what the hub is given (an unstorable row, its repair), and the
//! proptest strategies that draw them.

use proptest::prelude::*;

use crate::sync_support::faults::Fault;

pub const DEVICES: usize = 3;
pub const CITIES: [&str; 4] = ["Bari", "Lecce", "Torino", "Udine"];

#[derive(Debug, Clone)]
pub enum Step {
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
pub enum Bad {
    /// A client insert with no fields (NOT NULL).
    EmptyClient,
    /// A complete client whose `archived` is a text (a STRICT INTEGER column).
    WrongType,
    /// A technician with the code of device n's technician (a unique index).
    DuplicateCode(usize),
}

pub fn bad() -> impl Strategy<Value = Bad> {
    prop_oneof![
        Just(Bad::EmptyClient),
        Just(Bad::WrongType),
        (0..DEVICES).prop_map(Bad::DuplicateCode),
    ]
}

pub fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        3 => Just(Fault::None),
        1 => Just(Fault::DropPushAnswer),
        1 => Just(Fault::DropPullAnswer),
        1 => Just(Fault::DuplicatePush),
        1 => Just(Fault::StaleRequest),
        1 => Just(Fault::StaleAnswer),
    ]
}

pub fn step() -> impl Strategy<Value = Step> {
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
