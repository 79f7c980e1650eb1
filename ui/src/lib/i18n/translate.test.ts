import { describe, expect, it as test } from 'vitest';

import { LABELS } from '../../bindings/labels';
import { CODES, toAppError, fieldError } from '../errors';
import { en, enErrors } from './en';
import { it, itErrors } from './it';
import { errorSentence, fieldErrorSentence, fill, initialLocale, translate } from './translate';

describe('dictionaries', () => {
  test('English has exactly the Italian keys, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(it).sort());
    for (const [k, v] of Object.entries(en)) expect(v, k).not.toBe('');
  });

  test('the Italian UI says "fuori orario", not the English "extra time" (issue 14 #15)', () => {
    const english = /extra[ -]?time/i;
    for (const [k, v] of [...Object.entries(it), ...Object.entries(itErrors)]) expect(v, k).not.toMatch(english);
    expect(it['terms.pinOptional']).toBe('PIN fuori orario (facoltativo)');
  });
  test('the vocabularies speak with the model’s words (bindings/labels.ts)', () => {
    for (const locale of ['it', 'en'] as const) {
      for (const [key, label] of Object.entries(LABELS[locale])) {
        expect(translate(locale, key as keyof typeof LABELS.it), key).toBe(label);
      }
    }
    expect(translate('it', 'origin.on_site')).toBe('Di persona');
    expect(translate('it', 'mode.on_site')).toBe('In sede');
    expect(translate('it', 'field.severity')).toBe('Gravità');
  });
  test('every core error code has a sentence in both languages', () => {
    for (const code of CODES) {
      expect(itErrors[code], code).toBeTruthy();
      expect(enErrors[code], code).toBeTruthy();
    }
  });
});

describe('translate', () => {
  test('Italian first, English on request', () => {
    expect(translate('it', 'nav.clients')).toBe('Clienti');
    expect(translate('en', 'nav.clients')).toBe('Clients');
  });
  test('fills placeholders and leaves unknown ones', () => {
    expect(translate('it', 'pager.range', { from: 1, to: 25 })).toBe('1–25');
    expect(translate('it', 'pager.range', { from: 1 })).toBe('1–{to}');
  });
  test('the saved language wins, Italian otherwise', () => {
    expect(initialLocale('en')).toBe('en');
    expect(initialLocale(null)).toBe('it');
    expect(initialLocale('de')).toBe('it');
  });
});

describe('error mapping', () => {
  test('a core payload keeps its code and field', () => {
    const e = toAppError({ code: 'INVALID_VAT_NUMBER', message: 'vat_number: bad check digit', field: 'vat_number' });
    expect(e).toEqual({ code: 'INVALID_VAT_NUMBER', message: 'vat_number: bad check digit', field: 'vat_number' });
    expect(errorSentence('it', e.code)).toMatch(/Partita IVA/);
    expect(errorSentence('en', e.code)).toMatch(/VAT number/);
    expect(fieldError(e, 'vat_number')).toBe(e);
    expect(fieldError(e, 'name')).toBeNull();
  });
  test('the open errors have Italian sentences', () => {
    expect(errorSentence('it', 'DATABASE_TOO_NEW')).toMatch(/versione più recente/);
    expect(errorSentence('it', 'DATABASE_NOT_OURS')).toMatch(/non è un archivio di Rapportino/);
  });
  test('anything else becomes UNEXPECTED, never a stack trace', () => {
    expect(toAppError('invalid args `input` for command `onboard`').code).toBe('UNEXPECTED');
    expect(toAppError(new Error('boom')).code).toBe('UNEXPECTED');
    expect(toAppError({ code: 'SOMETHING_NEW', message: 'x' }).code).toBe('UNEXPECTED');
    expect(errorSentence('it', 'SOMETHING_NEW')).toBe(itErrors.UNEXPECTED);
  });
  test('field sentences are short where a short one exists', () => {
    expect(fieldErrorSentence('it', { code: 'REQUIRED', message: '', field: 'name' })).toBe('Campo obbligatorio.');
    expect(fieldErrorSentence('it', { code: 'INVALID_FISCAL_CODE', message: '', field: 'fiscal_code' })).toBe(
      itErrors.INVALID_FISCAL_CODE,
    );
  });
});

describe('plurals (Intl.PluralRules, ICU syntax)', () => {
  test('one and other in Italian and English', () => {
    expect(translate('it', 'dashboard.myTicketsCount', { count: 1 })).toBe('1 aperto');
    expect(translate('it', 'dashboard.myTicketsCount', { count: 0 })).toBe('0 aperti');
    expect(translate('it', 'dashboard.myTicketsCount', { count: 3 })).toBe('3 aperti');
    expect(translate('it', 'dashboard.expiring', { days: 1 })).toBe('Scade tra 1 giorno');
    expect(translate('en', 'dashboard.expiring', { days: 1 })).toBe('Expires in 1 day');
    expect(translate('en', 'dashboard.expiring', { days: 12 })).toBe('Expires in 12 days');
    expect(translate('it', 'quarantine.attempts', { count: 1 })).toBe('1 tentativo');
  });
  test('an exact case wins, text around and inside is kept, unknown names stay as written', () => {
    expect(fill('it', '{n, plural, =0 {nessuno} one {uno} other {# ({who})}} qui', { n: 0, who: 'x' })).toBe('nessuno qui');
    expect(fill('it', '{n, plural, =0 {nessuno} one {uno} other {# ({who})}} qui', { n: 5, who: 'x' })).toBe('5 (x) qui');
    expect(fill('it', '{missing} e {n}', { n: 2 })).toBe('{missing} e 2');
  });
});
