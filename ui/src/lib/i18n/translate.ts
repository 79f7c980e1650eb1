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

/** The message for `key` in `locale`, with `{name}` placeholders filled from `params` and
 * plurals chosen by the language's rules (`{count, plural, one {# aperto} other {# aperti}}`,
 * ICU's syntax; `#` is the number). */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const template = messages[locale][key] ?? it[key] ?? key;
  if (!params) return template;
  return fill(locale, template, params);
}

const pluralRules: Partial<Record<Locale, Intl.PluralRules>> = {};

function plural(locale: Locale, n: number): Intl.LDMLPluralRule {
  pluralRules[locale] ??= new Intl.PluralRules(locale);
  return pluralRules[locale].select(n);
}

/** Fills `{name}` and `{name, plural, …}` placeholders; unknown names are left as written. */
export function fill(locale: Locale, template: string, params: Params): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) break;
    const close = matchingBrace(template, open);
    if (close < 0) break;
    out += template.slice(i, open);
    out += placeholder(locale, template.slice(open + 1, close), params) ?? template.slice(open, close + 1);
    i = close + 1;
  }
  return out + template.slice(i);
}

function matchingBrace(s: string, open: number): number {
  let depth = 0;
  for (let j = open; j < s.length; j++) {
    if (s[j] === '{') depth++;
    else if (s[j] === '}' && --depth === 0) return j;
  }
  return -1;
}

function placeholder(locale: Locale, body: string, params: Params): string | null {
  const simple = /^(\w+)$/.exec(body)?.[1];
  if (simple !== undefined) return simple in params ? String(params[simple]) : null;
  const head = /^(\w+),\s*plural,\s*/.exec(body);
  const name = head?.[1];
  if (!head || name === undefined || !(name in params)) return null;
  const n = Number(params[name]);
  const cases = new Map<string, string>();
  const rest = body.slice(head[0].length);
  const selector = /\s*(=\d+|zero|one|two|few|many|other)\s*\{/g;
  let m: RegExpExecArray | null;
  while ((m = selector.exec(rest))) {
    const start = m.index + m[0].length - 1;
    const end = matchingBrace(rest, start);
    if (end < 0) return null;
    cases.set(m[1] ?? 'other', rest.slice(start + 1, end));
    selector.lastIndex = end + 1;
  }
  const chosen = cases.get(`=${n}`) ?? cases.get(plural(locale, n)) ?? cases.get('other');
  if (chosen === undefined) return null;
  return fill(locale, chosen.replace(/#/g, String(n)), params);
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
