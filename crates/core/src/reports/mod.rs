//! Rapporti d'intervento: numbered offline, built from an intervention, signed on the laptop,
//! frozen as a hashed snapshot, verifiable; and the printable monthly statements.

pub mod document;

pub use document::*;
