//! `sync ...`: this device and the office hub — enrol with a code (or join the shop from the
//! hub), sync now, status, the conflicts kept for review, the rows this device could not store
//! (quarantine).

use clap::{Subcommand, ValueEnum};
use rapportino_core::sync::conflicts::{self, Conflict, Resolution};
use rapportino_core::sync::join::{JoinHubInput, Joined};
use rapportino_core::sync::quarantine::{self, QuarantinedRow};
use rapportino_core::sync::{self, SyncStatus};
use rapportino_core::{Result, Store};
use std::path::PathBuf;

use crate::output::Out;

#[derive(Subcommand)]
pub enum SyncCommand {
    /// Connect this device to a hub with an enrolment code from its administrator.
    Enrol {
        /// The hub's address, e.g. https://hub.example.it:8443
        #[arg(long)]
        hub: String,
        /// The enrolment code (XXXX-XXXX-XXXX-XXXX).
        #[arg(long)]
        code: String,
        /// A name for this device in the hub's list (default: the device code).
        #[arg(long, default_value = "")]
        name: String,
        /// The hub's certificate (PEM), when it is self-signed.
        #[arg(long)]
        ca: Option<PathBuf>,
    },
    /// Set this computer up from the hub, with no shop setup: enrol, take the shop's data and
    /// work as one of its technicians (the device code is the technician's, or MR2, MR3… when
    /// taken). Run it again with another --technician to pick one when the shop has none with
    /// the code given (the device keeps its device code).
    Join {
        /// The hub's address, e.g. https://hub.example.it:8443
        #[arg(long)]
        hub: String,
        /// The enrolment code (XXXX-XXXX-XXXX-XXXX); not needed to resume a join.
        #[arg(long, default_value = "")]
        code: String,
        /// A name for this device in the hub's list (default: the device code).
        #[arg(long, default_value = "")]
        name: String,
        /// The hub's certificate (PEM), when it is self-signed.
        #[arg(long)]
        ca: Option<PathBuf>,
        /// The code of the technician using this computer (e.g. MR).
        #[arg(long)]
        technician: String,
    },
    /// Push local changes and pull everyone else's now.
    Now,
    /// Last sync, changes waiting, conflicts.
    Status,
    /// Disconnect from the hub (local data and unsent changes stay).
    Forget,
    /// Values kept aside by the merge rules.
    Conflicts {
        /// Resolved ones too.
        #[arg(long)]
        all: bool,
    },
    /// Rows from the hub this device could not store, kept aside and tried again at every sync.
    Quarantine,
    /// Close a conflict: keep the current value, or write the lost one back.
    Resolve {
        id: String,
        #[arg(long, value_enum)]
        keep: Keep,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Keep {
    Current,
    Lost,
}

pub fn run(store: &mut Store, out: Out, cmd: SyncCommand) -> Result<()> {
    match cmd {
        SyncCommand::Enrol {
            hub,
            code,
            name,
            ca,
        } => {
            let pem = ca.map(std::fs::read_to_string).transpose()?;
            let status = rapportino_sync_http::enrol(store, &hub, &code, &name, pem.as_deref())?;
            out.emit(&status, |s| {
                format!("collegato a {}\n{}", hub, status_text(s))
            });
            Ok(())
        }
        SyncCommand::Join {
            hub,
            code,
            name,
            ca,
            technician,
        } => {
            let pem = ca.map(std::fs::read_to_string).transpose()?;
            let joined = rapportino_sync_http::join_hub(
                store,
                &JoinHubInput {
                    hub_url: hub.clone(),
                    code,
                    ca_pem: pem,
                    device_name: name,
                    technician_code: technician.clone(),
                },
            )?;
            out.emit(&joined, |j| joined_text(&hub, &technician, j));
            Ok(())
        }
        SyncCommand::Now => {
            let report = rapportino_sync_http::sync_now(store)?;
            out.emit(&report, |r| {
                let mut s = format!(
                    "inviate {} modifiche, ricevute {}",
                    r.pushed,
                    r.pulled + r.snapshot_rows
                );
                if r.rejected > 0 {
                    s.push_str(&format!(", {} rifiutate dall'hub", r.rejected));
                }
                if r.new_conflicts > 0 {
                    s.push_str(&format!(", {} nuovi conflitti", r.new_conflicts));
                }
                s
            });
            Ok(())
        }
        SyncCommand::Status => {
            let status = sync::status(store)?;
            out.emit(&status, status_text);
            Ok(())
        }
        SyncCommand::Forget => {
            sync::forget_hub(store)?;
            let status = sync::status(store)?;
            out.emit(&status, |_| "scollegato dall'hub".to_owned());
            Ok(())
        }
        SyncCommand::Conflicts { all } => {
            let list = conflicts::list(store, all)?;
            out.emit(&list, |l| {
                if l.is_empty() {
                    return "nessun conflitto".to_owned();
                }
                l.iter().map(conflict_line).collect::<Vec<_>>().join("\n")
            });
            Ok(())
        }
        SyncCommand::Quarantine => {
            let list = quarantine::list(store)?;
            out.emit(&list, |l| {
                if l.is_empty() {
                    return "nessuna riga in quarantena".to_owned();
                }
                l.iter().map(quarantine_line).collect::<Vec<_>>().join("\n")
            });
            Ok(())
        }
        SyncCommand::Resolve { id, keep } => {
            let resolution = match keep {
                Keep::Current => Resolution::KeepCurrent,
                Keep::Lost => Resolution::RestoreLost,
            };
            let done = conflicts::resolve(store, &id, resolution)?;
            out.emit(&done, |c| format!("risolto: {}", conflict_line(c)));
            Ok(())
        }
    }
}

fn joined_text(hub: &str, asked: &str, j: &Joined) -> String {
    let device = j.setup.device_code.as_deref().unwrap_or("");
    let received = j.report.snapshot_rows + j.report.pulled;
    match &j.setup.technician {
        Some(t) => format!(
            "collegato a {hub}: {} ({}), dispositivo {device}; ricevuti {received} record",
            t.name, t.code
        ),
        None => {
            let list = j
                .technicians
                .iter()
                .map(|t| format!("  {}  {}", t.code, t.name))
                .collect::<Vec<_>>()
                .join("\n");
            format!(
                "collegato a {hub}, dispositivo {device}: nessun tecnico attivo con codice {} \
                 nell'officina. Scegli chi usa questo computer con \
                 `sync join --hub {hub} --technician CODICE`:\n{list}",
                asked.trim().to_uppercase()
            )
        }
    }
}

fn status_text(s: &SyncStatus) -> String {
    if !s.configured {
        return "non collegato a un hub".to_owned();
    }
    let mut lines = vec![
        format!("hub: {}", s.hub_url.as_deref().unwrap_or("")),
        format!(
            "ultima sincronizzazione: {}",
            s.last_sync_at.as_deref().unwrap_or("mai")
        ),
        format!("modifiche in attesa: {}", s.pending_changes),
        format!("conflitti aperti: {}", s.open_conflicts),
        format!("righe in quarantena: {}", s.quarantined),
    ];
    if let Some(e) = &s.last_error {
        lines.push(format!("ultimo errore: {} {}", e.code.as_str(), e.message));
    }
    if let Some(ms) = s.clock_skew_ms {
        lines.push(format!(
            "attenzione: l'orologio di questo computer è avanti di {} minuti",
            ms / 60_000
        ));
    }
    if s.numbering_hold {
        lines.push("dopo un ripristino: sincronizza prima di creare nuovi numeri".to_owned());
    }
    lines.join("\n")
}

fn conflict_line(c: &Conflict) -> String {
    format!(
        "{}  {} {} · {}: attuale {} · perso {} ({})",
        c.id,
        c.entity,
        c.label,
        c.field,
        c.current_value,
        c.lost_value,
        c.reason.as_str()
    )
}

fn quarantine_line(q: &QuarantinedRow) -> String {
    format!(
        "#{}  {} {} {}{} · {} · dal {} ({} tentativi)",
        q.server_seq,
        q.op.as_str(),
        q.entity,
        q.entity_id,
        q.label
            .as_deref()
            .map(|l| format!(" «{l}»"))
            .unwrap_or_default(),
        q.error,
        q.quarantined_at,
        q.attempts
    )
}
