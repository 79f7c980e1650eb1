import { describe, expect, it } from 'vitest';

import {
  addInterval,
  copyDay,
  dayMinutes,
  dayOfMessage,
  exceptionDateToInput,
  exceptionsToRows,
  fromWeek,
  inputToExceptionDate,
  normalizeTime,
  removeInterval,
  rowsToExceptions,
  toWeek,
} from './windows';

const fiveByEight = [1, 2, 3, 4, 5].flatMap((weekday) => [
  { weekday, start: '08:30', end: '12:30' },
  { weekday, start: '14:00', end: '18:00' },
]);

describe('week ↔ windows', () => {
  it('groups by day, sorted, and back', () => {
    const week = toWeek([{ weekday: 1, start: '14:00', end: '18:00' }, ...fiveByEight.slice(0, 1)]);
    expect(week[0]).toEqual([
      { start: '08:30', end: '12:30' },
      { start: '14:00', end: '18:00' },
    ]);
    expect(week[6]).toEqual([]);
    expect(fromWeek(toWeek(fiveByEight))).toEqual(fiveByEight);
  });
  it('normalises typed times on the way out', () => {
    expect(fromWeek([[{ start: '8', end: '1230' }], [], [], [], [], [], []])).toEqual([
      { weekday: 1, start: '08:00', end: '12:30' },
    ]);
  });
});

describe('normalizeTime', () => {
  it('accepts the usual shorthands', () => {
    expect(normalizeTime('8')).toBe('08:00');
    expect(normalizeTime('8:30')).toBe('08:30');
    expect(normalizeTime('8.30')).toBe('08:30');
    expect(normalizeTime('830')).toBe('08:30');
    expect(normalizeTime('1800')).toBe('18:00');
    expect(normalizeTime('24')).toBe('24:00');
  });
  it('leaves nonsense for core to refuse', () => {
    expect(normalizeTime('mezzogiorno')).toBe('mezzogiorno');
    expect(normalizeTime('30')).toBe('30');
  });
});

describe('editing a day', () => {
  it('adds a morning to an empty day, then an afternoon', () => {
    let week = toWeek([]);
    week = addInterval(week, 5);
    expect(week[5]).toEqual([{ start: '08:30', end: '12:30' }]);
    week = addInterval(week, 5);
    expect(week[5]).toEqual([
      { start: '08:30', end: '12:30' },
      { start: '14:00', end: '18:00' },
    ]);
  });
  it('never proposes past midnight', () => {
    const week = addInterval(toWeek([{ weekday: 1, start: '20:00', end: '23:00' }]), 0);
    expect(week[0]?.[1]).toEqual({ start: '23:00', end: '24:00' });
  });
  it('removes one interval without touching the other days', () => {
    const week = removeInterval(toWeek(fiveByEight), 0, 0);
    expect(week[0]).toEqual([{ start: '14:00', end: '18:00' }]);
    expect(week[1]).toHaveLength(2);
  });
  it('copies a day onto others (copies, not shared objects)', () => {
    const week = copyDay(toWeek([{ weekday: 1, start: '09:00', end: '13:00' }]), 0, [1, 2, 5]);
    expect(week[5]).toEqual([{ start: '09:00', end: '13:00' }]);
    expect(week[3]).toEqual([]);
    expect(week[5]?.[0]).not.toBe(week[0]?.[0]);
  });
  it('counts the open minutes of a day', () => {
    expect(dayMinutes(toWeek(fiveByEight)[0] ?? [])).toBe(480);
    expect(dayMinutes([{ start: '12:00', end: '08:00' }])).toBe(0);
    expect(dayMinutes([{ start: '00:00', end: '24:00' }])).toBe(1440);
  });
});

describe('core messages and exception dates', () => {
  it('finds the day a calendar error names', () => {
    expect(dayOfMessage('Wednesday: 08:00–12:00 overlaps 11:00–13:00')).toBe(2);
    expect(dayOfMessage('window 3 (Sunday): end 08:00 is not after start 09:00')).toBe(6);
    expect(dayOfMessage('the calendar has no opening window')).toBeNull();
  });
  it('shows dates the Italian way and sends them the core way', () => {
    expect(exceptionDateToInput('2026-12-07')).toBe('07/12/2026');
    expect(exceptionDateToInput('12-07')).toBe('07/12');
    expect(inputToExceptionDate('7/12/2026')).toBe('2026-12-07');
    expect(inputToExceptionDate('07/12')).toBe('12-07');
    expect(inputToExceptionDate('24.6')).toBe('06-24');
    expect(inputToExceptionDate('domani')).toBe('domani');
  });
});

describe('exception rows', () => {
  it('round-trip core exceptions through the form', () => {
    const list = [
      { date: '12-07', open: false, note: 'Sant’Ambrogio' },
      { date: '2026-12-20', open: true, start: '09:00', end: '12:00' },
    ];
    const rows = exceptionsToRows(list);
    expect(rows[0]).toEqual({ date: '07/12', open: false, start: '', end: '', note: 'Sant’Ambrogio' });
    expect(rowsToExceptions(rows)).toEqual([
      { date: '12-07', open: false, start: undefined, end: undefined, note: 'Sant’Ambrogio' },
      { date: '2026-12-20', open: true, start: '09:00', end: '12:00', note: undefined },
    ]);
  });
  it('drop empty lines and times of closed dates', () => {
    expect(
      rowsToExceptions([
        { date: ' ', open: false, start: '', end: '', note: '' },
        { date: '1/5/2026', open: false, start: '9', end: '12', note: '' },
      ]),
    ).toEqual([{ date: '2026-05-01', open: false, start: undefined, end: undefined, note: undefined }]);
  });
});
