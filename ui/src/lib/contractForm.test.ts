import { describe, expect, it } from 'vitest';

import type { Contract } from '../bindings/Contract';
import { emptyForm, formFromContract, serviceChoices, serviceCode, toggled, toInput } from './contractForm';

const CLIENT = '0190a0b0-0000-7000-8000-000000000001';

function sla() {
  const f = emptyForm('sla', '01/01/2026');
  f.calendar_id = 'cal';
  f.targets.blocking = {
    response: { hours: '', minutes: '30' },
    intervention: { hours: '2', minutes: '' },
    resolution: { hours: '', minutes: '' },
  };
  f.included = { hours: '20', minutes: '' };
  f.extra_time_allowed = true;
  f.extra_time_pin = '4711';
  f.rates.overage_rate_cents = '45,00';
  f.rounding_minutes = '15';
  return f;
}

describe('contract form → input', () => {
  it('an SLA contract sends its calendar, targets, hours, extra time and overage rate', () => {
    const r = toInput(sla(), CLIENT);
    if (!('input' in r)) throw new Error('expected an input');
    expect(r.input).toMatchObject({
      client_id: CLIENT,
      kind: 'sla',
      starts_on: '01/01/2026',
      calendar_id: 'cal',
      included_minutes: 1200,
      extra_time_allowed: true,
      extra_time_pin: '4711',
      extra_time_multiplier_pct: 150,
      rates: { overage_rate_cents: 4500 },
      rounding_minutes: 15,
    });
    expect(r.input.targets.blocking).toEqual({ response_minutes: 30, intervention_minutes: 120 });
    expect(r.input.targets.degraded).toEqual({ response_minutes: undefined, intervention_minutes: undefined });
    expect(r.input.ends_on).toBeUndefined();
    expect(r.input.name).toBeUndefined();
  });
  it('an SLA sends a resolution target and a severity on its own calendar', () => {
    const f = sla();
    f.targets.blocking.resolution = { hours: '8', minutes: '' };
    f.severity_calendars.blocking = 'cal7';
    const r = toInput(f, CLIENT);
    if (!('input' in r)) throw new Error('expected an input');
    expect(r.input.targets.blocking.resolution_minutes).toBe(480);
    expect(r.input.severity_calendars).toEqual({ blocking: 'cal7', degraded: undefined, request: undefined });
    f.targets.degraded.resolution = { hours: 'otto', minutes: '' };
    expect(toInput(f, CLIENT)).toMatchObject({ error: { field: 'targets' } });
  });
  it('a package sends its hours and mode, and nothing of an SLA', () => {
    const f = emptyForm('hour_package', '01/03/2026');
    f.package_mode = 'remote';
    f.calendar_id = 'ignored';
    f.severity_calendars.blocking = 'ignored';
    const r = toInput(f, CLIENT);
    if (!('input' in r)) throw new Error('expected an input');
    expect(r.input.included_minutes).toBe(24 * 60);
    expect(r.input.package_mode).toBe('remote');
    expect(r.input.calendar_id).toBeUndefined();
    expect(r.input.severity_calendars).toEqual({});
    f.package_hours = 'other';
    f.package_other = '7,5';
    const other = toInput(f, CLIENT);
    expect('input' in other && other.input.included_minutes).toBe(450);
  });
  it('time and materials sends its rates in cents', () => {
    const f = emptyForm('time_materials', '01/01/2026');
    f.rates.on_site_rate_cents = '55';
    f.rates.km_rate_cents = '0,40';
    f.rates.overage_rate_cents = '99'; // not a T&M field: not sent
    const r = toInput(f, CLIENT);
    expect('input' in r && r.input.rates).toEqual({ on_site_rate_cents: 5500, km_rate_cents: 40 });
  });
  it('text that is not a number is refused on its field', () => {
    const f = sla();
    f.rates.overage_rate_cents = 'tanti';
    expect(toInput(f, CLIENT)).toEqual({
      error: { code: 'INVALID_FORMAT', message: 'overage_rate_cents: not a number', field: 'overage_rate_cents' },
    });
    const g = sla();
    g.targets.request.intervention = { hours: 'x', minutes: '' };
    expect('error' in toInput(g, CLIENT) && toInput(g, CLIENT)).toMatchObject({ error: { field: 'targets' } });
    const p = emptyForm('incident_pack', '01/01/2026');
    p.incident_tickets = '-3';
    expect(toInput(p, CLIENT)).toMatchObject({ error: { field: 'incident_tickets' } });
  });
});

