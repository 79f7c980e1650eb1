// What the UI knows about a failed call: core's ErrorPayload, or a UI-side code when the failure
// did not come from core (the IPC bridge refused the arguments, the app is not running in Tauri).

import type { Code } from '../bindings/Code';
import type { ErrorPayload } from '../bindings/ErrorPayload';

/** Core's codes plus `UNEXPECTED` for anything that is not a core error. */
export type UiCode = Code | 'UNEXPECTED';

export type AppError = { code: UiCode; message: string; field: string | null };

// A record, not a list: tsc fails here when core adds a code, so the UI learns about it.
const KNOWN: Record<Code, true> = {
  REQUIRED: true,
  TOO_LONG: true,
  INVALID_FORMAT: true,
  INVALID_VAT_NUMBER: true,
  INVALID_FISCAL_CODE: true,
  NOT_FOUND: true,
  ALREADY_EXISTS: true,
  ILLEGAL_TRANSITION: true,
  TIMER_ALREADY_RUNNING: true,
  TIMER_STATE: true,
  INCONSISTENT: true,
  NOT_ONBOARDED: true,
  DATABASE_NOT_OURS: true,
  DATABASE_TOO_NEW: true,
  BACKUP_INVALID: true,
  CALENDAR_OVERLAP: true,
  CALENDAR_EMPTY: true,
  OUT_OF_RANGE: true,
  INVALID_PERIOD: true,
  WRONG_PIN: true,
  PIN_LOCKED: true,
  PIN_NEEDS_HUB: true,
  EXTRA_TIME_NOT_ALLOWED: true,
  CONTRACT_EXPIRED: true,
  CONTRACT_NOT_APPLICABLE: true,
  REPORT_SIGNED: true,
  REPORT_ALREADY_SIGNED: true,
  SIGNATURE_EMPTY: true,
  SIGNATURE_INVALID: true,
  TIMER_RUNNING: true,
  LOGO_INVALID: true,
  LOGO_TOO_LARGE: true,
  OUTPUT_UNWRITABLE: true,
  HASH_MISMATCH: true,
  RENDER_FAILED: true,
  PRINT_FAILED: true,
  SYNC_NOT_CONFIGURED: true,
  HUB_UNREACHABLE: true,
  HUB_BUSY: true,
  ENROLMENT_REFUSED: true,
  DEVICE_CODE_TAKEN: true,
  TECHNICIAN_CODE_TAKEN: true,
  DEVICE_REVOKED: true,
  UPGRADE_REQUIRED: true,
  HUB_ERROR: true,
  SYNC_REQUIRED: true,
  CONFLICT_RESOLVED: true,
  HUB_URL_INVALID: true,
  SYNC_RUNNING: true,
  BACKUP_SCHEMA_MISMATCH: true,
  FOREIGN_BACKUP: true,
  NUMBERING_EXHAUSTED: true,
  REPORT_NUMBER_INVALID: true,
  PATH_NOT_ALLOWED: true,
  CONSENT_REQUIRED: true,
  REPORT_NOT_SIGNED: true,
  MAIL_NOT_CONFIGURED: true,
  MAIL_ADDRESS_INVALID: true,
  MAIL_TOO_LARGE: true,
  MAIL_AUTH_FAILED: true,
  MAIL_TLS: true,
  MAIL_UNREACHABLE: true,
  MAIL_REFUSED: true,
  MAIL_DEFERRED: true,
  MAIL_CONFIG_INVALID: true,
  MAIL_SECRET_UNAVAILABLE: true,
  QUOTE_FINAL: true,
  QUOTE_STATE: true,
  QUOTE_EXPIRED: true,
  QUOTE_REQUIRED: true,
  CSV_INVALID: true,
  IMPORT_ROWS_INVALID: true,
  DATABASE: true,
  IO: true,
};

export const CODES = Object.keys(KNOWN) as Code[];

export function isCode(value: unknown): value is Code {
  return typeof value === 'string' && Object.hasOwn(KNOWN, value);
}

export function isErrorPayload(value: unknown): value is ErrorPayload {
  return typeof value === 'object' && value !== null && isCode((value as { code?: unknown }).code);
}

/** Anything thrown by `invoke` (or by our own code) → an AppError. Never throws. */
export function toAppError(e: unknown): AppError {
  if (isErrorPayload(e)) {
    return { code: e.code, message: String(e.message ?? ''), field: e.field ?? null };
  }
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);
  return { code: 'UNEXPECTED', message: message ?? '', field: null };
}

/** The error for one form field, if `error` concerns it. */
export function fieldError(error: AppError | null, field: string): AppError | null {
  return error && error.field === field ? error : null;
}
