import { describe, expect, it } from 'vitest';

import type { ContractHours } from '../bindings/ContractHours';
import { availablePath, type Bar, layout, monthLabel, niceMaxHours, ticks } from './hoursChart';

function contract(months: [string, number, number | null][]): ContractHours {
  return {
    contract_id: '0190c6d2-0000-7000-8000-000000000001',
    name: 'Pacchetto 12 ore',
    kind: 'hour_package',
    starts_on: '2026-01-10',
    ends_on: '2027-01-09',
    included_minutes: 720,
    months: months.map(([month, used, available]) => ({ month, used_minutes: used, available_minutes: available })),
  };
}

describe('hours chart', () => {
  it('labels months in Italian or English', () => {
    expect(monthLabel('2026-03')).toBe('mar 26');
    expect(monthLabel('2025-12', 'it', true)).toBe('dic 2025');
    expect(monthLabel('2026-05', 'en')).toBe('May 26');
  });

  it('rounds the axis up to nice hours', () => {
    expect(niceMaxHours(0)).toBe(1);
    expect(niceMaxHours(59)).toBe(1);
    expect(niceMaxHours(61)).toBe(2);
    expect(niceMaxHours(720)).toBe(20);
    expect(niceMaxHours(3 * 60)).toBe(5);
    expect(niceMaxHours(130 * 60)).toBe(200);
    expect(ticks(20)).toEqual([0, 5, 10, 15, 20]);
  });

  it('scales bars and the available line to the plot', () => {
    const l = layout(
      contract([
        ['2026-01', 0, null],
        ['2026-02', 300, 720],
        ['2026-03', 150, 570],
      ]),
      'it',
      340,
      224,
    );
    // 720 min = 12 h → axis 20 h; plot from y=10 to y=200.
    expect(l.maxHours).toBe(20);
    expect(l.plot).toEqual({ left: 40, top: 10, right: 332, bottom: 200 });
    const [jan, feb, mar] = l.bars as [Bar, Bar, Bar];
    expect(jan.height).toBe(0);
    expect(jan.availableY).toBeNull();
    expect(feb.height).toBeCloseTo((5 / 20) * 190);
    expect(mar.height).toBeCloseTo(feb.height / 2);
    expect(feb.availableY).toBeCloseTo(200 - (12 / 20) * 190);
    expect(feb.x).toBeLessThan(mar.x);
    expect(feb.label).toBe('feb 26');
    expect(l.hasAvailable).toBe(true);
    expect(l.ticks[4]).toEqual({ hours: 20, y: 10 });
    // The line starts where the contract does.
    expect(availablePath(l)).toMatch(/^M/);
    expect(availablePath(l).match(/M/g)).toHaveLength(1);
  });

  it('has no available line for time and materials', () => {
    const l = layout(contract([['2026-01', 90, null]]));
    expect(l.hasAvailable).toBe(false);
    expect(availablePath(l)).toBe('');
    expect(l.maxHours).toBe(2);
  });
});
