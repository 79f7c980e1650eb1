//! Italian words and sentences for the service models' codes, and the small formats they share
//! (h:mm from minutes, dd/mm/yyyy from ISO dates, "1h 20m" for SLA time left).

use rapportino_core::contracts::governing::GoverningReason;
use rapportino_core::contracts::{ContractKind, PackageMode};
use rapportino_core::entitlement::EntitlementIssue;
use rapportino_core::format::hours_minutes;
use rapportino_core::ledger::{AllocationReason, BalanceStatus, Source};
use rapportino_core::sla::SlaState;

pub const WEEKDAYS: [&str; 7] = ["lun", "mar", "mer", "gio", "ven", "sab", "dom"];

/// Minutes as `1 h 05 min` (the CLI's format for hours worked).
pub fn hm(minutes: i64) -> String {
    hours_minutes(minutes.saturating_mul(60))
}

/// An optional number of minutes, `—` when absent.
pub fn opt_hm(minutes: Option<i64>) -> String {
    minutes.map_or_else(|| "—".to_owned(), hm)
}

/// `2026-03-15` → `15/03/2026` (other text unchanged).
pub fn date(iso: &str) -> String {
    match iso.get(..10).map(|d| d.split('-').collect::<Vec<_>>()) {
        Some(p) if p.len() == 3 => format!("{}/{}/{}", p[2], p[1], p[0]),
        _ => iso.to_owned(),
    }
}

/// Compact, for SLA time: `35m`, `1h 20m`, `26h 05m`.
pub fn short(minutes: i64) -> String {
    let m = minutes.abs();
    if m < 60 {
        format!("{m}m")
    } else if m % 60 == 0 {
        format!("{}h", m / 60)
    } else {
        format!("{}h {:02}m", m / 60, m % 60)
    }
}

pub fn kind(k: ContractKind) -> &'static str {
    match k {
        ContractKind::Sla => "SLA",
        ContractKind::HourPackage => "pacchetto ore",
        ContractKind::IncidentPack => "pacchetto ticket",
        ContractKind::FreeHours => "ore gratuite",
        ContractKind::TimeMaterials => "a consuntivo",
    }
}

pub fn package_mode(m: PackageMode) -> &'static str {
    match m {
        PackageMode::OnSite => "solo on-site",
        PackageMode::Remote => "solo da remoto",
        PackageMode::Any => "on-site o da remoto",
    }
}

pub fn balance_status(s: BalanceStatus) -> &'static str {
    match s {
        BalanceStatus::NotStarted => "non ancora iniziato",
        BalanceStatus::Active => "attivo",
        BalanceStatus::Exhausted => "esaurito",
        BalanceStatus::Expired => "scaduto",
    }
}

pub fn sla_state(s: SlaState) -> &'static str {
    match s {
        SlaState::OnTime => "nei tempi",
        SlaState::AtRisk => "a rischio",
        SlaState::Breached => "SCADUTO",
        SlaState::Met => "rispettato",
    }
}

pub fn governing_reason(r: GoverningReason) -> &'static str {
    match r {
        GoverningReason::Manual => "scelto a mano sul ticket",
        GoverningReason::Automatic => {
            "scelto in automatico: il contratto valido il giorno della segnalazione, nell'ordine \
             SLA, pacchetto ticket, pacchetto ore, ore gratuite, a consuntivo"
        }
        GoverningReason::NoContract => {
            "nessun contratto valido il giorno della segnalazione: a consuntivo alle tariffe del \
             negozio"
        }
    }
}

pub fn source(s: Source) -> &'static str {
    match s {
        Source::Bug => "difetto nostro",
        Source::IncidentPack => "pacchetto ticket",
        Source::ExtraTime => "extra orario",
        Source::FreeHours => "ore gratuite",
        Source::SlaIncluded => "ore incluse SLA",
        Source::Package => "pacchetto ore",
        Source::Overage => "a pagamento",
        Source::Callout => "diritto di chiamata",
        Source::Travel => "trasferta",
        Source::Quote => "da preventivo",
        Source::Priority => "priorità su richiesta",
    }
}

