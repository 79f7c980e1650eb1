// Italian: copying an error's details for support, and other cross-screen quality texts.
// Merged into `it` (./it.ts); English in ./en-quality.ts with the same keys.

export const itQuality = {
  'error.copyDetails': 'Copia dettagli',
  'error.copied': 'Copiato',
  'error.detailsCode': 'Codice',
  'error.detailsMessage': 'Messaggio',
  'error.detailsField': 'Campo',
} as const;
