//! Records archived rather than deleted (clients, sites, contacts, classes, calendars, contracts,
//! contract templates): history keeps pointing at them, pickers hide them. One way to flip the
//! flag, so each of them syncs and answers the same.

use std::fmt::Display;

use super::{field, Entity, Store};
use crate::error::Result;

/// A record with an `archived` column, read back by id.
pub trait Archivable: Sized {
    const ENTITY: Entity;
    type Id: Display + Copy;
    fn get(store: &Store, id: Self::Id) -> Result<Self>;
}

/// Archives (or restores) a record: `NOT_FOUND` for an unknown id, with nothing written.
pub fn set_archived<T: Archivable>(store: &mut Store, id: T::Id, archived: bool) -> Result<T> {
    T::get(store, id)?;
    store.write(|tx| {
        tx.update(
            T::ENTITY,
            &id.to_string(),
            vec![("archived", field::flag(archived))],
        )
    })?;
    T::get(store, id)
}
