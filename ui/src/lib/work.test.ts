import { describe, expect, it } from 'vitest';

import { entryMarks, estimateInput, listboxKey, parseMinutesInt, partyInput, PARTY_KINDS } from './work';

describe('waiting for a third party', () => {
  it('names the party only when the step asks for it, trimmed', () => {
    expect(partyInput(true, 'provider', '  Fastweb ')).toEqual({ kind: 'provider', name: 'Fastweb' });
    expect(partyInput(false, 'provider', 'Fastweb')).toBeUndefined();
    // A blank name still goes: core answers with its error on the field.
    expect(partyInput(true, 'carrier', '  ')).toEqual({ kind: 'carrier', name: '' });
    expect(PARTY_KINDS).toEqual(['carrier', 'vendor', 'provider', 'other']);
  });
});

describe('keyboard', () => {
  it('the picker list moves with arrows, clamps and picks with Enter', () => {
    expect(listboxKey('ArrowDown', 0, 3)).toEqual({ active: 1, pick: false, handled: true });
    expect(listboxKey('ArrowDown', 2, 3).active).toBe(2);
    expect(listboxKey('ArrowUp', 0, 3).active).toBe(0);
    expect(listboxKey('End', 0, 3).active).toBe(2);
    expect(listboxKey('Home', 2, 3).active).toBe(0);
    expect(listboxKey('Enter', 1, 3)).toEqual({ active: 1, pick: true, handled: true });
    expect(listboxKey('a', 1, 3).handled).toBe(false);
    // No suggestions: Enter is the form's (submitting shows "client required").
    expect(listboxKey('Enter', 0, 0)).toEqual({ active: 0, pick: false, handled: false });
  });
});

describe('estimated resolution', () => {
  it('joins date and time as core reads them', () => {
    expect(estimateInput('', '')).toBeUndefined();
    expect(estimateInput(' 18/11/2026 ', '17:30')).toBe('18/11/2026 17:30');
    expect(estimateInput('18/11/2026', '17.30')).toBe('18/11/2026 17:30');
    expect(estimateInput('18/11/2026', '')).toBe('18/11/2026');
  });
});

describe('minutes typed by hand', () => {
  it('whole minutes, signed for adjustments', () => {
    expect(parseMinutesInt('45')).toBe(45);
    expect(parseMinutesInt('')).toBeNull();
    expect(parseMinutesInt('-30')).toBeUndefined();
    expect(parseMinutesInt('-30', true)).toBe(-30);
    expect(parseMinutesInt('−30', true)).toBe(-30);
    expect(parseMinutesInt('+15', true)).toBe(15);
    expect(parseMinutesInt('1,5')).toBeUndefined();
  });
});

describe('time entry marks', () => {
  it('voids and approvals mark the entries they point at', () => {
    const marks = entryMarks([
      { id: 'a', kind: 'timer', corrects_id: null },
      { id: 'b', kind: 'manual', corrects_id: null },
      { id: 'c', kind: 'void', corrects_id: 'b' },
      { id: 'd', kind: 'approval', corrects_id: 'a' },
    ]);
    expect(marks.get('a')).toEqual({ voided: false, approved: true });
    expect(marks.get('b')).toEqual({ voided: true, approved: false });
    expect(marks.get('c')).toEqual({ voided: false, approved: false });
  });
});
