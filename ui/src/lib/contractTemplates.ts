// Contract templates in the UI: a template is edited with the contract form's state (dates replaced
// by a duration in months) and fills a new contract's form. Only the mapping lives here: every rule
// is the contract's, checked by core, and the end date a template gives is core's too
// (api.contractTemplateEnd).

import type { Contract } from '../bindings/Contract';
import type { ContractTemplate } from '../bindings/ContractTemplate';
import type { ContractTemplateInput } from '../bindings/ContractTemplateInput';
import { emptyForm, formFromContract, toInput, type ContractForm } from './contractForm';
import type { AppError } from './errors';

/** `YYYY-MM-DD` of a local date. */
export function isoDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The template as a contract (no client) from `startIso` to `endIso`: what the contract form reads. */
function asContract(t: ContractTemplate, startIso: string, endIso: string): Contract {
  return {
    ...t,
    id: '',
    client_id: '',
    starts_on: startIso,
    ends_on: endIso,
    has_extra_time_pin: false,
    external_id: null,
    opening_used_minutes: 0,
    opening_used_tickets: 0,
  } as Contract;
}

/** A new contract's form filled from a template: from `startIso` (today) to `endIso`, the end core
 *  gives for the template's duration (api.contractTemplateEnd). */
export function formFromTemplate(t: ContractTemplate, startIso: string, endIso: string): ContractForm {
  return formFromContract(asContract(t, startIso, endIso));
}

export type TemplateForm = { form: ContractForm; duration: string };

export function emptyTemplateForm(): TemplateForm {
  return { form: emptyForm('sla', ''), duration: '12' };
}

/** An existing template in the template editor (its dates are not shown). */
export function templateFormFrom(t: ContractTemplate): TemplateForm {
  const form = formFromContract(asContract(t, '2026-01-01', '2026-12-31'));
  form.starts_on = '';
  form.ends_on = '';
  return { form, duration: String(t.duration_months) };
}

/** The editor → core's input, or the field whose text is not a number. */
export function templateInput(tf: TemplateForm): { input: ContractTemplateInput } | { error: AppError } {
  const d = tf.duration.trim();
  if (!/^\d+$/.test(d)) {
    return { error: { code: 'INVALID_FORMAT', message: 'duration_months: not a number', field: 'duration_months' } };
  }
  const built = toInput(tf.form, '');
  if ('error' in built) return built;
  const { client_id: _c, starts_on: _s, ends_on: _e, extra_time_pin: _p, name, ...terms } = built.input;
  return { input: { ...terms, name: name ?? '', duration_months: Number(d) } };
}
