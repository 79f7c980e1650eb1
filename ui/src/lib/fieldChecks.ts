// Fields checked as the user types (client form: P.IVA, codice fiscale…). The rule lives in core;
// this only debounces the calls, drops stale answers and remembers each field's latest verdict.

import type { AppError } from './errors';

/** Core's check of one field: resolves when the value is valid, rejects with the field's error. */
export type Check = (field: string, value: string) => Promise<unknown>;

export interface FieldChecks {
  /** Schedules a check of `field` once typing pauses for `ms`. */
  typed(field: string, value: string): void;
  /** Checks every field now (before saving), waiting for the answers; true when all are valid. */
  flush(values: Record<string, string>): Promise<boolean>;
  /** Current errors by field (only fields found invalid). */
  readonly errors: Record<string, AppError>;
  /** Fields with a check not answered yet. */
  readonly pending: Set<string>;
}

/**
 * `onchange` runs after each verdict (the component copies `errors` into its state).
 */
export function fieldChecks(check: Check, onchange: () => void, ms = 300): FieldChecks {
  const errors: Record<string, AppError> = {};
  const pending = new Set<string>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const seq = new Map<string, number>();

  async function run(field: string, value: string): Promise<boolean> {
    const mine = (seq.get(field) ?? 0) + 1;
    seq.set(field, mine);
    pending.add(field);
    let ok = true;
    try {
      await check(field, value);
      if (seq.get(field) === mine) delete errors[field];
    } catch (e) {
      ok = false;
      if (seq.get(field) === mine) errors[field] = e as AppError;
    }
    if (seq.get(field) === mine) {
      pending.delete(field);
      onchange();
    }
    return ok;
  }

  return {
    typed(field, value) {
      const old = timers.get(field);
      if (old !== undefined) clearTimeout(old);
      // An answer about an older value is ignored once the user has typed again.
      seq.set(field, (seq.get(field) ?? 0) + 1);
      pending.add(field);
      timers.set(
        field,
        setTimeout(() => {
          timers.delete(field);
          void run(field, value);
        }, ms),
      );
    },
    async flush(values) {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      const results = await Promise.all(Object.entries(values).map(([f, v]) => run(f, v)));
      return results.every(Boolean);
    },
    errors,
    pending,
  };
}
