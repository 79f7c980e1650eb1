import { describe, expect, it } from 'vitest';

import type { FileInfo } from '../bindings/FileInfo';
import type { ImportKind } from '../bindings/ImportKind';
import type { ImportReport } from '../bindings/ImportReport';
import {
  canImport,
  canPreview,
  choiceFrom,
  fieldWords,
  kindOf,
  missingRequired,
  reachable,
  repeatedColumns,
  toMapping,
  words,
} from './importWizard';

const field = (name: string, required = false) => ({ name, label_it: `it:${name}`, label_en: `en:${name}`, required });
const clients: ImportKind = {
  entity: 'clients',
  label_it: 'Clienti',
  label_en: 'Clients',
  fields: [field('name', true), field('vat_number'), field('city')],
  presets: [],
};
const sites: ImportKind = { ...clients, entity: 'sites', label_it: 'Sedi', label_en: 'Sites', fields: [field('name', true), field('client_vat_number')] };
const info = (mapping: Record<string, string>): FileInfo => ({
  encoding: 'utf-8',
  separator: ';',
  headers: ['Ragione sociale', 'P.IVA', 'Città'],
  rows: 2,
  sample: [],
  mapping,
  targets: ['name', 'vat_number', 'city'],
});
const report = (over: Partial<ImportReport> = {}): ImportReport => ({
  entity: 'clients',
  encoding: 'utf-8',
  separator: ';',
  dry_run: true,
  committed: false,
  rows: 2,
  created: 2,
  updated: 0,
  unchanged: 0,
  errors: [],
  ...over,
});

describe('import wizard', () => {
  it('starts from the mapping core proposed, every field listed, stale columns dropped', () => {
    const c = choiceFrom(clients, info({ name: 'Ragione sociale', vat_number: 'Partita IVA' }));
    expect(c).toEqual({ name: 'Ragione sociale', vat_number: '', city: '' });
    expect(toMapping(c)).toEqual({ name: 'Ragione sociale' });
  });

  it('needs the required fields mapped before the dry run', () => {
    const c = choiceFrom(clients, info({ vat_number: 'P.IVA' }));
    expect(missingRequired(clients, c)).toEqual(['name']);
    expect(canPreview(clients, info({}), c)).toBe(false);
    c.name = 'Ragione sociale';
    expect(canPreview(clients, info({}), c)).toBe(true);
    expect(canPreview(clients, null, c)).toBe(false);
  });

  it('imports only after a clean dry run of the same mapping', () => {
    const c = { name: 'Ragione sociale', vat_number: 'P.IVA', city: '' };
    const m = toMapping(c);
    expect(canImport(report(), m, c)).toBe(true);
    expect(canImport(report({ errors: [{ line: 3, field: 'vat_number', code: 'INVALID_VAT_NUMBER', message: 'x' }] }), m, c)).toBe(false);
    expect(canImport(report({ rows: 0 }), m, c)).toBe(false);
    expect(canImport(report({ dry_run: false }), m, c)).toBe(false);
    expect(canImport(null, m, c)).toBe(false);
    // The mapping changed after the dry run: run it again first.
    expect(canImport(report(), m, { ...c, city: 'Città' })).toBe(false);
  });

  it('never shows a step it has nothing for', () => {
    const none = { info: null, preview: null, result: null };
    expect(reachable('done', none)).toBe('file');
    expect(reachable('preview', { ...none, info: info({}) })).toBe('mapping');
    expect(reachable('done', { info: info({}), preview: report(), result: null })).toBe('preview');
    expect(reachable('done', { info: info({}), preview: report(), result: report({ dry_run: false }) })).toBe('done');
  });

  it('takes entities and words from core, whatever they are', () => {
    const technicians: ImportKind = { ...clients, entity: 'technicians' as ImportKind['entity'], label_it: 'Tecnici', label_en: 'Technicians' };
    const all = [clients, sites, technicians];
    expect(kindOf(all, 'technicians')?.label_it).toBe('Tecnici');
    expect(kindOf(all, 'nope')?.entity).toBe('clients');
    expect(words('en', sites)).toBe('Sites');
    expect(words('it', sites)).toBe('Sedi');
    expect(fieldWords('it', sites, 'client_vat_number')).toBe('it:client_vat_number');
    expect(fieldWords('it', sites, 'client')).toBe('client');
  });

  it('points out a column given to two fields', () => {
    expect(repeatedColumns({ name: 'A', city: 'A', vat_number: 'B', x: '' })).toEqual(['A']);
    expect(repeatedColumns({ name: 'A', city: '' })).toEqual([]);
  });
});
