// Italian: the ticket form from the keyboard, the ticket's status moves, and the intervention page's
// time entries. Merged into `it` (./it.ts); English in ./en-work.ts.

export const itWork = {
  'work.form.keys': 'Tab per passare al campo successivo, Ctrl+Invio per aprire il ticket da qualsiasi campo.',

  'work.move.estimate': 'Risoluzione stimata (facoltativa)',
  'work.move.estimateDate': 'Data (gg/mm/aaaa)',
  'work.move.estimateTime': 'Ora (hh:mm)',
  'work.move.note': 'Nota',
  'work.move.reason': 'Motivo',
  'work.move.party': 'In attesa di',
  'work.move.partyKind': 'Tipo',
  'work.move.partyName': 'Nome (es. Fastweb, BRT)',
  'work.waitingFor': 'In attesa di',
  'work.move.confirm': 'Conferma',
  'work.move.cancel': 'Indietro',
  'work.estimate': 'Risoluzione stimata',

  'work.time.manual': 'Aggiungi tempo a mano',
  'work.time.minutes': 'Minuti',
  'work.time.startedAt': 'Inizio (gg/mm/aaaa hh:mm, facoltativo)',
  'work.time.note': 'Nota',
  'work.time.add': 'Aggiungi',
  'work.time.adjust': 'Rettifica',
  'work.time.adjustMinutes': 'Minuti (+ o −)',
  'work.time.adjustReason': 'Motivo della rettifica',
  'work.time.void': 'Annulla',
  'work.time.voidReason': 'Motivo dell’annullamento',
  'work.time.voided': 'Annullata',
  'work.time.approve': 'Approva',
  'work.time.approved': 'Approvata',
  'work.time.start': 'Inizio',
  'work.time.end': 'Fine',
  'work.time.duration': 'Durata',
  'work.time.kind': 'Tipo',
} as const;
