// The import wizard's state, without UI: the steps, the mapping being edited (target field →
// the file's column, '' for none), and what each step needs before the next. Which fields exist
// and which are required comes from core (ImportKind); whether a row is right is core's dry run.

import type { FileInfo } from '../bindings/FileInfo';
import type { ImportKind } from '../bindings/ImportKind';
import type { ImportReport } from '../bindings/ImportReport';
import type { Mapping } from '../bindings/Mapping';
import type { Locale } from './i18n/translate';

export type WizardStep = 'file' | 'mapping' | 'preview' | 'done';
export const STEPS: readonly WizardStep[] = ['file', 'mapping', 'preview', 'done'];

/** Target field → column ('' = not imported). */
export type Choice = Record<string, string>;

/** Italian or English words of something core describes in both. */
export function words(locale: Locale, x: { label_it: string; label_en: string }): string {
  return locale === 'en' ? x.label_en : x.label_it;
}

/** The kind of `entity` in core's catalogue (the first when it is not there). */
export function kindOf(catalogue: readonly ImportKind[], entity: string): ImportKind | undefined {
  return catalogue.find((k) => k.entity === entity) ?? catalogue[0];
}

/** Every field of `kind`, set to the column core proposed for it (or none). A proposed column
 * the file does not have is dropped. */
export function choiceFrom(kind: ImportKind, info: FileInfo): Choice {
  const out: Choice = {};
  for (const f of kind.fields) {
    const col = info.mapping[f.name];
    out[f.name] = col !== undefined && info.headers.includes(col) ? col : '';
  }
  return out;
}

/** The mapping core runs: the fields given a column. */
export function toMapping(choice: Choice): Mapping {
  const out: Mapping = {};
  for (const [field, col] of Object.entries(choice)) if (col) out[field] = col;
  return out;
}

/** The required fields of `kind` with no column yet. */
export function missingRequired(kind: ImportKind, choice: Choice): string[] {
  return kind.fields.filter((f) => f.required && !choice[f.name]).map((f) => f.name);
}

/** Columns given to more than one field (allowed, but usually a slip). */
export function repeatedColumns(choice: Choice): string[] {
  const seen = new Map<string, number>();
  for (const col of Object.values(choice)) if (col) seen.set(col, (seen.get(col) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([c]) => c);
}

/** The dry run can start: a file was read and every required field has a column. */
export function canPreview(kind: ImportKind | undefined, info: FileInfo | null, choice: Choice): boolean {
  return !!kind && !!info && missingRequired(kind, choice).length === 0;
}

/** The import can run: a dry run of this very mapping found rows and refused none. */
export function canImport(preview: ImportReport | null, previewed: Mapping | null, choice: Choice): boolean {
  if (!preview || !previewed || !preview.dry_run) return false;
  if (preview.errors.length > 0 || preview.rows === 0) return false;
  return sameMapping(previewed, toMapping(choice));
}

export function sameMapping(a: Mapping, b: Mapping): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

/** The furthest step the wizard may show, given what it holds. */
export function reachable(step: WizardStep, s: { info: FileInfo | null; preview: ImportReport | null; result: ImportReport | null }): WizardStep {
  if (step === 'done' && !s.result) step = 'preview';
  if (step === 'preview' && !s.preview) step = 'mapping';
  if (step === 'mapping' && !s.info) step = 'file';
  return step;
}

/** The words of a field name (a row error's field, a required field): core's label when the
 * kind has the field, else the name as core gives it. */
export function fieldWords(locale: Locale, kind: ImportKind | undefined, name: string): string {
  const f = kind?.fields.find((x) => x.name === name);
  return f ? words(locale, f) : name;
}
