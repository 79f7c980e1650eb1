import { describe, expect, it } from 'vitest';

import { euroInput, parseEuro } from './money';

describe('parseEuro', () => {
  it('reads Italian amounts', () => {
    expect(parseEuro('45')).toBe(4500);
    expect(parseEuro('45,5')).toBe(4550);
    expect(parseEuro('0,40')).toBe(40);
    expect(parseEuro('1.234,50')).toBe(123450);
    expect(parseEuro('1234,50 €')).toBe(123450);
    expect(parseEuro(' 50,00\u00a0€ ')).toBe(5000);
  });
  it('dots: thousands in groups of three, else a decimal point', () => {
    expect(parseEuro('1.234')).toBe(123400);
    expect(parseEuro('45.5')).toBe(4550);
    expect(parseEuro('45.50')).toBe(4550);
  });
  it('empty is no value, nonsense is invalid', () => {
    expect(parseEuro('')).toBeNull();
    expect(parseEuro('  ')).toBeNull();
    expect(parseEuro('abc')).toBeUndefined();
    expect(parseEuro('1,2,3')).toBeUndefined();
    expect(parseEuro('-5')).toBeUndefined();
    expect(parseEuro('12,345')).toBeUndefined();
  });
  it('round-trips with euroInput', () => {
    for (const c of [0, 5, 40, 4500, 123450, 100000000]) expect(parseEuro(euroInput(c))).toBe(c);
    expect(euroInput(null)).toBe('');
    expect(euroInput(123450)).toBe('1.234,50');
  });
});
