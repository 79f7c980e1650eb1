// Input handling for the ticket form, the ticket page's status moves and the intervention page's
// time entries. Only parsing of what the user types and keyboard plumbing
// live here: every business rule (which moves exist, limits, required reasons) is core's.

import type { PartyKind } from '../bindings/PartyKind';
import type { WaitingParty } from '../bindings/WaitingParty';
import type { AppError } from './errors';
import { isSubmitCombo } from './shortcuts';

/**
 * A listbox (the client picker's suggestions) driven from its text field: arrows move the active
 * option (clamped, no wrap), Enter picks it. `handled` says whether the key was the list's, so the
 * caller prevents the default (Enter must not submit the form while a suggestion is there).
 */
export function listboxKey(
  key: string,
  active: number,
  count: number,
): { active: number; pick: boolean; handled: boolean } {
  if (count === 0) return { active: 0, pick: false, handled: false };
  if (key === 'ArrowDown') return { active: Math.min(active + 1, count - 1), pick: false, handled: true };
  if (key === 'ArrowUp') return { active: Math.max(active - 1, 0), pick: false, handled: true };
  if (key === 'Home') return { active: 0, pick: false, handled: true };
  if (key === 'End') return { active: count - 1, pick: false, handled: true };
  if (key === 'Enter') return { active, pick: active >= 0 && active < count, handled: true };
  return { active, pick: false, handled: false };
}

/**
 * The estimated resolution as core reads it (`dd/mm/yyyy HH:MM`, shop time). Both fields empty →
 * no estimate. A date alone is sent as typed: core answers with a clear error on the field.
 */
export function estimateInput(date: string, time: string): string | undefined {
  const d = date.trim();
  const t = time.trim().replace('.', ':');
  if (!d && !t) return undefined;
  return `${d} ${t}`.trim();
}

/**
 * Who a move to "waiting for a third party" names, as typed: sent only when the step asks for it
 * (`asks_party`); a blank name goes to core as it is and comes back as a clear error on `party`.
 */
export function partyInput(asks: boolean, kind: PartyKind, name: string): WaitingParty | undefined {
  return asks ? { kind, name: name.trim() } : undefined;
}

/** The party kinds in the order the dialog offers them. */
export const PARTY_KINDS: PartyKind[] = ['carrier', 'vendor', 'provider', 'other'];

/** A whole number of minutes, optionally signed (`-30`, `+15`, `45`). Empty → `null`; else `undefined`. */
export function parseMinutesInt(text: string, signed = false): number | null | undefined {
  const s = text.replace(/\s/g, '').replace('−', '-');
  if (!s) return null;
  const re = signed ? /^[+-]?\d+$/ : /^\d+$/;
  if (!re.test(s)) return undefined;
  return Number(s);
}

/** An input error on one field, shaped like core's so it shows next to that field. */
export function formatError(field: string, message: string): AppError {
  return { code: 'INVALID_FORMAT', message, field };
}

/**
 * `use:formKeys`: Ctrl+Enter submits the form from any of its fields; Escape calls `onescape`
 * (an action rather than a listener on the form, which is not an interactive element).
 */
export function formKeys(node: HTMLFormElement, opts: { onescape?: () => void } = {}) {
  let current = opts;
  const handler = (e: KeyboardEvent) => {
    if (isSubmitCombo(e)) {
      e.preventDefault();
      node.requestSubmit();
    } else if (e.key === 'Escape' && current.onescape) {
      current.onescape();
    }
  };
  node.addEventListener('keydown', handler);
  return {
    update(next: { onescape?: () => void } = {}) {
      current = next;
    },
    destroy() {
      node.removeEventListener('keydown', handler);
    },
  };
}

type EntryLike = { id: string; kind: string; corrects_id: string | null };

/**
 * What later entries say about each entry: voided (a `void` points at it) and approved (an
 * `approval` does). Core counts the time; this is only for showing the rows.
 */
export function entryMarks(entries: EntryLike[]): Map<string, { voided: boolean; approved: boolean }> {
  const marks = new Map<string, { voided: boolean; approved: boolean }>();
  for (const e of entries) marks.set(e.id, { voided: false, approved: false });
  for (const e of entries) {
    if (!e.corrects_id) continue;
    const m = marks.get(e.corrects_id);
    if (!m) continue;
    if (e.kind === 'void') m.voided = true;
    if (e.kind === 'approval') m.approved = true;
  }
  return marks;
}
