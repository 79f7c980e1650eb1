import { describe, expect, it } from 'vitest';

import type { Intervention } from '../bindings/Intervention';
import { changedFields, formOf, patchOf } from './interventionEdits';

const saved = formOf({
  work_done: 'Sostituito il disco',
  outcome: null,
  outcome_reason: null,
  travel_km: 12,
  travel_minutes: 20,
} as unknown as Intervention);

describe('the resoconto form against what is saved', () => {
  it('reads a saved intervention the Italian way', () => {
    expect(saved).toEqual({ workDone: 'Sostituito il disco', outcome: '', outcomeReason: '', travelKm: '12', travelMinutes: '20' });
  });

  it('finds nothing pending when only spaces or the number format differ', () => {
    expect(changedFields({ ...saved, workDone: 'Sostituito il disco  ', travelKm: '12,0' }, saved)).toEqual([]);
  });

  it('names the fields typed and not saved (the trap: work done typed, straight to signing)', () => {
    const typed = { ...saved, workDone: 'Sostituito il disco; backup verificato', travelMinutes: '25' };
    expect(changedFields(typed, saved)).toEqual(['workDone', 'travelMinutes']);
    expect(patchOf(typed, saved)).toEqual({ patch: { work_done: 'Sostituito il disco; backup verificato', travel_minutes: 25 } });
  });

  it('saves everything with the Save button, and the reason only with an outside cause', () => {
    const form = { ...saved, outcome: 'out_of_contract' as const, outcomeReason: 'UPS del fornitore' };
    expect(patchOf(form)).toEqual({
      patch: { work_done: 'Sostituito il disco', outcome: 'out_of_contract', outcome_reason: 'UPS del fornitore', travel_km: 12, travel_minutes: 20 },
    });
    expect(patchOf({ ...saved, outcome: 'resolved', outcomeReason: 'x' }, saved)).toEqual({ patch: { outcome: 'resolved' } });
  });

  it('refuses an unreadable travel figure, naming the field', () => {
    const r = patchOf({ ...saved, travelKm: '12 km' }, saved);
    expect('error' in r && r.error.field).toBe('travel_km');
    const m = patchOf({ ...saved, travelMinutes: '1,5' });
    expect('error' in m && m.error.field).toBe('travel_minutes');
  });
});
