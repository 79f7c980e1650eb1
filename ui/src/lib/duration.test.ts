import { describe, expect, it } from 'vitest';

import { formatCountdown, formatMinutes, joinMinutes, splitMinutes } from './duration';

describe('hours + minutes fields', () => {
  it('split minutes into the two fields', () => {
    expect(splitMinutes(125)).toEqual({ hours: '2', minutes: '5' });
    expect(splitMinutes(30)).toEqual({ hours: '0', minutes: '30' });
    expect(splitMinutes(null)).toEqual({ hours: '', minutes: '' });
  });
  it('join the two fields into minutes', () => {
    expect(joinMinutes({ hours: '2', minutes: '5' })).toBe(125);
    expect(joinMinutes({ hours: '', minutes: '30' })).toBe(30);
    expect(joinMinutes({ hours: '8', minutes: '' })).toBe(480);
    expect(joinMinutes({ hours: ' 1,5 ', minutes: '' })).toBe(90);
    expect(joinMinutes({ hours: '0.25', minutes: '' })).toBe(15);
    expect(joinMinutes({ hours: '', minutes: '' })).toBeNull();
    expect(joinMinutes({ hours: '  ', minutes: ' ' })).toBeNull();
  });
  it('minutes alone may exceed 59; with hours they may not', () => {
    expect(joinMinutes({ hours: '', minutes: '90' })).toBe(90);
    expect(joinMinutes({ hours: '1', minutes: '75' })).toBeUndefined();
  });
  it('rejects what is not a number', () => {
    expect(joinMinutes({ hours: 'due', minutes: '' })).toBeUndefined();
    expect(joinMinutes({ hours: '-1', minutes: '' })).toBeUndefined();
    expect(joinMinutes({ hours: '1', minutes: '5.5' })).toBeUndefined();
  });
  it('round-trips', () => {
    for (const m of [0, 1, 59, 60, 61, 480, 1439, 6000]) expect(joinMinutes(splitMinutes(m))).toBe(m);
  });
});

describe('formatMinutes', () => {
  it('compact hours and minutes', () => {
    expect(formatMinutes(0)).toBe('0 min');
    expect(formatMinutes(45)).toBe('45 min');
    expect(formatMinutes(120)).toBe('2 h');
    expect(formatMinutes(125)).toBe('2 h 05 min');
    expect(formatMinutes(-90)).toBe('−1 h 30 min');
  });
});

describe('formatCountdown', () => {
  it('shows the two largest units', () => {
    expect(formatCountdown(0)).toBe('0 s');
    expect(formatCountdown(45)).toBe('45 s');
    expect(formatCountdown(12 * 60 + 5)).toBe('12 min 05 s');
    expect(formatCountdown(3 * 3600 + 5 * 60 + 59)).toBe('3 h 05 min');
    expect(formatCountdown(2 * 86_400 + 3 * 3600 + 120)).toBe('2 g 03 h');
  });
  it('shows seconds under a day when asked (a ticking countdown)', () => {
    expect(formatCountdown(3 * 3600 + 5 * 60 + 9, true)).toBe('3 h 05 min 09 s');
    expect(formatCountdown(2 * 86_400 + 5, true)).toBe('2 g 00 h');
  });
  it('is the magnitude: the sign is for the sentence', () => {
    expect(formatCountdown(-125)).toBe('2 min 05 s');
  });
});
