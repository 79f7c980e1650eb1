//! The registry (enrolment codes, devices, technician claims, refusals) on PostgreSQL.

use super::{sql, PgStorage};
use crate::error::HubError;
use crate::storage::registry::{
    check_enrolment, parse_role, technician_code_holder, CodeRow, KnownDevice, Refusal,
};
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
                &sql().insert_code,
                &[&code_hash, &role.as_str(), &created_at, &expires_at],
            )?;
            Ok(())
        })
    }

    fn enrol(&self, code_hash: &str, now: &str, device: &NewDevice) -> Result<Role, HubError> {
        self.registry_tx(|tx| {
            let code = tx
                .query_opt(&sql().enrolment_code, &[&code_hash])?
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
                .query_opt(&sql().enrolled_device, &[&device.device_id])?
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
                    &sql().device_code_taken,
                    &[&device.device_code, &device.device_id],
                )?
                .try_get(0)?;
            let holder = match &device.technician {
                None => None,
                Some(claim) => {
                    let rows = tx
                        .query(&sql().technician_rows, &[])?
                        .iter()
                        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
                        .collect::<Result<Vec<(String, String)>, HubError>>()?;
                    let claims = tx
                        .query(&sql().technician_claims, &[&device.device_id])?
                        .iter()
                        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
                        .collect::<Result<Vec<(String, String, String)>, HubError>>()?;
                    technician_code_holder(Some(claim), rows, claims)?
                }
            };
            let enrolment = check_enrolment(code, now, existing, code_taken, holder, device)?;
            let (role, at) = (enrolment.role, enrolment.at.as_str());
            tx.execute(&sql().use_code, &[&code_hash, &at, &device.device_id])?;
            match &device.technician {
                Some(claim) => tx.execute(
                    &sql().save_claim,
                    &[&device.device_id, &claim.id, &claim.code],
                )?,
                None => tx.execute(&sql().drop_claim, &[&device.device_id])?,
            };
            tx.execute(
                &sql().save_device,
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
        let text = sql().device_auth.as_str();
        let stmt = match conn.statements.get(text) {
            Some(s) => s.clone(),
            None => {
                let s = conn.client.prepare(text)?;
                conn.statements.insert(text, s.clone());
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
        lease
            .get()?
            .client
            .execute(&sql().touch, &[&device_id, &now])?;
        Ok(())
    }

    fn devices(&self) -> Result<Vec<DeviceInfo>, HubError> {
        let mut lease = self.lease()?;
        let rows = lease.get()?.client.query(&sql().devices, &[])?;
        rows.iter().map(device_info).collect()
    }

    fn refusals(&self, limit: i64) -> Result<Vec<Refusal>, HubError> {
        let mut lease = self.lease()?;
        let rows = lease.get()?.client.query(&sql().refusals, &[&limit])?;
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
            tx.execute(&sql().revoke, &[&device_id, &now])?;
            tx.query_opt(&sql().device, &[&device_id])?
                .as_ref()
                .map(device_info)
                .transpose()
        })
    }
}
