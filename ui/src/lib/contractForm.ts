// The contract form's state (what the fields hold, as text) and its conversion to and from core's
// types. Values the user typed that are not numbers are refused here, on their field, with the
// code core would use; every business rule (periods, PINs, ranges) is checked by core.

import type { Contract } from '../bindings/Contract';
import type { ContractInput } from '../bindings/ContractInput';
import type { ContractKind } from '../bindings/ContractKind';
import type { PackageMode } from '../bindings/PackageMode';
import type { Rates } from '../bindings/Rates';
import type { Severity } from '../bindings/Severity';
import type { SlaTarget } from '../bindings/SlaTarget';
import { joinMinutes, splitMinutes, type HoursMinutes } from './duration';
import type { AppError } from './errors';
import { formatDay } from './format';
import { euroInput, parseEuro } from './money';

export const KINDS: readonly ContractKind[] = ['sla', 'hour_package', 'incident_pack', 'free_hours', 'time_materials'];
export const PACKAGE_HOURS = ['12', '24', '48', '96'] as const;
export const PACKAGE_MODES: readonly PackageMode[] = ['any', 'on_site', 'remote'];
export const RATE_FIELDS = [
  'overage_rate_cents',
  'on_site_rate_cents',
  'remote_rate_cents',
  'extra_rate_cents',
  'callout_fee_cents',
  'km_rate_cents',
] as const;
export type RateField = (typeof RATE_FIELDS)[number];

/** Which rates each kind asks for (the others are not sent). */
export const RATES_BY_KIND: Record<ContractKind, readonly RateField[]> = {
  sla: ['overage_rate_cents', 'extra_rate_cents'],
  hour_package: ['overage_rate_cents'],
  incident_pack: [],
  free_hours: [],
  time_materials: ['on_site_rate_cents', 'remote_rate_cents', 'callout_fee_cents', 'km_rate_cents'],
};

export type TargetFields = { response: HoursMinutes; intervention: HoursMinutes; resolution: HoursMinutes };

export type ContractForm = {
  kind: ContractKind;
  name: string;
  starts_on: string;
  ends_on: string;
  calendar_id: string;
  targets: Record<Severity, TargetFields>;
  /** A severity timed on its own calendar (id), '' for the contract's calendar. */
  severity_calendars: Record<Severity, string>;
  /** SLA: included per contract year; free hours: per year. */
  included: HoursMinutes;
  /** Hour package: one of PACKAGE_HOURS, or 'other' with `package_other` hours. */
  package_hours: string;
  package_other: string;
  package_mode: PackageMode;
  incident_tickets: string;
  customer_class: string;
  /** Channels and services the contract entitles to, kept as they are unless edited. */
  channels: string[];
  services: string[];
  extra_time_allowed: boolean;
  extra_time_pin: string;
  extra_time_multiplier_pct: string;
  rates: Record<RateField, string>;
  rounding_minutes: string;
  minimum_minutes: string;
  notes: string;
  /** Priority on demand: fixed fee per ticket (euro text) and percentage of the labour. */
  priority_fee: string;
  priority_pct: string;
  /** Free hours only: the channels whose tickets may use them (none: any). */
  free_hours_channels: string[];
};

const emptyTarget = (): TargetFields => ({
  response: splitMinutes(null),
  intervention: splitMinutes(null),
  resolution: splitMinutes(null),
});
const emptyTargets = (): Record<Severity, TargetFields> => ({
  blocking: emptyTarget(),
  degraded: emptyTarget(),
  request: emptyTarget(),
});

const emptyRates = (): Record<RateField, string> =>
  Object.fromEntries(RATE_FIELDS.map((f) => [f, ''])) as Record<RateField, string>;

