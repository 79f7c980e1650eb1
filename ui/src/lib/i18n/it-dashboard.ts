// Italian: the dashboard (home), the shell (tray, shortcuts, drafts, backups).
// Merged into `it` (./it.ts); English in ./en-dashboard.ts with the same keys.

export const itDashboard = {
  'nav.dashboard': 'Oggi',

  'dashboard.title': 'Oggi',
  'dashboard.timer': 'Timer',
  'dashboard.timerNone': 'Nessun timer in corso.',
  'dashboard.timerNoneHint': 'Apri un ticket e avvia un intervento per cominciare.',
  'dashboard.paused': 'In pausa: {ticket} · {client}',
  'dashboard.resume': 'Riprendi',
  'dashboard.openIntervention': 'Apri l’intervento',
  'dashboard.myTickets': 'I miei ticket aperti',
  'dashboard.myTicketsCount': '{count} aperti',
  'dashboard.breached': '{count} fuori SLA',
  'dashboard.noTickets': 'Nessun ticket aperto assegnato a te.',
  'dashboard.more': 'e altri {count}: vedi tutti per urgenza',
  'dashboard.today': 'Interventi di oggi',
  'dashboard.noToday': 'Nessun intervento oggi.',
  'dashboard.balances': 'Saldi da tenere d’occhio',
  'dashboard.noBalances': 'Nessun saldo in esaurimento né contratto in scadenza.',
  'dashboard.balanceLeft': 'residue',
  'dashboard.low': 'In esaurimento',
  'dashboard.expiring': 'Scade tra {days} giorni',
  'dashboard.expiringToday': 'Scade oggi',
  'dashboard.expiresOn': 'Scadenza',
  'dashboard.incidentsLeft': '{count} ticket rimasti',
  'dashboard.sync': 'Sincronizzazione',
  'dashboard.syncOff': 'Non configurata: i dati restano su questo computer.',
  'dashboard.syncHint': 'Il collegamento all’ufficio arriverà con l’hub di sincronizzazione.',
  'dashboard.newTicket': 'Nuovo ticket',
};
