//! Offline sync, device side: the wire protocol, the merge rules (shared with the hub), the
//! outbox and the application of what the hub sends back.

pub mod merge;
pub mod protocol;
