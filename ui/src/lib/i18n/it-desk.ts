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

  'print.printer': 'Stampante',
  'print.copies': 'Copie',
  'print.systemDefault': 'Stampante predefinita del sistema',
  'print.systemDefaultNamed': 'Predefinita del sistema ({name})',
  'print.noCups':
    'Nessuna stampante trovata: su questo computer non risponde un sistema di stampa (CUPS). Si stampa con quella predefinita del sistema.',
  'print.noPrinters': 'CUPS non ha stampanti configurate: si stampa con quella predefinita del sistema.',
  'print.customCommand': 'La stampa passa dal comando impostato in RAPPORTINO_PRINT_COMMAND.',
  'print.confirm': 'Stampa',
  'print.sent': 'Inviato alla stampante.',

  'statement.title': 'Rendiconto mensile',
  'statement.intro': 'Il rendiconto di un mese di questo cliente: ore, interventi, saldi dei contratti.',
  'statement.month': 'Mese',
  'statement.client': 'Cliente',
  'statement.save': 'Salva PDF…',
  'statement.print': 'Stampa…',
  'statement.printTitle': 'Stampa il rendiconto',
  'statement.saved': 'Salvato in {path}.',
  'statement.one': 'Un solo cliente',
};
