// Italian: joining a shop from its hub at first start (the onboarding screen's second way), and
// restoring another device's backup as a new device. Merged into `it` (./it.ts); English in
// ./en-join.ts with the same keys.

export const itJoin = {
  'confirm.ok': 'OK',
  'join.offer': 'Collega a un hub esistente',
  'join.offerHint': 'L’officina è già configurata in ufficio: questo computer ne riceve i dati e tu scegli chi sei, senza configurare nulla.',
  'join.title': 'Collega a un hub esistente',
  'join.intro': 'Ti servono l’indirizzo dell’hub e un codice di collegamento dell’amministratore (e il certificato dell’hub, se è autofirmato). Questo computer riceverà i dati dell’officina.',
  'join.backToNew': '← Configura invece una nuova officina',
  'join.technicianCode': 'La tua sigla di tecnico',
  'join.technicianCodeHint': 'Come in ufficio (es. MR). Il computer numererà i ticket con la stessa sigla, o MR2, MR3… se è già usata da un altro dispositivo.',
  'join.submit': 'Collega e scarica i dati',
  'join.submitting': 'Collegamento e download dei dati dell’officina…',
  'join.pickTitle': 'Chi usa questo computer?',
  'join.pickIntro': 'Collegato all’hub di {shop} come dispositivo {device}. Nell’officina non c’è un tecnico attivo con la sigla {code}: scegli chi sei tra i tecnici dell’officina.',
  'join.pickResume': 'Collegato all’hub di {shop} come dispositivo {device}. Scegli chi sei tra i tecnici dell’officina.',
  'join.pickEmpty': 'L’hub non ha ancora inviato nessun tecnico attivo. Chiedi in ufficio di aggiungerti tra i tecnici, poi scarica di nuovo i dati.',
  'join.pickLabel': 'Tecnici dell’officina',
  'join.pickSubmit': 'Usa questo computer come {name}',
  'join.pickNone': 'Scegli un tecnico',
  'join.reload': 'Scarica di nuovo i dati',
  'join.reloading': 'Download dei dati…',
  'join.disconnect': 'Scollega e ricomincia',
  'join.disconnectConfirm': 'Scollegare questo computer dall’hub e tornare alla prima configurazione? I dati ricevuti restano, ma il computer prenderà un’identità nuova: per collegarlo di nuovo servirà un nuovo codice di collegamento (in ufficio si può revocare quella vecchia).',
  'join.aShop': 'un’officina',

  'backups.foreignConfirm': 'Questo file è il backup di un altro computer. Ripristinarlo qui come nuovo dispositivo?\n\nQuesto computer prenderà un’identità nuova: i dati saranno quelli del backup, ma dovrai configurarlo di nuovo (scegliendo chi lo usa) e collegarlo di nuovo all’hub con un nuovo codice di collegamento. Prima del ripristino verrà fatta una copia di sicurezza dei dati attuali.',
  'backups.restoreAsNew': 'Ripristina come nuovo dispositivo',
  'backups.restoredAsNew': 'Ripristinato come nuovo dispositivo: configura questo computer e collegalo di nuovo all’hub. La copia dei dati precedenti è in {path}.',
} as const;
