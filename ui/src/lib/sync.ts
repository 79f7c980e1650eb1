// How the UI words the sync state and the conflicts: the indicator's parts, "3 minuti fa", plural
// forms, field and reason names, values. Pure (keys and parameters, no reactive state): tested by
// vitest. The rules themselves (what is pending, what conflicts) are core's.

import type { Conflict } from '../bindings/Conflict';
import type { QuarantinedRow } from '../bindings/QuarantinedRow';
import type { SetupStatus } from '../bindings/SetupStatus';
import type { SyncStatus } from '../bindings/SyncStatus';
import { formatDateTime, formatNumber } from './format';
import type { MessageKey } from './i18n/it';
import { it } from './i18n/it';
import type { Route } from './routes';

/** A message key and its parameters; a parameter may itself be a Text (`Sincronizzato {ago}`). */
export type Text = { key: MessageKey; params?: Record<string, string | number | Text> };
export type Tone = 'off' | 'ok' | 'busy' | 'warn' | 'error';

/** The indicator: one main state, then the counts worth a look. */
export type Indicator = {
  tone: Tone;
  main: Text;
  pending: Text | null;
  conflicts: Text | null;
  /** The sentence of the last error, when the main state is that error. */
  errorCode: string | null;
};

function has(key: string): key is MessageKey {
  return Object.hasOwn(it, key);
}

/** `1 modifica` / `3 modifiche`: the key for one or for many, with `{count}`. */
export function plural(count: number, one: MessageKey, many: MessageKey): Text {
  return count === 1 ? { key: one } : { key: many, params: { count } };
}

/** `adesso`, `3 minuti fa`, `2 ore fa`, else `il 22/11/2026 14:30` (null for no date). */
export function ago(iso: string | null, nowMs: number): Text | null {
  if (!iso) return null;
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return null;
  const minutes = Math.floor((nowMs - then) / 60_000);
  if (minutes < 1) return { key: 'sync.ind.syncedNow' };
  if (minutes < 60) return plural(minutes, 'sync.ago.minutesOne', 'sync.ago.minutesMany');
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return plural(hours, 'sync.ago.hoursOne', 'sync.ago.hoursMany');
  return { key: 'sync.ago.on', params: { when: formatDateTime(iso) } };
}

/** Whether the last attempt failed after the last good sync (the error is still the news). */
export function lastAttemptFailed(s: SyncStatus): boolean {
  if (!s.last_error) return false;
  if (!s.last_sync_at || !s.last_attempt_at) return true;
  return Date.parse(s.last_attempt_at) > Date.parse(s.last_sync_at);
}

/** The error of a "Sincronizza ora" worth its own box: not when the status already shows it as
 * the last attempt's error. */
export function extraError<E extends { code: string }>(error: E | null, s: SyncStatus | null): E | null {
  if (!error) return null;
  return s?.last_error?.code === error.code && lastAttemptFailed(s) ? null : error;
}

/** The short words for a failed sync (`Hub non raggiungibile`). */
export function errorLabel(code: string): Text {
  const key = `sync.err.${code}`;
  return { key: has(key) ? key : 'sync.err.other' };
}

/** The indicator for `status` (null: not loaded yet), `running` while a sync is under way. */
export function indicator(status: SyncStatus | null, running: boolean, nowMs: number): Indicator {
  const none = { pending: null, conflicts: null, errorCode: null };
  if (!status) return { tone: 'off', main: { key: 'sync.ind.loading' }, ...none };
  if (!status.configured) return { tone: 'off', main: { key: 'sync.ind.off' }, ...none };
  const pending =
    status.pending_changes > 0 ? plural(status.pending_changes, 'sync.ind.pendingOne', 'sync.ind.pendingMany') : null;
  const conflicts =
    status.open_conflicts > 0 ? plural(status.open_conflicts, 'sync.ind.conflictsOne', 'sync.ind.conflictsMany') : null;
  if (running) return { tone: 'busy', main: { key: 'sync.ind.running' }, pending, conflicts, errorCode: null };
  if (lastAttemptFailed(status) && status.last_error) {
    const code = status.last_error.code;
    return { tone: 'error', main: errorLabel(code), pending, conflicts, errorCode: code };
  }
  const when = ago(status.last_sync_at, nowMs);
  const main: Text = !when
    ? { key: 'sync.ind.never' }
    : when.key === 'sync.ind.syncedNow'
      ? when
      : { key: 'sync.ind.syncedAgo', params: { ago: when } };
  const tone: Tone = conflicts || pending ? 'warn' : 'ok';
  return { tone, main, pending, conflicts, errorCode: null };
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** Translates a Text (or passes a plain string through) with `tr`, nested parameters first. */
export function textOf(text: Text | string, tr: Translate): string {
  if (typeof text === 'string') return text;
  if (!text.params) return tr(text.key);
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(text.params)) {
    params[name] = typeof value === 'object' ? textOf(value, tr) : value;
  }
  return tr(text.key, params);
}

