import { describe, expect, it } from 'vitest';

import type { BalanceAlert } from '../bindings/BalanceAlert';
import { alertBadges, leftText, moreCount, usedPercent } from './dashboard';

function alert(over: Partial<BalanceAlert['balance']>, low: boolean, expiring: boolean): BalanceAlert {
  return {
    client_id: 'c',
    client_name: 'Farmacia Centrale',
    low,
    expiring,
    balance: {
      contract_id: 'k',
      name: 'Pacchetto 10 ore',
      kind: 'hour_package',
      starts_on: '2026-01-01',
      ends_on: '2026-12-31',
      period_start: '2026-01-01',
      period_end: '2026-12-31',
      status: 'active',
      included_minutes: 600,
      used_minutes: 525,
      remaining_minutes: 75,
      forfeited_minutes: 0,
      incident_tickets: null,
      incident_used: 0,
      incident_left: null,
      days_to_expiry: 12,
      ...over,
    },
  };
}

describe('dashboard', () => {
  it('words low and expiring balances', () => {
    expect(alertBadges(alert({}, true, false))).toEqual([{ key: 'dashboard.low', tone: 'danger' }]);
    expect(alertBadges(alert({}, false, true))).toEqual([{ key: 'dashboard.expiring', params: { days: 12 }, tone: 'warn' }]);
    expect(alertBadges(alert({ days_to_expiry: 0 }, false, true))).toEqual([{ key: 'dashboard.expiringToday', tone: 'warn' }]);
    expect(alertBadges(alert({}, true, true))).toHaveLength(2);
  });

  it('shows hours left, or incident tickets left', () => {
    const n = (c: number) => `${c} ticket`;
    expect(leftText(alert({}, true, false), n)).toBe('1 h 15 min');
    expect(leftText(alert({ remaining_minutes: null, incident_left: 1 }, true, false), n)).toBe('1 ticket');
    expect(leftText(alert({ remaining_minutes: null }, false, true), n)).toBe('—');
  });

  it('measures the share used and what a list leaves out', () => {
    expect(usedPercent(alert({}, true, false))).toBe(88);
    expect(usedPercent(alert({ included_minutes: null }, true, false))).toBeNull();
    expect(usedPercent(alert({ used_minutes: 900 }, true, false))).toBe(100);
    expect(moreCount(120, 50)).toBe(70);
    expect(moreCount(3, 50)).toBe(0);
  });
});
