// Italian: the front desk's intake (new ticket: who, when, where, what) and editing a ticket after
// opening it. Merged into `it` (./it.ts); English in ./en-desk.ts.

export const itDesk = {
  'desk.section': 'Segnalazione: quando, chi, dove',
  'desk.reportedAt': 'Segnalato il (gg/mm/aaaa hh:mm)',
  'desk.reportedHint': 'Il tempo di risposta parte da qui: quando il cliente ha chiamato o scritto.',
  'desk.requester': 'Richiedente',
  'desk.requesterNone': '— nessuno —',
  'desk.requesterAuthorised': 'autorizzato',
  'desk.requesterNotAuthorised':
    '{name} non è tra i referenti autorizzati ad aprire richieste per questo cliente: verifica prima di procedere.',
  'desk.site': 'Sede',
  'desk.siteNone': '— sede principale —',
  'desk.category': 'Categoria',
  'desk.categoryHint': 'Es. Rete, Stampanti, Posta, Gestionale.',
  'desk.bug': 'Difetto del nostro prodotto (bug, non addebitato)',
  'desk.bugBadge': 'Bug',
  'desk.assignee': 'Tecnico assegnato',
  'desk.assigneeNone': '— nessuno —',
  'desk.edit': 'Modifica',
  'desk.editTitle': 'Modifica il ticket',
  'desk.save': 'Salva modifiche',
  'desk.saved': 'Modifiche salvate.',
};