/** The default name of this computer at enrolment: `Mario Rossi (MR)`. */
export function defaultDeviceName(setup: SetupStatus | null): string {
  const name = setup?.technician?.name ?? '';
  const code = setup?.device_code ?? setup?.technician?.code ?? '';
  if (name && code) return `${name} (${code})`;
  return name || code;
}

/** The message of a sync that finished: how much went each way, and new conflicts. */
export function doneText(report: { pushed: number; pulled: number; new_conflicts: number; snapshot_rows: number }): Text {
  const pulled = report.pulled + report.snapshot_rows;
  if (report.new_conflicts > 0) {
    return { key: 'sync.doneConflicts', params: { pushed: report.pushed, pulled, conflicts: report.new_conflicts } };
  }
  return { key: 'sync.done', params: { pushed: report.pushed, pulled } };
}

/** Whether a sync brought data that the screens show (then they reload). */
export function changedData(report: { pulled: number; snapshot_rows: number; new_conflicts: number } | null): boolean {
  return report !== null && report.pulled + report.snapshot_rows + report.new_conflicts > 0;
}

/** The name of a record's kind (`Cliente`), or the raw name for a kind we do not know. */
export function entityLabel(entity: string): Text | string {
  const key = `conflicts.entity.${entity}`;
  return has(key) ? { key } : entity;
}

/** The name of a field (`Partita IVA`), or the raw column name. */
export function fieldLabel(field: string): Text | string {
  // `*`: the whole record (a delete, a refused insert).
  const key = `conflicts.field.${field === '*' ? 'row' : field}`;
  if (has(key)) return { key };
  // Else the forms' name for the column (`field.*`: severity, origin, status, mode and outcome
  // are named there by the model's generated labels).
  const form = `field.${field}`;
  return has(form) ? { key: form } : field;
}

export function reasonLabel(reason: Conflict['reason']): Text {
  return { key: `conflicts.reason.${reason}` as MessageKey };
}

/** A conflict's value in words: text as is, yes/no, numbers, a ticket status by name, dates in
 * Italian; `(vuoto)` for nothing; anything else as compact JSON. */
export function valueText(value: unknown, field: string): Text | string {
  if (value === null || value === undefined || value === '') return { key: 'conflicts.empty.value' };
  if (typeof value === 'boolean') return { key: value ? 'app.yes' : 'app.no' };
  if (typeof value === 'number') {
    if ((field === 'urgent' || field === 'archived') && (value === 0 || value === 1)) {
      return { key: value === 1 ? 'app.yes' : 'app.no' };
    }
    return formatNumber(value);
  }
  if (typeof value === 'string') {
    if (field === 'status' && has(`status.${value}`)) return { key: `status.${value}` as MessageKey };
    if (field === 'origin' && has(`origin.${value}`)) return { key: `origin.${value}` as MessageKey };
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return formatDateTime(value);
    return value;
  }
  return JSON.stringify(value);
}

/** Where a conflict's record is shown, when it has a page of its own. */
export function conflictRoute(c: Pick<Conflict, 'entity' | 'entity_id'>): Route | null {
  switch (c.entity) {
    case 'client':
      return { name: 'client', id: c.entity_id };
    case 'ticket':
      return { name: 'ticket', id: c.entity_id };
    case 'intervention':
      return { name: 'intervention', id: c.entity_id };
    case 'report':
      return { name: 'report', id: c.entity_id };
    default:
      return null;
  }
}

/** How a resolved conflict was settled. */
export function resolvedText(c: Pick<Conflict, 'resolved_at' | 'resolution'>): Text | null {
  if (!c.resolved_at) return null;
  const when = formatDateTime(c.resolved_at);
  if (c.resolution === 'keep_current') return { key: 'conflicts.resolvedKeep', params: { when } };
  if (c.resolution === 'restore_lost') return { key: 'conflicts.resolvedRestore', params: { when } };
  return { key: 'conflicts.resolvedOther', params: { when } };
}

/** The clock skew worth telling the user about (over a minute), in whole seconds. */
export function skewSeconds(s: SyncStatus): number | null {
  if (s.clock_skew_ms === null || Math.abs(s.clock_skew_ms) < 60_000) return null;
  return Math.round(Math.abs(s.clock_skew_ms) / 1000);
}

/** A quarantined row in words: its kind, what it is (its label, else its id) and what the hub
 * sent (a new record, a change, a deletion). */
export function quarantineRecord(q: Pick<QuarantinedRow, 'entity' | 'entity_id' | 'label' | 'op'>): {
  kind: Text | string;
  what: string;
  op: Text;
} {
  return { kind: entityLabel(q.entity), what: q.label ?? q.entity_id, op: { key: `quarantine.op.${q.op}` } };
}

/** Why a row could not be stored, in words, from SQLite's message (kept beside it for support). */
export function quarantineReason(error: string): Text {
  if (error.includes('NOT NULL constraint failed')) return { key: 'quarantine.why.missing' };
  if (error.includes('UNIQUE constraint failed')) return { key: 'quarantine.why.duplicate' };
  if (error.includes('cannot store')) return { key: 'quarantine.why.type' };
  if (error.includes('CHECK constraint failed')) return { key: 'quarantine.why.notAllowed' };
  return { key: 'quarantine.why.other' };
}
