// The UI language as reactive state, and `t()` that reads it (so templates re-render on toggle).

import type { AppError } from '../errors';
import type { MessageKey } from './it';
import { errorSentence, fieldErrorSentence, initialLocale, translate, type Locale, type Params } from './translate';

const STORAGE_KEY = 'rapportino.locale';

function savedLocale(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

export const i18n = $state<{ locale: Locale }>({ locale: initialLocale(savedLocale()) });

export function setLocale(locale: Locale): void {
  i18n.locale = locale;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, locale);
  } catch {
    // Private mode or no storage: the choice lasts until the app closes.
  }
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

export function toggleLocale(): void {
  setLocale(i18n.locale === 'it' ? 'en' : 'it');
}

export function t(key: MessageKey, params?: Params): string {
  return translate(i18n.locale, key, params);
}

export function errorText(error: AppError): string {
  return errorSentence(i18n.locale, error.code);
}

export function fieldErrorText(error: AppError): string {
  return fieldErrorSentence(i18n.locale, error);
}
