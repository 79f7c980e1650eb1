// Generated from crates/model/src/labels.rs by crates/core/tests/bindings.rs: do not edit.
// Regenerate: UPDATE_BINDINGS=1 cargo test -p rapportino-core --test bindings

/** The words for the stored vocabularies and their fields, per language (Italian first). */
export const LABELS = {
  it: {
    "field.severity": "Gravità",
    "severity.blocking": "Bloccante",
    "severity.degraded": "Disservizio",
    "severity.request": "Richiesta",
    "field.origin": "Origine",
    "origin.phone": "Telefono",
    "origin.email": "E-mail",
    "origin.web_form": "Modulo web",
    "origin.monitoring": "Monitoraggio",
    "origin.chat": "Chat",
    "origin.on_site": "Di persona",
    "origin.other": "Altro",
    "field.status": "Stato",
    "status.new": "Nuovo",
    "status.taken": "Preso in carico",
    "status.in_progress": "In lavorazione",
    "status.waiting_client": "In attesa del cliente",
    "status.resolved": "Risolto",
    "status.closed": "Chiuso",
    "status.cancelled": "Annullato",
    "field.mode": "Modalità",
    "mode.on_site": "In sede",
    "mode.remote": "Da remoto",
    "field.outcome": "Esito",
    "outcome.resolved": "Risolto",
    "outcome.follow_up": "Serve un seguito",
    "outcome.out_of_contract": "Causa esterna al contratto",
    "field.absence": "Firma del cliente",
    "absence.absent": "Cliente assente",
    "absence.refused": "Il cliente rifiuta di firmare",
  },
  en: {
    "field.severity": "Severity",
    "severity.blocking": "Blocking",
    "severity.degraded": "Degraded",
    "severity.request": "Request",
    "field.origin": "Origin",
    "origin.phone": "Phone",
    "origin.email": "E-mail",
    "origin.web_form": "Web form",
    "origin.monitoring": "Monitoring",
    "origin.chat": "Chat",
    "origin.on_site": "In person",
    "origin.other": "Other",
    "field.status": "Status",
    "status.new": "New",
    "status.taken": "Taken in charge",
    "status.in_progress": "In progress",
    "status.waiting_client": "Waiting for client",
    "status.resolved": "Resolved",
    "status.closed": "Closed",
    "status.cancelled": "Cancelled",
    "field.mode": "Mode",
    "mode.on_site": "On site",
    "mode.remote": "Remote",
    "field.outcome": "Outcome",
    "outcome.resolved": "Resolved",
    "outcome.follow_up": "Needs follow-up",
    "outcome.out_of_contract": "Cause outside the contract",
    "field.absence": "Customer's signature",
    "absence.absent": "Customer absent",
    "absence.refused": "The customer refuses to sign",
  },
} as const;

/** Month names, January first. */
export const MONTHS = {
  it: ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"],
  en: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
} as const;

/** Short month names (charts), January first. */
export const MONTHS_SHORT = {
  it: ["gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"],
  en: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
} as const;
