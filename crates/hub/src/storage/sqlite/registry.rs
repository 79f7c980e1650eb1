//! The registry (enrolment codes, devices, technician claims, refusals) on SQLite.

use super::SqliteStorage;
use crate::error::HubError;
use crate::storage::registry::{
    check_enrolment, parse_role, technician_code_holder, CodeRow, KnownDevice, Refusal,
};
use crate::storage::tables::DEVICE_COLUMNS;
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
                "INSERT INTO hub_enrolment_codes (code_hash, role, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![code_hash, role.as_str(), created_at, expires_at],
            )?;
            Ok(())
        })
    }

    fn enrol(&self, code_hash: &str, now: &str, device: &NewDevice) -> Result<Role, HubError> {
        self.with_write_tx(|tx| {
            let code = tx
                .query_row(
                    "SELECT role, expires_at, used_at, used_by FROM hub_enrolment_codes
                     WHERE code_hash = ?1",
                    [code_hash],
                    |r| {
                        Ok(CodeRow {
                            role: r.get(0)?,
                            expires_at: r.get(1)?,
                            used_at: r.get(2)?,
                            used_by: r.get(3)?,
                        })
                    },
                )
                .optional()?;
            let existing = tx
                .query_row(
                    "SELECT revoked_at IS NOT NULL, enrolled_at,
                         coalesce(last_seen_at >= enrolled_at, 0)
                     FROM hub_devices WHERE device_id = ?1",
                    [&device.device_id],
                    |r| {
                        Ok(KnownDevice {
                            revoked: r.get(0)?,
                            enrolled_at: r.get(1)?,
                            seen_since_enrolment: r.get(2)?,
                        })
                    },
                )
                .optional()?;
            let code_taken: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM hub_devices WHERE device_code = ?1 AND device_id <> ?2)",
                [&device.device_code, &device.device_id],
                |r| r.get(0),
            )?;
            let holder = match &device.technician {
                None => None,
                Some(claim) => {
                    let rows = tx
                        .prepare_cached(
                            "SELECT entity_id, fields FROM hub_rows
                             WHERE entity = 'technician' AND deleted IS NULL",
                        )?
                        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                        .collect::<Result<Vec<(String, String)>, _>>()?;
                    let claims = tx
                        .prepare_cached(
                            "SELECT c.technician_id, c.technician_code, d.device_code
                             FROM hub_technician_claims AS c
                             JOIN hub_devices AS d ON d.device_id = c.device_id
                             WHERE d.revoked_at IS NULL AND c.device_id <> ?1",
                        )?
                        .query_map([&device.device_id], |r| {
                            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                        })?
                        .collect::<Result<Vec<(String, String, String)>, _>>()?;
                    technician_code_holder(Some(claim), rows, claims)?
                }
            };
            let enrolment = check_enrolment(code, now, existing, code_taken, holder, device)?;
            let (role, at) = (enrolment.role, enrolment.at.as_str());
            tx.execute(
                "UPDATE hub_enrolment_codes SET used_at = ?2, used_by = ?3 WHERE code_hash = ?1",
                params![code_hash, at, device.device_id],
            )?;
            match &device.technician {
                Some(claim) => tx.execute(
                    "INSERT INTO hub_technician_claims (device_id, technician_id, technician_code)
                     VALUES (?1, ?2, ?3)
                     ON CONFLICT (device_id) DO UPDATE SET technician_id = excluded.technician_id,
                         technician_code = excluded.technician_code",
                    params![device.device_id, claim.id, claim.code],
                )?,
                None => tx.execute(
                    "DELETE FROM hub_technician_claims WHERE device_id = ?1",
                    [&device.device_id],
                )?,
            };
            tx.execute(
                "INSERT INTO hub_devices (device_id, device_code, name, role, token_hash,
                     enrolled_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (device_id) DO UPDATE SET device_code = excluded.device_code,
                     name = excluded.name, role = excluded.role, token_hash = excluded.token_hash,
                     enrolled_at = excluded.enrolled_at, revoked_at = NULL",
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
            let mut stmt = tx.prepare_cached(
                "SELECT device_code, role, token_hash, revoked_at IS NOT NULL,
                     coalesce(last_seen_at >= enrolled_at, 0)
                 FROM hub_devices WHERE device_id = ?1",
            )?;
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
            tx.prepare_cached("UPDATE hub_devices SET last_seen_at = ?2 WHERE device_id = ?1")?
                .execute(params![device_id, now])?;
            Ok(())
        })
    }

    fn devices(&self) -> Result<Vec<DeviceInfo>, HubError> {
        self.with_read_tx(|tx| {
            let mut stmt = tx.prepare(&format!(
                "SELECT {DEVICE_COLUMNS} FROM hub_devices ORDER BY enrolled_at, device_id"
            ))?;
            let raw = stmt
                .query_map([], device_info)?
                .collect::<Result<Vec<_>, _>>()?;
            raw.into_iter().map(with_role).collect()
        })
    }

    fn refusals(&self, limit: i64) -> Result<Vec<Refusal>, HubError> {
        self.with_read_tx(|tx| {
            let mut stmt = tx.prepare(
                "SELECT at, device_id, mutation_id, code, detail FROM hub_refusals
                 ORDER BY id DESC LIMIT ?1",
            )?;
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
            tx.execute(
                "UPDATE hub_devices SET revoked_at = ?2 WHERE device_id = ?1 AND revoked_at IS NULL",
                params![device_id, now],
            )?;
            tx.query_row(
                &format!("SELECT {DEVICE_COLUMNS} FROM hub_devices WHERE device_id = ?1"),
                [device_id],
                device_info,
            )
            .optional()?
            .map(with_role)
            .transpose()
        })
    }
}
