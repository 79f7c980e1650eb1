import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { AppError } from './errors';
import { fieldChecks } from './fieldChecks';

const bad = (field: string): AppError => ({ code: 'INVALID_VAT_NUMBER', message: 'check digit', field });

describe('field checks as typed', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('debounces: only the value typed last is checked', async () => {
    const calls: string[] = [];
    const checks = fieldChecks(async (_f, v) => {
      calls.push(v);
      if (v !== '00743110157') throw bad('vat_number');
    }, () => {});
    checks.typed('vat_number', '0074');
    checks.typed('vat_number', '007431101');
    checks.typed('vat_number', '00743110158');
    expect(checks.pending.has('vat_number')).toBe(true);
    await vi.advanceTimersByTimeAsync(300);
    expect(calls).toEqual(['00743110158']);
    expect(checks.errors.vat_number?.code).toBe('INVALID_VAT_NUMBER');
    checks.typed('vat_number', '00743110157');
    await vi.advanceTimersByTimeAsync(300);
    expect(checks.errors.vat_number).toBeUndefined();
    expect(checks.pending.size).toBe(0);
  });

  it('drops a slow stale answer', async () => {
    let release: () => void = () => {};
    const checks = fieldChecks(
      (_f, v) =>
        v === 'slow'
          ? new Promise((_, reject) => (release = () => reject(bad('fiscal_code'))))
          : Promise.resolve(),
      () => {},
    );
    checks.typed('fiscal_code', 'slow');
    await vi.advanceTimersByTimeAsync(300);
    checks.typed('fiscal_code', 'RSSMRA85T10A562S');
    await vi.advanceTimersByTimeAsync(300);
    release();
    await vi.runAllTimersAsync();
    expect(checks.errors.fiscal_code).toBeUndefined();
  });

  it('flush checks everything before saving', async () => {
    const checks = fieldChecks(async (f, v) => {
      if (f === 'fiscal_code' && v) throw bad(f);
    }, () => {});
    checks.typed('vat_number', 'x');
    expect(await checks.flush({ vat_number: '00743110157', fiscal_code: '' })).toBe(true);
    expect(await checks.flush({ vat_number: '00743110157', fiscal_code: 'XX' })).toBe(false);
    expect(Object.keys(checks.errors)).toEqual(['fiscal_code']);
  });
});