/// Why a line of an allocation went where it went, as one Italian sentence.
pub fn reason(r: AllocationReason) -> &'static str {
    match r {
        AllocationReason::QuoteAccepted => {
            "fuori contratto: si addebita secondo il preventivo accettato, non scala pacchetti né \
             ore incluse"
        }
        AllocationReason::OutOfScopeNoQuote => {
            "fuori contratto senza preventivo accettato: a tariffa, non scala pacchetti né ore \
             incluse"
        }
        AllocationReason::Bug => "difetto del nostro prodotto: non si addebita mai",
        AllocationReason::IncidentPack => {
            "ticket chiuso con un pacchetto ticket: consumato un ticket, il tempo non si conta"
        }
        AllocationReason::IncidentPending => {
            "ticket coperto da un pacchetto ticket, non ancora chiuso: il ticket si consuma alla \
             chiusura"
        }
        AllocationReason::ExtraTime => {
            "lavoro fuori dalla fascia di copertura con extra orario: maggiorato, non scala le ore \
             incluse"
        }
        AllocationReason::Chosen => "contratto scelto a mano sull'intervento",
        AllocationReason::FreeHours => {
            "ore gratuite annue della classe del cliente, usate per prime"
        }
        AllocationReason::SlaIncluded => {
            "ore incluse nel contratto SLA per l'anno contrattuale in corso"
        }
        AllocationReason::PackageEarliestExpiry => {
            "pacchetto ore adatto all'intervento, quello che scade per primo"
        }
        AllocationReason::Overage => {
            "oltre le ore incluse e i pacchetti: si fattura alla tariffa del contratto"
        }
        AllocationReason::PackageRemoteOnly => {
            "non coperto: il pacchetto copre solo interventi da remoto, si fattura a tariffa"
        }
        AllocationReason::PackageOnSiteOnly => {
            "non coperto: il pacchetto copre solo interventi in sede, si fattura a tariffa"
        }
        AllocationReason::NoContract => "nessun contratto: si fattura alle tariffe del negozio",
        AllocationReason::Callout => "diritto di chiamata dell'intervento on-site (a consuntivo)",
        AllocationReason::Travel => "chilometri percorsi (a consuntivo)",
        AllocationReason::PriorityOnDemand => {
            "richiesta non urgente gestita per prima su richiesta del cliente: la maggiorazione \
             del contratto"
        }
        AllocationReason::FreeHoursChannel => {
            "ore gratuite riservate ad altri canali: il tempo va alla regola successiva"
        }
    }
}

pub fn entitlement_issue(i: EntitlementIssue) -> &'static str {
    match i {
        EntitlementIssue::NoValidContract => {
            "nessun contratto valido: si lavora a consuntivo, avvisare il cliente"
        }
        EntitlementIssue::ChannelNotEntitled => {
            "il canale della richiesta non è previsto dalla classe né dai contratti del cliente"
        }
        EntitlementIssue::ServiceNotEntitled => "servizio non incluso: serve un preventivo",
        EntitlementIssue::OutOfScope => "fuori dal perimetro del contratto: serve un preventivo",
        EntitlementIssue::PriorityOnDemand => {
            "priorità chiesta dal cliente su una richiesta non urgente: extra a pagamento"
        }
    }
}

/// `[a, b, c]` → `a, b, c`; `—` when empty.
pub fn list(items: &[String]) -> String {
    if items.is_empty() {
        "—".to_owned()
    } else {
        items.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(date("2026-03-15"), "15/03/2026");
        assert_eq!(short(35), "35m");
        assert_eq!(short(80), "1h 20m");
        assert_eq!(short(-120), "2h");
        assert_eq!(hm(90), "1 h 30 min");
    }
}
