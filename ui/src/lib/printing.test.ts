import { describe, expect, it } from 'vitest';

import type { PrinterList } from '../bindings/PrinterList';
import { initialPrinter, parseCopies, parseMonth, previousMonth } from './printing';

const list = (printer: string | undefined, def: string | null): PrinterList => ({
  cups: true,
  printers: ['Ufficio', 'Magazzino'],
  default: def,
  custom_command: false,
  preferences: { printer, copies: 1 },
});

describe('printing', () => {
  it('preselects the last choice, else the default, else the system default', () => {
    expect(initialPrinter(list('Ufficio', 'Magazzino'))).toBe('Ufficio');
    expect(initialPrinter(list(undefined, 'Magazzino'))).toBe('Magazzino');
    expect(initialPrinter(list(undefined, null))).toBe('');
  });

  it('reads copies 1–99 only', () => {
    expect(parseCopies(' 2 ')).toBe(2);
    expect(parseCopies('99')).toBe(99);
    for (const bad of ['0', '100', '', '1,5', '-1', 'due']) expect(parseCopies(bad), bad).toBeNull();
  });

  it('the statement month: the previous one by default, read as year and month', () => {
    expect(previousMonth(new Date(2026, 0, 15))).toBe('2025-12');
    expect(previousMonth(new Date(2026, 11, 31))).toBe('2026-11');
    expect(parseMonth('2026-11')).toEqual({ year: 2026, month: 11 });
    expect(parseMonth('2026-13')).toBeNull();
    expect(parseMonth('')).toBeNull();
  });
});