export function emptyForm(kind: ContractKind, startsOn: string): ContractForm {
  return {
    kind,
    name: '',
    starts_on: startsOn,
    ends_on: '',
    calendar_id: '',
    targets: emptyTargets(),
    severity_calendars: { blocking: '', degraded: '', request: '' },
    included: splitMinutes(null),
    package_hours: '24',
    package_other: '',
    package_mode: 'any',
    incident_tickets: '10',
    customer_class: '',
    channels: [],
    services: [],
    extra_time_allowed: false,
    extra_time_pin: '',
    extra_time_multiplier_pct: '150',
    rates: emptyRates(),
    rounding_minutes: '',
    minimum_minutes: '',
    notes: '',
    priority_fee: '',
    priority_pct: '',
    free_hours_channels: [],
  };
}

const num = (v: number | null | undefined) => (v == null ? '' : String(v));

export function formFromContract(c: Contract): ContractForm {
  const target = (t: SlaTarget): TargetFields => ({
    response: splitMinutes(t.response_minutes),
    intervention: splitMinutes(t.intervention_minutes),
    resolution: splitMinutes(t.resolution_minutes),
  });
  const included = c.included_minutes ?? null;
  const packageHours = included != null && included % 60 === 0 ? String(included / 60) : '';
  const rates = emptyRates();
  for (const f of RATE_FIELDS) rates[f] = euroInput(c.rates[f]);
  return {
    kind: c.kind,
    name: c.name,
    starts_on: formatDay(c.starts_on),
    ends_on: formatDay(c.ends_on),
    calendar_id: c.calendar_id ?? '',
    targets: { blocking: target(c.targets.blocking), degraded: target(c.targets.degraded), request: target(c.targets.request) },
    severity_calendars: {
      blocking: c.severity_calendars?.blocking ?? '',
      degraded: c.severity_calendars?.degraded ?? '',
      request: c.severity_calendars?.request ?? '',
    },
    included: splitMinutes(included),
    package_hours: (PACKAGE_HOURS as readonly string[]).includes(packageHours) ? packageHours : 'other',
    package_other: included == null ? '' : String(Math.round((included / 60) * 100) / 100).replace('.', ','),
    package_mode: c.package_mode ?? 'any',
    incident_tickets: num(c.incident_tickets),
    customer_class: c.customer_class ?? '',
    channels: [...(c.channels ?? [])],
    services: [...(c.services ?? [])],
    extra_time_allowed: c.extra_time_allowed,
    extra_time_pin: '',
    extra_time_multiplier_pct: String(c.extra_time_multiplier_pct),
    rates,
    rounding_minutes: String(c.rounding_minutes),
    minimum_minutes: String(c.minimum_minutes),
    notes: c.notes ?? '',
    priority_fee: euroInput(c.priority_fee_cents),
    priority_pct: num(c.priority_surcharge_pct),
    free_hours_channels: [...(c.free_hours_channels ?? [])],
  };
}

class FieldError extends Error {
  constructor(readonly field: string) {
    super(`${field}: not a number`);
  }
}

function invalid(field: string): AppError {
  return { code: 'INVALID_FORMAT', message: `${field}: not a number`, field };
}

function minutesOf(field: string, f: HoursMinutes): number | undefined {
  const v = joinMinutes(f);
  if (v === undefined) throw new FieldError(field);
  return v ?? undefined;
}

function integer(field: string, text: string): number | undefined {
  const s = text.trim();
  if (!s) return undefined;
  if (!/^\d+$/.test(s)) throw new FieldError(field);
  return Number(s);
}

function hoursText(field: string, text: string): number | undefined {
  const s = text.trim().replace(',', '.');
  if (!s) return undefined;
  if (!/^\d+(\.\d+)?$/.test(s)) throw new FieldError(field);
  return Math.round(Number(s) * 60);
}

/** The form → core's input for `clientId`, or the field whose text is not a number. */
export function toInput(form: ContractForm, clientId: string): { input: ContractInput } | { error: AppError } {
  try {
    return { input: build(form, clientId) };
  } catch (e) {
    if (e instanceof FieldError) return { error: invalid(e.field) };
    throw e;
  }
}

