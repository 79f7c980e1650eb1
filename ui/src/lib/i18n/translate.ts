// Pure translation functions (no UI state): tested by vitest, used by ./index.svelte.ts.

import type { AppError, UiCode } from '../errors';
import { en, enErrors, enFieldErrors } from './en';
import { it, itErrors, itFieldErrors, type MessageKey } from './it';

export type Locale = 'it' | 'en';
export const LOCALES: readonly Locale[] = ['it', 'en'];

const messages: Record<Locale, Record<MessageKey, string>> = { it, en };
const errors: Record<Locale, Record<UiCode, string>> = { it: itErrors, en: enErrors };
const fieldErrors: Record<Locale, Partial<Record<UiCode, string>>> = { it: itFieldErrors, en: enFieldErrors };

export type Params = Record<string, string | number>;

/** The message for `key` in `locale`, with `{name}` placeholders filled from `params`. */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const template = messages[locale][key] ?? it[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** The sentence for an error code (unknown codes get the "unexpected" sentence). */
export function errorSentence(locale: Locale, code: string): string {
  const table = errors[locale];
  return (table as Record<string, string>)[code] ?? table.UNEXPECTED;
}

/** The short sentence shown beside a form field. */
export function fieldErrorSentence(locale: Locale, error: AppError): string {
  return fieldErrors[locale][error.code] ?? errorSentence(locale, error.code);
}

/** Picks the UI language: a saved choice, else Italian (the app speaks Italian first). */
export function initialLocale(saved: string | null | undefined): Locale {
  return saved === 'en' ? 'en' : 'it';
}
