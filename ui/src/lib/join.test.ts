import { describe, expect, it } from 'vitest';

import type { SetupStatus } from '../bindings/SetupStatus';
import type { Technician } from '../bindings/Technician';
import { translate } from './i18n/translate';
import type { MessageKey } from './i18n/it';
import { isForeignBackup, joinStep, pickIntro, pickable } from './join';
import { textOf, type Text } from './sync';

const it_ = (x: Text | string) => textOf(x, (key: MessageKey, params) => translate('it', key, params));
const en_ = (x: Text | string) => textOf(x, (key: MessageKey, params) => translate('en', key, params));

const mario: Technician = { id: 't1', code: 'MR', name: 'Mario Rossi', email: null, phone: null, active: true };
const luca: Technician = { id: 't2', code: 'LB', name: 'Luca Bianchi', email: null, phone: null, active: true };
const gino: Technician = { id: 't3', code: 'GV', name: 'Gino Verdi', email: null, phone: null, active: false };

function status(over: Partial<SetupStatus>): SetupStatus {
  return {
    onboarded: false,
    device_id: 'd1',
    device_code: null,
    technician: null,
    shop: null,
    severity_labels: { blocking: 'Bloccante', degraded: 'Disservizio', request: 'Richiesta' },
    ...over,
  };
}

describe('joinStep', () => {
  it('starts with the form on a first start', () => {
    expect(joinStep(null)).toBe('form');
    expect(joinStep(status({}))).toBe('form');
  });
  it('goes straight to the picker for a device that joined but has no technician', () => {
    expect(joinStep(status({ device_code: 'MR2' }))).toBe('pick');
  });
  it('never for a device that is set up', () => {
    expect(joinStep(status({ onboarded: true, device_code: 'MR', technician: mario }))).toBe('form');
  });
});

describe('pickable', () => {
  it('offers the active technicians by name', () => {
    expect(pickable([mario, gino, luca]).map((t) => t.code)).toEqual(['LB', 'MR']);
    expect(pickable([gino])).toEqual([]);
  });
});

describe('pickIntro', () => {
  const joined = status({ device_code: 'XY', shop: { name: 'Assistenza Rossi' } as SetupStatus['shop'] });
  it('says the code typed is not in the shop', () => {
    expect(it_(pickIntro(joined, 'xy'))).toBe(
      'Collegato all’hub di Assistenza Rossi come dispositivo XY. Nell’officina non c’è un tecnico attivo con la sigla XY: scegli chi sei tra i tecnici dell’officina.',
    );
    expect(en_(pickIntro(joined, 'xy'))).toContain('no active technician with the code XY');
  });
  it('resumes without a code, and without a shop name yet', () => {
    expect(it_(pickIntro(status({ device_code: 'MR2' }), null))).toBe(
      'Collegato all’hub di un’officina come dispositivo MR2. Scegli chi sei tra i tecnici dell’officina.',
    );
  });
});

describe('isForeignBackup', () => {
  it('recognises the refusal of another device’s backup only', () => {
    expect(isForeignBackup({ code: 'FOREIGN_BACKUP', message: '', field: 'path' })).toBe(true);
    expect(isForeignBackup({ code: 'BACKUP_INVALID', message: '', field: 'path' })).toBe(false);
    expect(isForeignBackup(null)).toBe(false);
  });
});
