//! Newtype ids: UUIDv7 generated on the device, so rows created offline on different devices never
//! collide and sort roughly by creation time. Distinct types keep a `ClientId` from being passed
//! where a `TicketId` is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Code, Error};

macro_rules! id_type {
    ($($name:ident => $entity:literal),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
        #[serde(transparent)]
        #[ts(type = "string")]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh UUIDv7.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
            /// The entity name used in errors and in the change log.
            pub const ENTITY: &'static str = $entity;
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                Uuid::parse_str(s.trim())
                    .map(Self)
                    .map_err(|_| Error::invalid(Code::InvalidFormat, "id", format!("not a valid {} id: {s:?}", $entity)))
            }
        }

        impl rusqlite::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.0.to_string()))
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = value.as_str()?;
                Uuid::parse_str(s)
                    .map(Self)
                    .map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }

        impl From<$name> for serde_json::Value {
            fn from(id: $name) -> Self {
                serde_json::Value::String(id.0.to_string())
            }
        }
    )*};
}

id_type! {
    TechnicianId => "technician",
    DeviceId => "device",
    ClientId => "client",
    SiteId => "site",
    ContactId => "contact",
    TicketId => "ticket",
    TicketEventId => "ticket_event",
    InterventionId => "intervention",
    MaterialId => "material",
    TimeEntryId => "time_entry",
    MutationId => "mutation",
    CalendarId => "calendar",
    CustomerClassId => "customer_class",
    ContractId => "contract",
    ReportId => "report",
    ContractTemplateId => "contract_template",
    ArticleId => "article",
    QuoteId => "quote",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_v7_and_increase() {
        let a = ClientId::new();
        let b = ClientId::new();
        assert_eq!(a.0.get_version_num(), 7);
        assert!(a < b);
    }

    #[test]
    fn parse_rejects_garbage_with_a_code() {
        let err = "nope".parse::<TicketId>().unwrap_err();
        assert_eq!(err.code(), Code::InvalidFormat);
        let id = TicketId::new();
        assert_eq!(id.to_string().parse::<TicketId>().unwrap(), id);
    }
}
