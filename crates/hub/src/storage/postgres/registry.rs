//! The registry (enrolment codes, devices, technician claims, refusals) on PostgreSQL.

use super::PgStorage;
use crate::error::HubError;
use crate::storage::registry::{
    check_enrolment, parse_role, technician_code_holder, CodeRow, KnownDevice, Refusal,
};
use crate::storage::tables::DEVICE_COLUMNS;
use crate::storage::{DeviceAuth, NewDevice, Registry};
use rapportino_model::protocol::{DeviceInfo, Role};

fn device_info(r: &postgres::Row) -> Result<DeviceInfo, HubError> {
    Ok(DeviceInfo {
        device_id: r.try_get(0)?,
        device_code: r.try_get(1)?,
        name: r.try_get(2)?,
        role: parse_role(r.try_get(3)?)?,
        enrolled_at: r.try_get(4)?,
        last_seen_at: r.try_get(5)?,
        revoked_at: r.try_get(6)?,
        clock_skew_flagged_at: r.try_get(7)?,
    })
}

impl Registry for PgStorage {
    fn insert_code(
        &self,
        code_hash: &str,
        role: Role,
        created_at: &str,
        expires_at: &str,
    ) -> Result<(), HubError> {
        self.registry_tx(|tx| {
            tx.execute(
                "INSERT INTO hub_enrolment_codes (code_hash, role, created_at, expires_at)
                 VALUES ($1, $2, $3, $4)",
                &[&code_hash, &role.as_str(), &created_at, &expires_at],
            )?;
            Ok(())
        })
    }

