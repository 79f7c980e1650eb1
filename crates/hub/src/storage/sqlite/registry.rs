//! The registry (enrolment codes, devices, technician claims, refusals) on SQLite.

use super::{sql, SqliteStorage};
use crate::error::HubError;
use crate::storage::registry::{
    check_enrolment, parse_role, technician_code_holder, CodeRow, KnownDevice, Refusal,
};
use crate::storage::{DeviceAuth, NewDevice, Registry};
use rapportino_model::protocol::{DeviceInfo, Role};
use rusqlite::{params, OptionalExtension};

fn device_info(r: &rusqlite::Row<'_>) -> rusqlite::Result<(DeviceInfo, String)> {
    let role: String = r.get(3)?;
    Ok((
        DeviceInfo {
            device_id: r.get(0)?,
            device_code: r.get(1)?,
            name: r.get(2)?,
            role: Role::Technician, // replaced below (parse errors are not rusqlite errors)
            enrolled_at: r.get(4)?,
            last_seen_at: r.get(5)?,
            revoked_at: r.get(6)?,
            clock_skew_flagged_at: r.get(7)?,
        },
        role,
    ))
}

fn with_role((mut info, role): (DeviceInfo, String)) -> Result<DeviceInfo, HubError> {
    info.role = parse_role(&role)?;
    Ok(info)
}

impl Registry for SqliteStorage {
    fn insert_code(
        &self,
        code_hash: &str,
        role: Role,
        created_at: &str,
        expires_at: &str,
    ) -> Result<(), HubError> {
        self.with_write_tx(|tx| {
            tx.execute(
                &sql().insert_code,
                params![code_hash, role.as_str(), created_at, expires_at],
            )?;
            Ok(())
        })
    }

    fn enrol(&self, code_hash: &str, now: &str, device: &NewDevice) -> Result<Role, HubError> {
        self.with_write_tx(|tx| {
            let code = tx
                .query_row(&sql().enrolment_code, [code_hash], |r| {
                    Ok(CodeRow {
                        role: r.get(0)?,
                        expires_at: r.get(1)?,
                        used_at: r.get(2)?,
                        used_by: r.get(3)?,
                    })
                })
                .optional()?;
            let existing = tx
                .query_row(&sql().enrolled_device, [&device.device_id], |r| {
                    Ok(KnownDevice {
                        revoked: r.get(0)?,
                        enrolled_at: r.get(1)?,
                        seen_since_enrolment: r.get(2)?,
                    })
                })
                .optional()?;
            let code_taken: bool = tx.query_row(
                &sql().device_code_taken,
                [&device.device_code, &device.device_id],
                |r| r.get(0),
            )?;
            let holder = match &device.technician {
                None => None,
                Some(claim) => {
                    let rows = tx
                        .prepare_cached(&sql().technician_rows)?
                        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                        .collect::<Result<Vec<(String, String)>, _>>()?;
                    let claims = tx
                        .prepare_cached(&sql().technician_claims)?
                        .query_map([&device.device_id], |r| {
                            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                        })?
                        .collect::<Result<Vec<(String, String, String)>, _>>()?;
                    technician_code_holder(Some(claim), rows, claims)?
                }
            };
            let enrolment = check_enrolment(code, now, existing, code_taken, holder, device)?;
            let (role, at) = (enrolment.role, enrolment.at.as_str());
            tx.execute(&sql().use_code, params![code_hash, at, device.device_id])?;
            match &device.technician {
                Some(claim) => tx.execute(
                    &sql().save_claim,
                    params![device.device_id, claim.id, claim.code],
                )?,
                None => tx.execute(&sql().drop_claim, [&device.device_id])?,
            };
            tx.execute(
                &sql().save_device,
                params![
                    device.device_id,
                    device.device_code,
                    device.name,
                    role.as_str(),
                    device.token_hash,
                    at
                ],
            )?;
            Ok(role)
        })
    }

    fn device_auth(&self, device_id: &str) -> Result<Option<DeviceAuth>, HubError> {
        self.with_read_tx(|tx| {
            let mut stmt = tx.prepare_cached(&sql().device_auth)?;
            let raw = stmt
                .query_row([device_id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, bool>(3)?,
                        r.get::<_, bool>(4)?,
                    ))
                })
                .optional()?;
            raw.map(|(device_code, role, token_hash, revoked, seen)| {
                Ok(DeviceAuth {
                    device_id: device_id.to_string(),
                    device_code,
                    role: parse_role(&role)?,
                    token_hash,
                    revoked,
                    seen_since_enrolment: seen,
                })
            })
            .transpose()
        })
    }

    fn touch(&self, device_id: &str, now: &str) -> Result<(), HubError> {
        self.with_write_tx(|tx| {
            tx.prepare_cached(&sql().touch)?
                .execute(params![device_id, now])?;
            Ok(())
        })
    }

    fn devices(&self) -> Result<Vec<DeviceInfo>, HubError> {
        self.with_read_tx(|tx| {
            let mut stmt = tx.prepare(&sql().devices)?;
            let raw = stmt
                .query_map([], device_info)?
                .collect::<Result<Vec<_>, _>>()?;
            raw.into_iter().map(with_role).collect()
        })
    }

    fn refusals(&self, limit: i64) -> Result<Vec<Refusal>, HubError> {
        self.with_read_tx(|tx| {
            let mut stmt = tx.prepare(&sql().refusals)?;
            let rows = stmt
                .query_map([limit], |r| {
                    Ok(Refusal {
                        at: r.get(0)?,
                        device_id: r.get(1)?,
                        mutation_id: r.get(2)?,
                        code: r.get(3)?,
                        detail: r.get(4)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    fn revoke(&self, device_id: &str, now: &str) -> Result<Option<DeviceInfo>, HubError> {
        self.with_write_tx(|tx| {
            tx.execute(&sql().revoke, params![device_id, now])?;
            tx.query_row(&sql().device, [device_id], device_info)
                .optional()?
                .map(with_role)
                .transpose()
        })
    }
}
