import { describe, expect, it } from 'vitest';

import type { ContractTemplate } from '../bindings/ContractTemplate';
import { toInput } from './contractForm';
import { emptyTemplateForm, formFromTemplate, isoDay, templateFormFrom, templateInput } from './contractTemplates';

const TEMPLATE: ContractTemplate = {
  id: 't1',
  name: 'SLA Oro 5x8',
  kind: 'sla',
  duration_months: 24,
  calendar_id: 'cal',
  targets: {
    blocking: { response_minutes: 60, intervention_minutes: 240 },
    degraded: {},
    request: {},
  },
  included_minutes: 1200,
  package_mode: null,
  incident_tickets: null,
  customer_class: null,
  channels: [],
  services: [],
  extra_time_allowed: true,
  extra_time_multiplier_pct: 150,
  rates: { overage_rate_cents: 5500, extra_rate_cents: 8000 },
  rounding_minutes: 15,
  minimum_minutes: 30,
  notes: 'Contratto standard',
  severity_calendars: {},
  free_hours_channels: [],
  archived: false,
  created_at: '',
  updated_at: '',
};

describe('isoDay', () => {
  it('is the local date as YYYY-MM-DD (the start core computes the end from)', () => {
    expect(isoDay(new Date(2026, 10, 2))).toBe('2026-11-02');
    expect(isoDay(new Date(2026, 0, 31))).toBe('2026-01-31');
  });
});

describe('template → contract form', () => {
  it('fills the terms, from the start to the end core gives', () => {
    const f = formFromTemplate(TEMPLATE, '2026-11-22', '2028-11-21');
    expect(f.kind).toBe('sla');
    expect(f.name).toBe('SLA Oro 5x8');
    expect(f.starts_on).toBe('22/11/2026');
    expect(f.ends_on).toBe('21/11/2028');
    expect(f.calendar_id).toBe('cal');
    expect(f.targets.blocking.response).toEqual({ hours: '1', minutes: '0' });
    expect(f.rates.overage_rate_cents).toBe('55,00');
    expect(f.rounding_minutes).toBe('15');
    expect(f.extra_time_allowed).toBe(true);
    expect(f.extra_time_pin).toBe('');
    // The filled form is a valid contract input for the client (the PIN is still to type).
    const built = toInput(f, 'client-1');
    expect('input' in built && built.input.rates).toEqual({ overage_rate_cents: 5500, extra_rate_cents: 8000 });
  });
});

describe('template editor ↔ input', () => {
  it('round-trips a template without client, dates or PIN', () => {
    const tf = templateFormFrom(TEMPLATE);
    tf.form.extra_time_pin = '4711';
    const out = templateInput(tf);
    expect('input' in out).toBe(true);
    if (!('input' in out)) return;
    expect(out.input.name).toBe('SLA Oro 5x8');
    expect(out.input.duration_months).toBe(24);
    expect(out.input.included_minutes).toBe(1200);
    expect(out.input.targets.blocking).toEqual({ response_minutes: 60, intervention_minutes: 240 });
    expect(Object.keys(out.input)).not.toContain('client_id');
    expect(Object.keys(out.input)).not.toContain('starts_on');
    expect(Object.keys(out.input)).not.toContain('extra_time_pin');
  });
  it('refuses a duration or a rate that is not a number, on its field', () => {
    const tf = emptyTemplateForm();
    tf.duration = 'un anno';
    expect(templateInput(tf)).toEqual({ error: expect.objectContaining({ field: 'duration_months' }) });
    tf.duration = '12';
    tf.form.rates.overage_rate_cents = 'abc';
    expect(templateInput(tf)).toEqual({ error: expect.objectContaining({ field: 'overage_rate_cents' }) });
  });
});