    fn enrol(&self, code_hash: &str, now: &str, device: &NewDevice) -> Result<Role, HubError> {
        self.registry_tx(|tx| {
            let code = tx
                .query_opt(
                    "SELECT role, expires_at, used_at, used_by FROM hub_enrolment_codes
                     WHERE code_hash = $1 FOR UPDATE",
                    &[&code_hash],
                )?
                .map(|r| -> Result<CodeRow, HubError> {
                    Ok(CodeRow {
                        role: r.try_get(0)?,
                        expires_at: r.try_get(1)?,
                        used_at: r.try_get(2)?,
                        used_by: r.try_get(3)?,
                    })
                })
                .transpose()?;
            let existing = tx
                .query_opt(
                    "SELECT revoked_at IS NOT NULL, enrolled_at,
                         coalesce(last_seen_at >= enrolled_at COLLATE \"C\", false)
                     FROM hub_devices WHERE device_id = $1 FOR UPDATE",
                    &[&device.device_id],
                )?
                .map(|r| -> Result<KnownDevice, HubError> {
                    Ok(KnownDevice {
                        revoked: r.try_get(0)?,
                        enrolled_at: r.try_get(1)?,
                        seen_since_enrolment: r.try_get(2)?,
                    })
                })
                .transpose()?;
            let code_taken: bool = tx
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM hub_devices WHERE device_code = $1 AND device_id <> $2)",
                    &[&device.device_code, &device.device_id],
                )?
                .try_get(0)?;
            let holder = match &device.technician {
                None => None,
                Some(claim) => {
                    let rows = tx
                        .query(
                            "SELECT entity_id, fields FROM hub_rows
                             WHERE entity = 'technician' AND deleted IS NULL",
                            &[],
                        )?
                        .iter()
                        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
                        .collect::<Result<Vec<(String, String)>, HubError>>()?;
                    let claims = tx
                        .query(
                            "SELECT c.technician_id, c.technician_code, d.device_code
                             FROM hub_technician_claims AS c
                             JOIN hub_devices AS d ON d.device_id = c.device_id
                             WHERE d.revoked_at IS NULL AND c.device_id <> $1",
                            &[&device.device_id],
                        )?
                        .iter()
                        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
                        .collect::<Result<Vec<(String, String, String)>, HubError>>()?;
                    technician_code_holder(Some(claim), rows, claims)?
                }
            };
            let enrolment = check_enrolment(code, now, existing, code_taken, holder, device)?;
            let (role, at) = (enrolment.role, enrolment.at.as_str());
            tx.execute(
                "UPDATE hub_enrolment_codes SET used_at = $2, used_by = $3 WHERE code_hash = $1",
                &[&code_hash, &at, &device.device_id],
            )?;
            match &device.technician {
                Some(claim) => tx.execute(
                    "INSERT INTO hub_technician_claims (device_id, technician_id, technician_code)
                     VALUES ($1, $2, $3)
                     ON CONFLICT (device_id) DO UPDATE SET technician_id = excluded.technician_id,
                         technician_code = excluded.technician_code",
                    &[&device.device_id, &claim.id, &claim.code],
                )?,
                None => tx.execute(
                    "DELETE FROM hub_technician_claims WHERE device_id = $1",
                    &[&device.device_id],
                )?,
            };
            tx.execute(
                "INSERT INTO hub_devices (device_id, device_code, name, role, token_hash,
                     enrolled_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (device_id) DO UPDATE SET device_code = excluded.device_code,
                     name = excluded.name, role = excluded.role, token_hash = excluded.token_hash,
                     enrolled_at = excluded.enrolled_at, revoked_at = NULL",
                &[
                    &device.device_id,
                    &device.device_code,
                    &device.name,
                    &role.as_str(),
                    &device.token_hash,
                    &at,
                ],
            )?;
            Ok(role)
        })
    }

    fn device_auth(&self, device_id: &str) -> Result<Option<DeviceAuth>, HubError> {
        let mut lease = self.lease()?;
        let conn = lease.get()?;
        let sql = "SELECT device_code, role, token_hash, revoked_at IS NOT NULL,
                       coalesce(last_seen_at >= enrolled_at COLLATE \"C\", false)
                   FROM hub_devices WHERE device_id = $1";
        let stmt = match conn.statements.get(sql) {
            Some(s) => s.clone(),
            None => {
                let s = conn.client.prepare(sql)?;
                conn.statements.insert(sql, s.clone());
                s
            }
        };
        let Some(r) = conn.client.query_opt(&stmt, &[&device_id])? else {
            return Ok(None);
        };
        Ok(Some(DeviceAuth {
            device_id: device_id.to_string(),
            device_code: r.try_get(0)?,
            role: parse_role(r.try_get(1)?)?,
            token_hash: r.try_get(2)?,
            revoked: r.try_get(3)?,
            seen_since_enrolment: r.try_get(4)?,
        }))
    }

    fn touch(&self, device_id: &str, now: &str) -> Result<(), HubError> {
        let mut lease = self.lease()?;
        lease.get()?.client.execute(
            "UPDATE hub_devices SET last_seen_at = $2 WHERE device_id = $1",
            &[&device_id, &now],
        )?;
        Ok(())
    }

    fn devices(&self) -> Result<Vec<DeviceInfo>, HubError> {
        let mut lease = self.lease()?;
        let rows = lease.get()?.client.query(
            &format!("SELECT {DEVICE_COLUMNS} FROM hub_devices ORDER BY enrolled_at, device_id"),
            &[],
        )?;
        rows.iter().map(device_info).collect()
    }

    fn refusals(&self, limit: i64) -> Result<Vec<Refusal>, HubError> {
        let mut lease = self.lease()?;
        let rows = lease.get()?.client.query(
            "SELECT at, device_id, mutation_id, code, detail FROM hub_refusals
             ORDER BY id DESC LIMIT $1",
            &[&limit],
        )?;
        rows.iter()
            .map(|r| {
                Ok(Refusal {
                    at: r.try_get(0)?,
                    device_id: r.try_get(1)?,
                    mutation_id: r.try_get(2)?,
                    code: r.try_get(3)?,
                    detail: r.try_get(4)?,
                })
            })
            .collect()
    }

    fn revoke(&self, device_id: &str, now: &str) -> Result<Option<DeviceInfo>, HubError> {
        self.registry_tx(|tx| {
            tx.execute(
                "UPDATE hub_devices SET revoked_at = $2 WHERE device_id = $1 AND revoked_at IS NULL",
                &[&device_id, &now],
            )?;
            tx.query_opt(
                &format!("SELECT {DEVICE_COLUMNS} FROM hub_devices WHERE device_id = $1"),
                &[&device_id],
            )?
            .as_ref()
            .map(device_info)
            .transpose()
        })
    }
}
