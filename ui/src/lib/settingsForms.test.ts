import { describe, expect, it } from 'vitest';

import { severityInput, shopForm, shopProfile, technicianInput, techForm } from './settingsForms';

describe('shop form', () => {
  it('needs a name before sending', () => {
    expect(shopProfile(shopForm(null))).toEqual({ error: expect.objectContaining({ code: 'REQUIRED', field: 'name' }) });
  });
  it('round-trips a profile and sends empty fields as null', () => {
    const f = shopForm({ name: 'Rossi Srl', street: null, postcode: null, city: 'Milano', province: 'MI',
      vat_number: '00743110157', fiscal_code: null, email: null, phone: null, pec: 'rossi@pec.it' });
    expect(f.fiscal_code).toBe('');
    f.phone = '  ';
    const out = shopProfile(f);
    expect(out).toEqual({ profile: expect.objectContaining({ name: 'Rossi Srl', city: 'Milano', phone: null,
      fiscal_code: null, pec: 'rossi@pec.it' }) });
  });
});

describe('severity labels', () => {
  it('refuses an empty label on its field', () => {
    expect(severityInput({ blocking: 'Urgente', degraded: ' ', request: 'Info' })).toEqual({
      error: expect.objectContaining({ field: 'degraded' }),
    });
    expect(severityInput({ blocking: ' Urgente ', degraded: 'Lento', request: 'Info' })).toEqual({
      labels: { blocking: 'Urgente', degraded: 'Lento', request: 'Info' },
    });
  });
});

describe('technician form', () => {
  it('needs code and name, upper-cases the code and drops empty contacts', () => {
    expect(technicianInput(techForm(null))).toEqual({ error: expect.objectContaining({ field: 'code' }) });
    expect(technicianInput({ code: 'lb', name: '', email: '', phone: '' })).toEqual({
      error: expect.objectContaining({ field: 'name' }),
    });
    expect(technicianInput({ code: ' lb', name: 'Luca', email: '', phone: '333' })).toEqual({
      input: { code: 'LB', name: 'Luca', email: undefined, phone: '333' },
    });
  });
});
