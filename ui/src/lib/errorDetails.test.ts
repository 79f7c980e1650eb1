import { describe, expect, it } from 'vitest';

import { errorDetails } from './errorDetails';

const labels = { code: 'Codice', message: 'Messaggio', field: 'Campo' };

describe('errorDetails', () => {
  it('holds the sentence, the code, core message and the field', () => {
    const text = errorDetails(
      { code: 'INVALID_VAT_NUMBER', message: 'vat_number: check digit mismatch', field: 'vat_number' },
      'La partita IVA non è valida.',
      labels,
    );
    expect(text).toBe(
      'La partita IVA non è valida.\nCodice: INVALID_VAT_NUMBER\nMessaggio: vat_number: check digit mismatch\nCampo: vat_number',
    );
  });

  it('leaves out an empty field and a message equal to the sentence', () => {
    const text = errorDetails({ code: 'IO', message: 'Disco pieno', field: null }, 'Disco pieno', labels);
    expect(text).toBe('Disco pieno\nCodice: IO');
  });
});
