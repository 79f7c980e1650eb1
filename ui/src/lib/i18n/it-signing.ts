// Italian: the way from a running intervention to a signed report — "Termina e firma", the
// signing view, the technician's own signature, the customer absent or refusing.
// Merged into `it` (./it.ts); English in ./en-signing.ts with the same keys.

export const itSigning = {
  'intervention.finishAndSign': 'Termina e firma',
  'intervention.openToSign': 'Firma il rapporto',
  'intervention.finishHint': 'Ferma il timer, salva quanto scritto e apre la firma del rapporto.',

  'sign.summary': 'Riepilogo per il cliente',
  'sign.workDone': 'Lavoro svolto',
  'sign.nothingWritten': 'Nessuna descrizione del lavoro.',
  'sign.times': 'Tempi',
  'sign.total': 'Totale {time}',
  'sign.travel': 'Viaggio: {km} km, {minutes} min',
  'sign.materials': 'Materiali',
  'sign.charges': 'Addebiti',
  'sign.chargedTo': 'Addebito',
  'sign.noCharge': 'Nessun addebito: il lavoro è coperto.',
  'sign.fullScreen': 'Schermo intero',
  'sign.exitFullScreen': 'Esci dallo schermo intero',
  'sign.customerAbsent': 'Il cliente non firma',
  'sign.absenceReason': 'Motivo',
  'sign.absenceNote': 'Nota (facoltativa)',
  'sign.absenceNotePlaceholder': 'Es. ufficio chiuso alla fine del lavoro',
  'sign.customerSignsAfterAll': 'Il cliente firma',
  'sign.ownSignature': 'La tua firma salvata',
  'sign.ownSignatureApplied': 'Firma del tecnico: la tua firma salvata',
  'sign.redraw': 'Ridisegna',
  'sign.useOwn': 'Usa la firma salvata',
  'sign.printAfter': 'Stampa subito dopo la firma',
  'sign.signAndPrint': 'Firma e stampa',
  'sign.unsaved':
    'Nell’intervento ci sono modifiche non salvate ({fields}): il rapporto non le contiene. Salvale prima di firmare.',
  'sign.saveUnsaved': 'Salva le modifiche e aggiorna',
  'sign.field.workDone': 'Lavoro svolto',
  'sign.field.outcome': 'Esito',
  'sign.field.outcomeReason': 'Motivo',
  'sign.field.travelKm': 'Km di viaggio',
  'sign.field.travelMinutes': 'Minuti di viaggio',
  'sign.doneTitle': 'Firmato',
  'sign.doneAlone': 'Firmato dal solo tecnico il {at} — {why}',
  'sign.printDraft': 'Stampa bozza',
  'sign.printDraftHint': 'Stampa la bozza con la scritta «BOZZA – non firmato» su ogni pagina.',
  'sign.previewToggle': 'Anteprima del PDF',

  'tech.signature': 'Firma',
  'tech.signatureSaved': 'Firma salvata il {at}',
  'tech.signatureNone': 'Nessuna firma salvata',
  'tech.signatureCapture': 'Salva la mia firma',
  'tech.signatureReplace': 'Ridisegna la firma',
  'tech.signatureForget': 'Elimina la firma',
  'tech.signatureConsent':
    'Acconsento a conservare la mia firma su questo computer per applicarla ai rapporti che firmo. Non viene sincronizzata e posso eliminarla quando voglio.',
  'tech.signatureKeep': 'Conserva la firma',
  'tech.signatureIntro':
    'Disegna la tua firma una volta: nei rapporti si applica con un clic e si può sempre ridisegnare.',
};
