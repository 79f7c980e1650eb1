// Italian: the client list and page (search, sites, contacts, hours chart, history), fiscal ids
// checked as typed. Merged into `it` (./it.ts); English in ./en-clients.ts with the same keys.

export const itClients = {
  'clientPage.search': 'Cerca per nome…',
  'clientPage.keysHint': 'Frecce su e giù per scorrere i risultati, Invio per aprire il cliente.',
  'clientPage.showArchived': 'Mostra archiviati',
  'clientPage.archived': 'Archiviato',
  'clientPage.archive': 'Archivia',
  'clientPage.restore': 'Ripristina',

  'clientPage.newSite': 'Nuova sede',
  'clientPage.siteName': 'Nome della sede',
  'clientPage.newContact': 'Nuovo referente',
  'clientPage.contactName': 'Nome e cognome',
  'clientPage.role': 'Ruolo',
  'clientPage.authorised': 'Può aprire richieste per il cliente (e-mail autorizzata)',
  'clientPage.authorisedShort': 'Autorizzato',

  'clientPage.hoursTitle': 'Ore per mese',
  'clientPage.hoursNone': 'Nessun contratto negli ultimi 12 mesi.',
  'clientPage.hoursAsTable': 'Mostra come tabella',
  'clientPage.hoursAsChart': 'Mostra come grafico',
  'clientPage.hoursChartTitle': 'Ore usate per mese: {name}',
  'clientPage.hoursChartDesc': 'Ultimi 12 mesi: {used} usate in totale; disponibili a fine periodo: {left}.',
  'clientPage.month': 'Mese',
  'clientPage.used': 'Usate',
  'clientPage.available': 'Disponibili',

  'clientPage.closedTickets': 'Ticket chiusi',
  'clientPage.noClosedTickets': 'Nessun ticket chiuso.',
  'clientPage.interventions': 'Interventi',
  'clientPage.reports': 'Rapporti d’intervento',
  'clientPage.noReports': 'Nessun rapporto per questo cliente.',

  'clientPage.fixFirst': 'Correggi prima: {fields}.',
} as const;