describe('contract → form', () => {
  it('round-trips an SLA contract (the PIN is never shown)', () => {
    const c: Contract = {
      id: 'c1',
      client_id: CLIENT,
      kind: 'sla',
      name: 'Assistenza SLA',
      starts_on: '2026-01-01',
      ends_on: '2026-12-31',
      calendar_id: 'cal',
      targets: { blocking: { response_minutes: 30, intervention_minutes: 120, resolution_minutes: 480 }, degraded: {}, request: {} },
      severity_calendars: { blocking: 'cal7' },
      included_minutes: 1200,
      package_mode: null,
      incident_tickets: null,
      customer_class: null,
      channels: [],
      services: [],
      extra_time_allowed: true,
      has_extra_time_pin: true,
      extra_time_multiplier_pct: 150,
      rates: { overage_rate_cents: 4500 },
      rounding_minutes: 15,
      minimum_minutes: 30,
      notes: null,
      free_hours_channels: [],
      archived: false,
      created_at: '',
      updated_at: '',
      external_id: null,
      opening_used_minutes: 0,
      opening_used_tickets: 0,
    };
    const f = formFromContract(c);
    expect(f.starts_on).toBe('01/01/2026');
    expect(f.rates.overage_rate_cents).toBe('45,00');
    expect(f.extra_time_pin).toBe('');
    const r = toInput(f, CLIENT);
    if (!('input' in r)) throw new Error('expected an input');
    expect(r.input).toMatchObject({
      name: 'Assistenza SLA',
      ends_on: '31/12/2026',
      included_minutes: 1200,
      extra_time_pin: undefined,
      minimum_minutes: 30,
    });
    expect(r.input.targets.blocking).toEqual({ response_minutes: 30, intervention_minutes: 120, resolution_minutes: 480 });
    expect(r.input.severity_calendars).toEqual({ blocking: 'cal7', degraded: undefined, request: undefined });
  });
  it('priority on demand and channel-bound free hours round-trip; channels only on free hours', () => {
    const c = {
      ...({} as Contract),
      id: 'c3',
      client_id: CLIENT,
      kind: 'free_hours',
      name: 'Ore gratuite',
      starts_on: '2026-01-01',
      ends_on: '2026-12-31',
      targets: { blocking: {}, degraded: {}, request: {} },
      included_minutes: 300,
      channels: [],
      services: [],
      extra_time_allowed: false,
      extra_time_multiplier_pct: 100,
      rates: {},
      rounding_minutes: 15,
      minimum_minutes: 30,
      priority_fee_cents: 2500,
      priority_surcharge_pct: 20,
      free_hours_channels: ['email'],
    } as Contract;
    const f = formFromContract(c);
    expect([f.priority_fee, f.priority_pct, f.free_hours_channels]).toEqual(['25,00', '20', ['email']]);
    const r = toInput(f, CLIENT);
    if (!('input' in r)) throw new Error('expected an input');
    expect(r.input).toMatchObject({ priority_fee_cents: 2500, priority_surcharge_pct: 20, free_hours_channels: ['email'] });
    const other = toInput({ ...f, kind: 'time_materials' }, CLIENT);
    if (!('input' in other)) throw new Error('expected an input');
    expect(other.input.free_hours_channels).toEqual([]);
    expect(toInput({ ...f, priority_pct: 'venti' }, CLIENT)).toEqual({
      error: { code: 'INVALID_FORMAT', message: 'priority_surcharge_pct: not a number', field: 'priority_surcharge_pct' },
    });
  });
  it('an edit keeps the channels and services (saving used to empty them)', () => {
    const c = {
      ...({} as Contract),
      id: 'c2',
      client_id: CLIENT,
      kind: 'free_hours',
      name: 'Ore gratuite',
      starts_on: '2026-01-01',
      ends_on: '2026-12-31',
      targets: { blocking: {}, degraded: {}, request: {} },
      included_minutes: 600,
      channels: ['email'],
      services: ['helpdesk', 'custom_backup'],
      extra_time_allowed: false,
      extra_time_multiplier_pct: 150,
      rates: {},
      rounding_minutes: 0,
      minimum_minutes: 0,
    } as Contract;
    const r = toInput(formFromContract(c), CLIENT);
    if (!('input' in r)) throw new Error('expected an input');
    expect(r.input.channels).toEqual(['email']);
    expect(r.input.services).toEqual(['helpdesk', 'custom_backup']);

    // Edited in the form: a channel ticked, one unticked, a custom service code added.
    const f = formFromContract(c);
    f.channels = toggled(toggled(f.channels, 'phone', true), 'email', false);
    f.services = toggled(f.services, serviceCode(' Backup notturno '), true);
    const edited = toInput(f, CLIENT);
    if (!('input' in edited)) throw new Error('expected an input');
    expect(edited.input.channels).toEqual(['phone']);
    expect(edited.input.services).toEqual(['helpdesk', 'custom_backup', 'backup_notturno']);
  });
  it('service choices: the known ones first, then the contract\'s own, each once', () => {
    expect(serviceChoices(['remote', 'on_site'], ['on_site', 'backup'])).toEqual(['remote', 'on_site', 'backup']);
    expect(toggled(['a', 'b'], 'a', true)).toEqual(['b', 'a']);
    expect(serviceCode('Aggiorna-Server 2')).toBe('aggiorna_server_2');
  });
  it('a package of unusual size shows as "other"', () => {
    const base = formFromContract({
      ...({} as Contract),
      kind: 'hour_package',
      name: 'P',
      starts_on: '2026-01-01',
      ends_on: '2026-12-31',
      targets: { blocking: {}, degraded: {}, request: {} },
      included_minutes: 450,
      rates: {},
      extra_time_multiplier_pct: 100,
      rounding_minutes: 1,
      minimum_minutes: 0,
      extra_time_allowed: false,
    });
    expect(base.package_hours).toBe('other');
    expect(base.package_other).toBe('7,5');
  });
});