function build(form: ContractForm, clientId: string): ContractInput {
  const k = form.kind;
  const rates: Rates = {};
  for (const f of RATES_BY_KIND[k]) {
    const cents = parseEuro(form.rates[f]);
    if (cents === undefined) throw new FieldError(f);
    if (cents !== null) rates[f] = cents;
  }
  const input: ContractInput = {
    client_id: clientId,
    kind: k,
    name: form.name.trim() || undefined,
    starts_on: form.starts_on.trim(),
    ends_on: form.ends_on.trim() || undefined,
    targets: { blocking: {}, degraded: {}, request: {} },
    channels: [...form.channels],
    services: [...form.services],
    extra_time_allowed: false,
    rates,
    rounding_minutes: integer('rounding_minutes', form.rounding_minutes),
    minimum_minutes: integer('minimum_minutes', form.minimum_minutes),
    notes: form.notes.trim() || undefined,
    severity_calendars: {},
    free_hours_channels: k === 'free_hours' ? [...form.free_hours_channels] : [],
  };
  const fee = parseEuro(form.priority_fee);
  if (fee === undefined) throw new FieldError('priority_fee_cents');
  if (fee !== null) input.priority_fee_cents = fee;
  input.priority_surcharge_pct = integer('priority_surcharge_pct', form.priority_pct);
  if (k === 'sla') {
    input.calendar_id = form.calendar_id || undefined;
    const target = (t: TargetFields): SlaTarget => ({
      response_minutes: minutesOf('targets', t.response),
      intervention_minutes: minutesOf('targets', t.intervention),
      resolution_minutes: minutesOf('targets', t.resolution),
    });
    input.targets = {
      blocking: target(form.targets.blocking),
      degraded: target(form.targets.degraded),
      request: target(form.targets.request),
    };
    input.severity_calendars = {
      blocking: form.severity_calendars.blocking || undefined,
      degraded: form.severity_calendars.degraded || undefined,
      request: form.severity_calendars.request || undefined,
    };
    input.included_minutes = minutesOf('included_minutes', form.included);
    input.extra_time_allowed = form.extra_time_allowed;
    if (form.extra_time_allowed) {
      input.extra_time_pin = form.extra_time_pin.trim() || undefined;
      input.extra_time_multiplier_pct = integer('extra_time_multiplier_pct', form.extra_time_multiplier_pct);
    }
  } else if (k === 'hour_package') {
    input.included_minutes =
      form.package_hours === 'other'
        ? hoursText('included_minutes', form.package_other)
        : hoursText('included_minutes', form.package_hours);
    input.package_mode = form.package_mode;
  } else if (k === 'incident_pack') {
    input.incident_tickets = integer('incident_tickets', form.incident_tickets);
  } else if (k === 'free_hours') {
    input.customer_class = form.customer_class || undefined;
    input.included_minutes = minutesOf('included_minutes', form.included);
  }
  return input;
}

/** The channels a contract may entitle to: the ticket origins and the forum (core checks them). */
export const CHANNELS = ['phone', 'email', 'web_form', 'chat', 'monitoring', 'on_site', 'other', 'forum'] as const;

/** `list` with `value` in it (`on`) or out of it, once, order kept. */
export function toggled(list: string[], value: string, on: boolean): string[] {
  const without = list.filter((x) => x !== value);
  return on ? [...without, value] : without;
}

/** A custom service code as core stores it (`Backup notturno` → `backup_notturno`); core refuses
 * what is still not lower-case letters, digits and `_`, on the services field. */
export function serviceCode(text: string): string {
  return text.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/** The services to show as checkboxes: the known ones, then the contract's own codes. */
export function serviceChoices(known: readonly string[], chosen: string[]): string[] {
  return [...known, ...chosen.filter((s) => !known.includes(s))];
}
