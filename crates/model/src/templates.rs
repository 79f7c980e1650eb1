//! The default words of customer messages, per kind and language, and the filling of their
//! `{placeholders}`: shared by core's outbox (devices) and the hub (the acknowledgements of the
//! requests it takes in). The shop's own wording is the synced setting
//! `mail.template.<kind>.<lang>`.

use std::collections::BTreeMap;

use crate::vocab::MessageKind;

/// The default (subject, body) of `kind`, in English when `english`, else Italian.
pub fn default_text(kind: MessageKind, english: bool) -> (&'static str, &'static str) {
    match (kind, english) {
        (MessageKind::TicketOpened, false) => (
            "[{ticket}] Richiesta ricevuta: {title}",
            "Gentile {client},\n\nabbiamo ricevuto la sua richiesta e aperto il ticket {ticket}.\n\nOggetto: {title}\nGravità: {severity}\nCanale: {origin}\nRicevuta il: {reported_at}\n\nPer aggiungere informazioni risponda a questo messaggio lasciando il numero del ticket nell'oggetto.\n\nCordiali saluti,\n{shop}",
        ),
        (MessageKind::TicketOpened, true) => (
            "[{ticket}] Request received: {title}",
            "Dear {client},\n\nwe have received your request and opened ticket {ticket}.\n\nSubject: {title}\nSeverity: {severity}\nChannel: {origin}\nReceived on: {reported_at}\n\nTo add information, reply to this message keeping the ticket number in the subject.\n\nKind regards,\n{shop}",
        ),
        (MessageKind::TicketTaken, false) => (
            "[{ticket}] Presa in carico: {title}",
            "Gentile {client},\n\nil ticket {ticket} è stato preso in carico da {technician}.\nRisoluzione stimata: {estimate}.\n\nCordiali saluti,\n{shop}",
        ),
        (MessageKind::TicketTaken, true) => (
            "[{ticket}] Taken in charge: {title}",
            "Dear {client},\n\nticket {ticket} has been taken in charge by {technician}.\nEstimated resolution: {estimate}.\n\nKind regards,\n{shop}",
        ),
        (MessageKind::TicketResolved, false) => (
            "[{ticket}] Risolto: {title}",
            "Gentile {client},\n\nil ticket {ticket} risulta risolto. Se il problema si ripresenta, risponda a questo messaggio: il ticket verrà riaperto.\n\nCordiali saluti,\n{shop}",
        ),
        (MessageKind::TicketResolved, true) => (
            "[{ticket}] Resolved: {title}",
            "Dear {client},\n\nticket {ticket} is resolved. If the problem comes back, reply to this message and the ticket will be reopened.\n\nKind regards,\n{shop}",
        ),
        (MessageKind::ReportSigned, false) => (
            "[{ticket}] Rapporto d'intervento {report}",
            "Gentile {client},\n\nin allegato il rapporto d'intervento {report} firmato, relativo al ticket {ticket} ({title}).\nImpronta SHA-256: {hash}\n\nCordiali saluti,\n{shop}",
        ),
        (MessageKind::ReportSigned, true) => (
            "[{ticket}] Intervention report {report}",
            "Dear {client},\n\nattached is the signed intervention report {report} for ticket {ticket} ({title}).\nSHA-256 fingerprint: {hash}\n\nKind regards,\n{shop}",
        ),
        (MessageKind::Statement, false) => (
            "Rendiconto di {month} — {client}",
            "Gentile {client},\n\nin allegato il rendiconto di {month}: interventi, ore usate per contratto e saldi.\n\nCordiali saluti,\n{shop}",
        ),
        (MessageKind::Statement, true) => (
            "Statement for {month} — {client}",
            "Dear {client},\n\nattached is the statement for {month}: interventions, hours used per contract and balances.\n\nKind regards,\n{shop}",
        ),
        (MessageKind::OutOfContract, false) => (
            "[{ticket}] Causa esterna al contratto: {title}",
            "Gentile {client},\n\nl'intervento sul ticket {ticket} ha accertato che la causa è esterna al contratto: {reason}.\nIl lavoro non rientra nella copertura e potrà esserle proposto un preventivo.\n\nCordiali saluti,\n{shop}",
        ),
        (MessageKind::OutOfContract, true) => (
            "[{ticket}] Cause outside the contract: {title}",
            "Dear {client},\n\nthe intervention on ticket {ticket} found that the cause lies outside the contract: {reason}.\nThe work is not covered and we may send you a quote.\n\nKind regards,\n{shop}",
        ),
        (MessageKind::Quote, false) => (
            "Preventivo {quote} — {client}",
            "Gentile {client},\n\nin allegato il preventivo {quote}, per un totale di {total} IVA inclusa, valido fino al {valid_until}.\nPer accettarlo può firmarlo alla prossima visita del tecnico o rispondere a questo messaggio.\n\nCordiali saluti,\n{shop}",
        ),
        (MessageKind::RequestDeclined, false) => (
            "Re: {subject}",
            "Gentile {sender},\n\nabbiamo ricevuto il suo messaggio «{subject}» del {received_at}. Non possiamo prenderlo in carico: accettiamo richieste di assistenza solo dai referenti autorizzati dei nostri clienti.\nSe la sua azienda è già nostra cliente, chieda al suo referente di scriverci o di autorizzarla.\n\nQuesto è un messaggio automatico: la preghiamo di non rispondere.\n\nCordiali saluti,\n{shop}",
        ),
        (MessageKind::RequestDeclined, true) => (
            "Re: {subject}",
            "Dear {sender},\n\nwe have received your message \"{subject}\" of {received_at}. We cannot take it in charge: we accept support requests only from our clients' authorised contacts.\nIf your company is already our client, please ask your contact person to write to us or to authorise you.\n\nThis is an automatic message: please do not reply.\n\nKind regards,\n{shop}",
        ),
        (MessageKind::Quote, true) => (
            "Quote {quote} — {client}",
            "Dear {client},\n\nattached is quote {quote}, for a total of {total} VAT included, valid until {valid_until}.\nTo accept it, sign it at the technician's next visit or reply to this message.\n\nKind regards,\n{shop}",
        ),
    }
}

/// `text` with every `{name}` replaced by its fact (a missing fact becomes "—").
pub fn fill(text: &str, facts: &BTreeMap<&str, String>) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match facts.get(name).filter(|v| !v.trim().is_empty()) {
                    Some(v) => out.push_str(v),
                    None => out.push('—'),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}
