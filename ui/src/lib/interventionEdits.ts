// The intervention page's "resoconto" form (work done, outcome, travel) as typed, compared with
// what is saved: what "Termina e firma" must save first, and what the report page warns about
// when the technician reaches it with edits still unsaved (from the form's draft).

import type { Intervention } from '../bindings/Intervention';
import type { InterventionPatch } from '../bindings/InterventionPatch';
import type { Outcome } from '../bindings/Outcome';
import type { AppError } from './errors';
import { parseTravel } from './quantity';

export type InterventionForm = {
  workDone: string;
  outcome: Outcome | '';
  outcomeReason: string;
  travelKm: string;
  travelMinutes: string;
};

/** The form as it shows a saved intervention. */
export function formOf(i: Intervention): InterventionForm {
  return {
    workDone: i.work_done ?? '',
    outcome: i.outcome ?? '',
    outcomeReason: i.outcome_reason ?? '',
    travelKm: i.travel_km === null ? '' : String(i.travel_km).replace('.', ','),
    travelMinutes: i.travel_minutes === null ? '' : String(i.travel_minutes),
  };
}

/** The form's field ids, for the messages that name an unsaved field. */
export const FORM_FIELDS: Record<keyof InterventionForm, string> = {
  workDone: 'work_done',
  outcome: 'outcome',
  outcomeReason: 'outcome_reason',
  travelKm: 'travel_km',
  travelMinutes: 'travel_minutes',
};

const same = (a: string, b: string) => a.trim() === b.trim();

/** The fields typed differently from what is saved (travel compared as numbers: "12" = "12,0"). */
export function changedFields(form: InterventionForm, saved: InterventionForm): (keyof InterventionForm)[] {
  const out: (keyof InterventionForm)[] = [];
  if (!same(form.workDone, saved.workDone)) out.push('workDone');
  if (form.outcome !== saved.outcome) out.push('outcome');
  if (form.outcome === 'out_of_contract' && !same(form.outcomeReason, saved.outcomeReason)) out.push('outcomeReason');
  for (const [key, whole] of [['travelKm', false], ['travelMinutes', true]] as const) {
    const a = parseTravel(form[key], whole);
    const b = parseTravel(saved[key], whole);
    if (a === undefined ? !same(form[key], saved[key]) : a !== b) out.push(key);
  }
  return out;
}

/**
 * The patch that saves `form`: every field when `saved` is not given (the "Salva" button), only
 * the changed ones otherwise ("Termina e firma"). An unreadable travel figure is an error naming
 * its field, and nothing is sent.
 */
export function patchOf(
  form: InterventionForm,
  saved?: InterventionForm,
): { patch: InterventionPatch } | { error: AppError & { field: string } } {
  const km = parseTravel(form.travelKm, false);
  const minutes = parseTravel(form.travelMinutes, true);
  if (km === undefined || minutes === undefined) {
    const field = km === undefined ? 'travel_km' : 'travel_minutes';
    return { error: { code: 'INVALID_FORMAT', message: '', field } };
  }
  const only = saved ? new Set(changedFields(form, saved)) : null;
  const wanted = (k: keyof InterventionForm) => !only || only.has(k);
  const patch: InterventionPatch = {};
  if (wanted('workDone')) patch.work_done = form.workDone;
  if (wanted('outcome') && form.outcome) patch.outcome = form.outcome;
  if ((wanted('outcome') || wanted('outcomeReason')) && form.outcome === 'out_of_contract') {
    patch.outcome_reason = form.outcomeReason;
  }
  if (wanted('travelKm') && km !== null) patch.travel_km = km;
  if (wanted('travelMinutes') && minutes !== null) patch.travel_minutes = minutes;
  return { patch };
}
