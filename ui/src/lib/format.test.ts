import { describe, expect, it } from 'vitest';

import {
  formatNumber,
  formatClock,
  formatDate,
  formatDateTime,
  formatDay,
  formatHours,
  formatMoney,
  formatMonthDay,
  todayInput,
} from './format';

describe('formatDateTime (Europe/Rome, dd/mm/yyyy HH:MM)', () => {
  it('winter is UTC+1', () => {
    expect(formatDateTime('2026-01-15T09:00:00Z')).toBe('15/01/2026 10:00');
  });
  it('summer is UTC+2', () => {
    expect(formatDateTime('2026-07-15T08:05:00Z')).toBe('15/07/2026 10:05');
  });
  it('late evening UTC is already the next day in Rome', () => {
    expect(formatDateTime('2025-12-31T23:30:00Z')).toBe('01/01/2026 00:30');
    expect(formatDate('2025-12-31T23:30:00Z')).toBe('01/01/2026');
  });
  it('midnight shows as 00, not 24', () => {
    expect(formatDateTime('2026-03-01T23:00:00Z')).toBe('02/03/2026 00:00');
  });
  it('missing or invalid input gives an empty string', () => {
    expect(formatDateTime(null)).toBe('');
    expect(formatDateTime(undefined)).toBe('');
    expect(formatDateTime('domani')).toBe('');
  });
});

describe('formatMoney (1.234,50 €)', () => {
  it('groups thousands with dots and uses a decimal comma', () => {
    expect(formatMoney(123450)).toBe('1.234,50\u00a0€');
    expect(formatMoney(123456789)).toBe('1.234.567,89\u00a0€');
  });
  it('small and negative amounts', () => {
    expect(formatMoney(0)).toBe('0,00\u00a0€');
    expect(formatMoney(5)).toBe('0,05\u00a0€');
    expect(formatMoney(99999)).toBe('999,99\u00a0€');
    expect(formatMoney(-150000)).toBe('-1.500,00\u00a0€');
  });
});

describe('durations', () => {
  it('formatClock pads and lets hours pass 24', () => {
    expect(formatClock(0)).toBe('00:00:00');
    expect(formatClock(751)).toBe('00:12:31');
    expect(formatClock(90_061)).toBe('25:01:01');
    expect(formatClock(-5)).toBe('00:00:00');
  });
  it('formatHours: a started minute counts, as in the charges', () => {
    expect(formatHours(0)).toBe('0 min');
    expect(formatHours(59)).toBe('1 min');
    expect(formatHours(61)).toBe('2 min');
    expect(formatHours(45 * 60)).toBe('45 min');
    expect(formatHours(2 * 3600 + 5 * 60)).toBe('2 h 05 min');
  });
});

describe('plain dates', () => {
  it('formatDay is a reordering, never shifted by a zone', () => {
    expect(formatDay('2026-03-15')).toBe('15/03/2026');
    expect(formatDay('2026-01-01')).toBe('01/01/2026');
    expect(formatDay(null)).toBe('');
    expect(formatDay('15/03/2026')).toBe('15/03/2026');
  });
  it('todayInput is the Rome date', () => {
    expect(todayInput(new Date('2025-12-31T23:30:00Z'))).toBe('01/01/2026');
  });
  it('formatMonthDay', () => {
    expect(formatMonthDay('12-07')).toBe('07/12');
    expect(formatMonthDay(null)).toBe('');
  });
});

describe('formatNumber (1.234,5)', () => {
  it('groups thousands with dots and uses a decimal comma', () => {
    expect(formatNumber(1234.5)).toBe('1.234,5');
    expect(formatNumber(1234567.891)).toBe('1.234.567,89');
    expect(formatNumber(2)).toBe('2');
    expect(formatNumber(0.25, 1)).toBe('0,3');
    expect(formatNumber(-1500.5)).toBe('-1.500,5');
    expect(formatNumber(-0.001)).toBe('0');
  });
});
