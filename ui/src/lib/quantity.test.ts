import { describe, expect, it } from 'vitest';

import { parseQuantity, parseTravel } from './quantity';

describe('parseQuantity', () => {
  it('reads Italian and keypad decimals', () => {
    expect(parseQuantity('2')).toBe(2);
    expect(parseQuantity('1,5')).toBe(1.5);
    expect(parseQuantity(' 0.25 ')).toBe(0.25);
  });
  it('refuses what is not a positive quantity', () => {
    expect(parseQuantity('')).toBeUndefined();
    expect(parseQuantity('0')).toBeUndefined();
    expect(parseQuantity('-1')).toBeUndefined();
    expect(parseQuantity('due')).toBeUndefined();
    expect(parseQuantity('1,2,3')).toBeUndefined();
  });
});

describe('parseTravel', () => {
  it('kilometres with decimals, whole minutes, empty means unchanged', () => {
    expect(parseTravel('12,5', false)).toBe(12.5);
    expect(parseTravel('0', false)).toBe(0);
    expect(parseTravel('', true)).toBeNull();
    expect(parseTravel('45', true)).toBe(45);
    expect(parseTravel('4,5', true)).toBeUndefined();
    expect(parseTravel('tanti', false)).toBeUndefined();
  });
});
