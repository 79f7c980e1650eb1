//! The Italian words printed on reports and statements for each stable code. Documents go to the
//! shop's Italian clients, so they are printed in Italian whatever language the app speaks.
//! Severity, origin, mode, outcome and the months come from [`rapportino_model::labels`] (shared
//! with the CLI and the UI); the service models' words are the documents' own.

use crate::ledger::{AllocationLine, AllocationReason, BalanceStatus, Source};
use crate::reports::document::Labelled;
use crate::setup::SeverityLabels;
use rapportino_model::labels::{month_year, Locale};
use rapportino_model::vocab::{ContractKind, InterventionMode, Origin, Outcome, Severity};

/// Documents are printed in Italian.
const DOCUMENTS: Locale = Locale::It;

fn labelled(code: &str, label: &str) -> Labelled {
    Labelled {
        code: code.to_owned(),
        label: label.to_owned(),
    }
}

pub fn mode(m: InterventionMode) -> Labelled {
    labelled(m.as_str(), m.label(DOCUMENTS))
}

pub fn origin(o: Origin) -> Labelled {
    labelled(o.as_str(), o.label(DOCUMENTS))
}

/// Severity with the shop's own names for the three classes (their defaults are the model's
/// Italian labels).
pub fn severity(s: Severity, names: &SeverityLabels) -> Labelled {
    labelled(
        s.as_str(),
        match s {
            Severity::Blocking => &names.blocking,
            Severity::Degraded => &names.degraded,
            Severity::Request => &names.request,
        },
    )
}

pub fn outcome(o: Outcome) -> Labelled {
    labelled(o.as_str(), o.label(DOCUMENTS))
}

pub fn source(s: Source) -> Labelled {
    labelled(
        s.as_str(),
        match s {
            Source::Bug => "Difetto del nostro prodotto",
            Source::IncidentPack => "Pacchetto ticket",
            Source::ExtraTime => "Extra orario",
            Source::FreeHours => "Ore gratuite",
            Source::SlaIncluded => "Ore incluse nel contratto",
            Source::Package => "Pacchetto ore",
            Source::Overage => "Oltre il monte ore",
            Source::Callout => "Diritto di chiamata",
            Source::Travel => "Trasferta",
            Source::Quote => "Da preventivo",
            Source::Priority => "Priorità su richiesta",
        },
    )
}

pub fn reason(r: AllocationReason) -> Labelled {
    labelled(
        r.as_str(),
        match r {
            AllocationReason::Bug => "non addebitato",
            AllocationReason::IncidentPack => "un ticket consumato alla chiusura",
            AllocationReason::IncidentPending => "ticket in attesa di chiusura",
            AllocationReason::ExtraTime => "fuori orario, con maggiorazione",
            AllocationReason::Chosen => "scelto per questo intervento",
            AllocationReason::FreeHours => "ore gratuite della classe cliente",
            AllocationReason::SlaIncluded => "ore incluse nel contratto",
            AllocationReason::PackageEarliestExpiry => "pacchetto con la scadenza più vicina",
            AllocationReason::Overage => "a tariffa, oltre le ore disponibili",
            AllocationReason::PackageRemoteOnly => {
                "non coperto: il pacchetto copre solo interventi da remoto"
            }
            AllocationReason::PackageOnSiteOnly => {
                "non coperto: il pacchetto copre solo interventi in sede"
            }
            AllocationReason::NoContract => "a consuntivo, senza contratto",
            AllocationReason::Callout => "uscita presso il cliente",
            AllocationReason::Travel => "chilometri percorsi",
            AllocationReason::QuoteAccepted => "fuori contratto, secondo il preventivo accettato",
            AllocationReason::OutOfScopeNoQuote => {
                "fuori contratto, senza preventivo accettato: a tariffa"
            }
            AllocationReason::PriorityOnDemand => {
                "richiesta non urgente gestita per prima su richiesta del cliente"
            }
            AllocationReason::FreeHoursChannel => {
                "ore gratuite non utilizzabili da questo canale: fatturato con la regola successiva"
            }
        },
    )
}

/// The reason printed for a ledger line whose wording carries its figures: priority on demand
/// ("20 % della manodopera: 1 h 30 min a 60,00 €/h", or the fixed fee) and free hours another
/// channel may not use ("…non utilizzabili per le richieste via Telefono…").
pub fn line_reason(l: &AllocationLine, billed_minutes: i64, origin: Origin) -> Labelled {
    let base = reason(l.reason);
    let label = match (l.reason, l.surcharge_pct, l.rate_cents) {
        (AllocationReason::PriorityOnDemand, Some(pct), Some(rate)) => format!(
            "priorità su richiesta: {pct} % della manodopera ({} a {}/h)",
            crate::format::hours_minutes(billed_minutes * 60),
            crate::format::euro(rate)
        ),
        (AllocationReason::PriorityOnDemand, _, _) => {
            "priorità su richiesta: quota fissa per ticket".to_owned()
        }
        (AllocationReason::FreeHoursChannel, _, _) => format!(
            "ore gratuite non utilizzabili per le richieste via {}: fatturato con la regola successiva",
            origin.label(DOCUMENTS).to_lowercase()
        ),
        _ => return base,
    };
    Labelled { label, ..base }
}

pub fn contract_kind(k: ContractKind) -> Labelled {
    labelled(
        k.as_str(),
        match k {
            ContractKind::Sla => "Contratto SLA",
            ContractKind::HourPackage => "Pacchetto ore",
            ContractKind::IncidentPack => "Pacchetto ticket",
            ContractKind::FreeHours => "Ore gratuite",
            ContractKind::TimeMaterials => "A consuntivo",
        },
    )
}

pub fn balance_status(s: BalanceStatus) -> Labelled {
    labelled(
        s.as_str(),
        match s {
            BalanceStatus::NotStarted => "Non ancora attivo",
            BalanceStatus::Active => "Attivo",
            BalanceStatus::Exhausted => "Esaurito",
            BalanceStatus::Expired => "Scaduto",
        },
    )
}

/// `(2026, 11)` → `novembre 2026`
pub fn month(year: i32, month: u32) -> String {
    month_year(year, month, DOCUMENTS)
}
